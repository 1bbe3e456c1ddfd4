import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { Frame } from '@alphaloop/engine';
import { parquetMetadata, parquetRead } from 'hyparquet';
import { err, ok, ResultAsync, type Result } from 'neverthrow';
import { describeCause, malformed, malformedFile, unavailable, type MarketDataError } from '../errors.js';
import { contentHash } from '../hash.js';
import { canonicalKey, MarketData } from '../market-data.js';
import { keyOfFileStem, valueDomainOf } from '../fields.js';
import type { SyntheticMetadata } from '../synthetic/metadata.js';
import { checkFields, type LoadedField } from './checks.js';
import { readCsvRecords } from './csv-records.js';
import { LongTableBuilder, longLayout } from './long-table.js';
import { parseWideCsv } from './wide-csv.js';

export interface LoadOptions {
  /** Display name of the market (default: the file or directory name). */
  readonly name?: string;
}

/** The file of industry categories in a wide-CSV directory (FinLab's `security_categories` table). */
export const CATEGORIES_FILE = 'security_categories.csv';
/** Name, notes and synthetic metadata written beside the CSV files by `writeMarketCsv`. */
export const METADATA_FILE = 'market.json';

/** Never rejects: an unexpected exception becomes a `market_data_unavailable` error. */
function guarded<T>(what: string, run: () => Promise<Result<T, MarketDataError>>): ResultAsync<T, MarketDataError> {
  return new ResultAsync(run().catch((e: unknown) => err(unavailable(`${what}: ${describeCause(e)}`))));
}

async function readBytes(path: string): Promise<Result<Buffer, MarketDataError>> {
  try {
    return ok(await readFile(path));
  } catch (e) {
    return err(unavailable(`cannot read ${path}: ${describeCause(e)}`));
  }
}

/**
 * Loads a directory of FinLab wide CSV files, one per field (`price__close.csv` or `price:收盤價.csv`: the
 * file name is the key with `__` or `:` between table and column; FinLab names map to canonical keys).
 * Optional: `security_categories.csv` (`stock_id,category`, the industries) and `market.json` (name and
 * synthetic metadata, as `writeMarketCsv` writes them). Other files are ignored only if they are not `.csv`.
 */
export function loadWideCsvDirectory(dir: string, options: LoadOptions = {}): ResultAsync<MarketData, MarketDataError> {
  return guarded(`loading ${dir}`, async () => {
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch (e) {
      return err(unavailable(`cannot read the directory ${dir}: ${describeCause(e)}`));
    }
    const frames = new Map<string, Frame>();
    const fileOfKey = new Map<string, string>();
    const loaded: LoadedField[] = [];
    let categoriesFile = '';
    const hashed: { name: string; bytes: Uint8Array }[] = [];
    let symbolIndustry: Map<string, string> | undefined;
    let meta: StoredMetadata = {};
    for (const name of names) {
      const path = join(dir, name);
      const isCsv = name.toLowerCase().endsWith('.csv');
      if (!isCsv && name !== METADATA_FILE) continue;
      const bytes = await readBytes(path);
      if (bytes.isErr()) return err(bytes.error);
      hashed.push({ name, bytes: bytes.value });
      const text = bytes.value.toString('utf8');
      if (name === METADATA_FILE) {
        const parsed = parseStoredMetadata(path, text);
        if (parsed.isErr()) return err(parsed.error);
        meta = parsed.value;
        continue;
      }
      if (name === CATEGORIES_FILE) {
        const categories = parseCategories(path, text);
        if (categories.isErr()) return err(categories.error);
        symbolIndustry = categories.value;
        categoriesFile = path;
        continue;
      }
      const key = canonicalKey(keyOfFileStem(name.slice(0, -4)));
      const other = fileOfKey.get(key);
      if (other !== undefined) return err(malformedFile(path, `holds ${key}, like ${other}: keep one of them`));
      const parsed = parseWideCsv(path, text, { domain: valueDomainOf(key), field: key });
      if ('error' in parsed) return err(parsed.error);
      frames.set(key, parsed.frame);
      loaded.push({ key, file: path, frame: parsed.frame });
      fileOfKey.set(key, name);
    }
    if (!frames.has('price:close')) {
      return err(malformedFile(dir, `missing close column: no price__close.csv (or 'price:收盤價.csv') among ${frames.size} field files`));
    }
    const checked = checkFields(loaded, symbolIndustry === undefined ? undefined : { file: categoriesFile, symbols: [...symbolIndustry.keys()] });
    if (checked.isErr()) return err(checked.error);
    return namingPath(
      dir,
      MarketData.create({
        name: options.name ?? meta.name ?? basename(dir),
        source: 'wide-csv',
        dataVersion: `csv-${contentHash(hashed).slice(0, 16)}`,
        frames,
        ...(symbolIndustry === undefined ? {} : { symbolIndustry }),
        notes: meta.notes ?? [],
        ...(meta.synthetic === undefined ? {} : { synthetic: meta.synthetic }),
        warnings: checked.value,
      }),
    );
  });
}

