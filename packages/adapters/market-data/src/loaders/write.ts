import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isoDate, type Frame } from '@alphaloop/engine';
import { err, ok, ResultAsync, type Result } from 'neverthrow';
import { describeCause, unavailable, type MarketDataError } from '../errors.js';
import { fileStemOfKey, INDUSTRY_KEY } from '../fields.js';
import type { MarketData } from '../market-data.js';
import { CATEGORIES_FILE, METADATA_FILE } from './load.js';

export interface WrittenMarket {
  readonly dir: string;
  /** File names written, in order. */
  readonly files: readonly string[];
  readonly bytes: number;
}

const RAW_OF_ADJUSTED: Readonly<Record<string, string>> = {
  'etl:adj_close': 'price:close',
  'etl:adj_open': 'price:open',
  'etl:adj_high': 'price:high',
  'etl:adj_low': 'price:low',
};

/** A cell as pandas writes it: shortest round-trip decimal, empty for NaN, `inf` / `-inf`. */
const cell = (v: number): string => (Number.isNaN(v) ? '' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v));

/**
 * Writes a market as FinLab wide CSV files that `loadWideCsvDirectory` reads back to the same frames: one
 * `<table>__<column>.csv` per field (`date,<symbols…>` then one row per date), `security_categories.csv`
 * (`stock_id,category`) when industries are known, and `market.json` (name, notes, synthetic metadata with
 * the planted effects and benchmark Sharpes). Adjusted prices that are the raw frames themselves (no
 * adjustment data) are not written twice: the loader derives them again.
 */
export function writeMarketCsv(market: MarketData, dir: string): ResultAsync<WrittenMarket, MarketDataError> {
  const run = async (): Promise<Result<WrittenMarket, MarketDataError>> => {
    await mkdir(dir, { recursive: true });
    const files: string[] = [];
    let bytes = 0;
    const industries = new Map<string, string>();
    for (const s of market.symbols) {
      const industry = market.industryOf(s);
      if (industry !== undefined) industries.set(s, industry);
    }
    for (const [key, frame] of market.frames) {
      const raw = RAW_OF_ADJUSTED[key];
      if (raw !== undefined && market.frames.get(raw) === frame) continue;
      if (key === INDUSTRY_KEY && industries.size > 0) continue;
      const name = `${fileStemOfKey(key)}.csv`;
      bytes += await writeFrame(join(dir, name), frame);
      files.push(name);
    }
    if (industries.size > 0) {
      const quote = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
      const text = `stock_id,category\n${[...industries].map(([s, c]) => `${quote(s)},${quote(c)}`).join('\n')}\n`;
      await writeFile(join(dir, CATEGORIES_FILE), text);
      bytes += Buffer.byteLength(text);
      files.push(CATEGORIES_FILE);
    }
    const meta = {
      format: 'alphaloop-wide-csv/1',
      name: market.metadata.name,
      source: market.metadata.source,
      dataVersion: market.metadata.dataVersion,
      notes: market.metadata.notes,
      industries: market.metadata.industries,
      fields: market.description.fields,
      synthetic: market.metadata.synthetic,
    };
    const json = `${JSON.stringify(meta, null, 2)}\n`;
    await writeFile(join(dir, METADATA_FILE), json);
    bytes += Buffer.byteLength(json);
    files.push(METADATA_FILE);
    return ok({ dir, files, bytes });
  };
  return new ResultAsync(run().catch((e: unknown) => err(unavailable(`cannot write the market to ${dir}: ${describeCause(e)}`))));
}

/** Streams one wide CSV (rows joined in blocks, so memory stays small); resolves to the bytes written. */
function writeFrame(path: string, frame: Frame): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path);
    let bytes = 0;
    out.on('error', reject);
    const m = frame.symbols.length;
    const quote = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    let block = `date,${frame.symbols.map(quote).join(',')}\n`;
    const flush = (): void => {
      bytes += Buffer.byteLength(block);
      out.write(block);
      block = '';
    };
    const row: string[] = new Array<string>(m + 1);
    for (let d = 0; d < frame.dates.length; d++) {
      row[0] = isoDate(frame.dates[d] as number);
      const base = d * m;
      for (let s = 0; s < m; s++) row[s + 1] = cell(frame.values[base + s] as number);
      block += `${row.join(',')}\n`;
      if (block.length > 1 << 20) flush();
    }
    flush();
    out.end(() => resolve(bytes));
  });
}
