import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMarketDataContract } from '@alphaloop/ports/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketData } from '../market-data.js';
import { generateSyntheticMarket } from '../synthetic/generate.js';
import { loadWideCsvDirectory } from './load.js';
import { writeMarketCsv, type WrittenMarket } from './write.js';

let dir: string;
let original: MarketData;
let written: WrittenMarket;
let loaded: MarketData;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alphaloop-md-write-'));
  original = generateSyntheticMarket({ seed: 3, symbols: 30, start: '2020-01-01', end: '2021-12-31' })._unsafeUnwrap();
  const benchmarks = {
    oracle: { source: 'o', sharpe: 1.25, cagr: 0.2, maxDrawdown: -0.3 },
    template: { source: 't', sharpe: 0.1, cagr: 0.02, maxDrawdown: -0.5 },
    market: { source: 'm', sharpe: 0.5, cagr: 0.1, maxDrawdown: -0.35 },
  };
  original = original.withSynthetic({ ...(original.metadata.synthetic as NonNullable<MarketData['metadata']['synthetic']>), benchmarks });
  written = (await writeMarketCsv(original, dir))._unsafeUnwrap();
  loaded = (await loadWideCsvDirectory(dir))._unsafeUnwrap();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeMarketCsv → loadWideCsvDirectory', () => {
  it('writes one FinLab wide CSV per field, the categories and the metadata', () => {
    expect(written.files).toEqual(expect.arrayContaining(['price__close.csv', 'monthly_revenue__revenue_yoy.csv', 'security_categories.csv', 'market.json']));
    expect(written.files).not.toContain('etl__adj_close.csv'); // equal to the raw close: derived again on load
    expect(written.bytes).toBeGreaterThan(100_000);
  });

  it('writes what pandas writes: a date header, ISO dates, empty cells for NaN', async () => {
    const text = await readFile(join(dir, 'price__close.csv'), 'utf8');
    const [header, first] = text.split('\n');
    expect(header).toBe(`date,${original.symbols.join(',')}`);
    expect(first).toMatch(/^2020-01-02,/);
    expect(text).toMatch(/,,|,\n/); // some NaN (not yet listed / suspended)
  });

  it('reads back the same frames, value for value (NaN included)', () => {
    expect([...loaded.frames.keys()].sort()).toEqual([...original.frames.keys()].sort());
    for (const [key, frame] of original.frames) {
      const other = loaded.frames.get(key);
      expect(Array.from(other?.dates ?? []), key).toEqual(Array.from(frame.dates));
      expect(other?.symbols, key).toEqual(frame.symbols);
      const a = frame.values;
      const b = other?.values ?? new Float64Array(0);
      expect(b.length, key).toBe(a.length);
      let differ = 0;
      for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) differ++;
      expect(differ, key).toBe(0);
    }
  });

  it('keeps the description, industries, notes and synthetic metadata (benchmarks included)', () => {
    expect(loaded.description.fields).toEqual(original.description.fields);
    expect(loaded.metadata.name).toBe(original.metadata.name);
    expect(loaded.metadata.industries).toEqual(original.metadata.industries);
    for (const s of original.symbols) expect(loaded.industryOf(s)).toBe(original.industryOf(s));
    expect(loaded.metadata.synthetic).toEqual(original.metadata.synthetic);
    expect(loaded.metadata.notes).toContain(original.metadata.notes[0]);
    expect(loaded.metadata.dataVersion).toMatch(/^csv-/);
  });

  it('loads back without a warning: every file on the calendar, every symbol priced', () => {
    expect(loaded.warnings).toEqual([]);
  });

  it('rejects an unreadable market.json with its file and line', async () => {
    await writeFile(join(dir, 'market.json'), '{ nope');
    const e = (await loadWideCsvDirectory(dir))._unsafeUnwrapErr();
    expect(e).toMatchObject({ kind: 'market_data_malformed', file: join(dir, 'market.json'), line: 1 });
    await writeFile(join(dir, 'market.json'), '{}');
  });

  it('reports an unwritable destination as an error value', async () => {
    const e = (await writeMarketCsv(original, join(dir, 'price__close.csv', 'sub')))._unsafeUnwrapErr();
    expect(e.kind).toBe('market_data_unavailable');
  });
});

describeMarketDataContract('synthetic market written as CSV and loaded back', async () => loaded);