/** Loads a long CSV: `date,symbol,open,high,low,close,volume,…`, one row per (date, symbol). */
export function loadLongCsv(file: string, options: LoadOptions = {}): ResultAsync<MarketData, MarketDataError> {
  return guarded(`loading ${file}`, async () => {
    const bytes = await readBytes(file);
    if (bytes.isErr()) return err(bytes.error);
    let builder: LongTableBuilder | null = null;
    let width = 0;
    const failure = readCsvRecords(file, bytes.value.toString('utf8'), (fields, line) => {
      if (builder === null) {
        const layout = longLayout(file, fields);
        if ('error' in layout) return layout.error;
        builder = new LongTableBuilder(file, layout);
        width = fields.length;
        return null;
      }
      if (fields.length !== width) return malformed(file, line, `expected ${width} cells, found ${fields.length}`);
      return builder.add(line, (c) => fields[c]);
    });
    if (failure !== null) return err(failure);
    const table = builder as LongTableBuilder | null;
    if (table === null) return err(malformed(file, 1, 'empty file: expected a header `date,symbol,…,close,…`'));
    return fromLong(file, table, bytes.value, 'long-csv', options);
  });
}

/**
 * Loads a long Parquet file (same columns as the long CSV; dates as DATE, TIMESTAMP, `YYYY-MM-DD` strings or
 * `YYYYMMDD` integers). Errors name the 1-based row number as the line.
 */
export function loadLongParquet(file: string, options: LoadOptions = {}): ResultAsync<MarketData, MarketDataError> {
  return guarded(`loading ${file}`, async () => {
    const bytes = await readBytes(file);
    if (bytes.isErr()) return err(bytes.error);
    const buffer = bytes.value.buffer.slice(bytes.value.byteOffset, bytes.value.byteOffset + bytes.value.byteLength) as ArrayBuffer;
    let header: string[];
    try {
      const metadata = parquetMetadata(buffer);
      const top = metadata.schema.slice(1);
      const nested = top.find((e) => (e.num_children ?? 0) > 0);
      if (nested !== undefined) return err(malformedFile(file, `nested column '${nested.name}' is not supported: use flat columns date, symbol, close, …`));
      header = top.map((e) => e.name);
    } catch (e) {
      return err(malformedFile(file, `not a readable Parquet file: ${describeCause(e)}`));
    }
    const layout = longLayout(file, header);
    if ('error' in layout) return err(layout.error);
    const builder = new LongTableBuilder(file, layout);
    let rows: unknown[][] = [];
    try {
      await parquetRead({ file: buffer, columns: header, rowFormat: 'array', onComplete: (r) => (rows = r) });
    } catch (e) {
      return err(malformedFile(file, `unreadable Parquet data: ${describeCause(e)}`));
    }
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] as unknown[];
      const failure = builder.add(r + 1, (c) => row[c]);
      if (failure !== null) return err(failure);
    }
    return fromLong(file, builder, bytes.value, 'long-parquet', options);
  });
}

function fromLong(file: string, table: LongTableBuilder, bytes: Uint8Array, source: 'long-csv' | 'long-parquet', options: LoadOptions): Result<MarketData, MarketDataError> {
  if (table.rowCount === 0) return err(malformedFile(file, 'no data rows'));
  const frames = table.frames();
  const checked = checkFields([...frames].map(([key, frame]) => ({ key, file, frame })));
  if (checked.isErr()) return err(checked.error);
  return namingPath(
    file,
    MarketData.create({
      name: options.name ?? basename(file),
      source,
      dataVersion: `${source === 'long-csv' ? 'csv' : 'parquet'}-${contentHash([{ name: basename(file), bytes }]).slice(0, 16)}`,
      frames,
      warnings: checked.value,
    }),
  );
}

/** Every data error names its file: `MarketData.create`'s (about frames, not files) get the path in front. */
function namingPath(path: string, result: Result<MarketData, MarketDataError>): Result<MarketData, MarketDataError> {
  return result.mapErr((e) => (e.message.startsWith(path) ? e : { ...e, message: `${path}: ${e.message}` }));
}

/** Loads market data from a path: a directory of wide CSV files, a long `.csv`, or a long `.parquet`. */
export function loadMarketData(path: string, options: LoadOptions = {}): ResultAsync<MarketData, MarketDataError> {
  return guarded(`loading ${path}`, async () => {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch (e) {
      return err(unavailable(`cannot read ${path}: ${describeCause(e)}`));
    }
    if (isDirectory) return loadWideCsvDirectory(path, options);
    const ext = extname(path).toLowerCase();
    if (ext === '.csv') return loadLongCsv(path, options);
    if (ext === '.parquet' || ext === '.pq') return loadLongParquet(path, options);
    return err(unavailable(`${path}: expected a directory of wide CSV files, a long .csv or a long .parquet file`));
  });
}

interface StoredMetadata {
  readonly name?: string;
  readonly notes?: readonly string[];
  readonly synthetic?: SyntheticMetadata;
}

function parseStoredMetadata(file: string, text: string): Result<StoredMetadata, MarketDataError> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return err(malformed(file, 1, `invalid JSON: ${describeCause(e)}`));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return err(malformed(file, 1, 'expected a JSON object'));
  const v = value as Record<string, unknown>;
  const name = typeof v['name'] === 'string' ? v['name'] : undefined;
  const notes = Array.isArray(v['notes']) && v['notes'].every((n) => typeof n === 'string') ? (v['notes'] as string[]) : undefined;
  const s = v['synthetic'];
  const synthetic = typeof s === 'object' && s !== null && typeof (s as Record<string, unknown>)['generator'] === 'string' ? (s as SyntheticMetadata) : undefined;
  return ok({ ...(name === undefined ? {} : { name }), ...(notes === undefined ? {} : { notes }), ...(synthetic === undefined ? {} : { synthetic }) });
}

/** `security_categories.csv`: a stock id column (`stock_id` or `symbol`) and a `category` (or `industry`) column. */
function parseCategories(file: string, text: string): Result<Map<string, string>, MarketDataError> {
  const out = new Map<string, string>();
  let idColumn = -1;
  let categoryColumn = -1;
  let width = 0;
  let header = true;
  const failure = readCsvRecords(file, text, (fields, line) => {
    if (header) {
      header = false;
      const lower = fields.map((f) => f.trim().toLowerCase());
      idColumn = lower.findIndex((f) => f === 'stock_id' || f === 'symbol');
      categoryColumn = lower.findIndex((f) => f === 'category' || f === 'industry');
      width = fields.length;
      if (idColumn < 0 || categoryColumn < 0) return malformed(file, line, 'expected a header with stock_id and category columns');
      return null;
    }
    if (fields.length !== width) return malformed(file, line, `expected ${width} cells, found ${fields.length}`);
    const id = (fields[idColumn] as string).trim();
    const category = (fields[categoryColumn] as string).trim();
    if (id === '') return malformed(file, line, 'missing stock id', { index: idColumn + 1 });
    if (out.has(id)) return malformed(file, line, `duplicate stock id '${id}'`, { index: idColumn + 1 });
    if (category !== '') out.set(id, category);
    return null;
  });
  return failure === null ? ok(out) : err(failure);
}
