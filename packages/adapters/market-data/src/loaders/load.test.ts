import { mkdtemp, rm, writeFile, copyFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { daysFromCivil, frameColumn, frameRow } from '@alphaloop/engine';
import { describeMarketDataContract } from '@alphaloop/ports/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketData } from '../market-data.js';
import { loadLongCsv, loadLongParquet, loadMarketData, loadWideCsvDirectory } from './load.js';
import { parseWideCsv } from './wide-csv.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const fixture = (name: string): string => join(fixtures, name);
const d = (iso: string): number => daysFromCivil(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'alphaloop-md-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function writeTmp(name: string, text: string): Promise<string> {
  const path = join(tmp, name);
  await writeFile(path, text);
  return path;
}

describe('parseWideCsv', () => {
  const parse = (text: string): ReturnType<typeof parseWideCsv> => parseWideCsv('close.csv', text);
  const message = (text: string): string => {
    const r = parse(text);
    if (!('error' in r)) throw new Error('expected an error');
    expect(r.error).toMatchObject({ kind: 'market_data_malformed', file: 'close.csv' });
    return r.error.message;
  };

  it('reads dates × stock ids with empty cells as NaN, as pandas writes them', () => {
    const r = parse('date,1101,2330\n2024-01-02,40.5,593\n2024-01-03,,598\n');
    if ('error' in r) throw new Error(r.error.message);
    expect(Array.from(r.frame.dates)).toEqual([d('2024-01-02'), d('2024-01-03')]);
    expect(r.frame.symbols).toEqual(['1101', '2330']);
    expect(frameColumn(r.frame, 0)).toEqual([40.5, Number.NaN]);
    expect(frameRow(r.frame, 1)).toEqual([Number.NaN, 598]);
  });

  it('accepts an unnamed index column and grows past the first size estimate', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${2000 + i}-01-03,${i}`);
    const r = parse(`,1101\n${rows.join('\n')}`);
    if ('error' in r) throw new Error(r.error.message);
    expect(frameColumn(r.frame, 0)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it.each([
    ['date,1101\n2024-01-02,1\n2024-02-30,2\n', 'close.csv:3:1: unparseable date', "'2024-02-30' (no such day)"],
    ['date,1101\n2024-01-02,1\n2024-01-02,2\n', 'close.csv:3:1: duplicate date 2024-01-02 (also on line 2)', "(column 'date')"],
    ['date,1101\n2024-01-03,1\n2024-01-02,2\n', 'close.csv:3:1: dates out of order: 2024-01-02 after 2024-01-03', ''],
    ['date,1101,2330\n2024-01-02,1,2\n2024-01-03,1,x9\n', "close.csv:3:3: non-numeric value 'x9' for stock 2330", "(column '2330')"],
    ['date,1101,2330\n2024-01-02,1,2\n2024-01-03,1\n', 'close.csv:3: expected 3 cells (a date and 2 values), found 2', ''],
    ['date,1101,1101\n', "close.csv:1:3: duplicate stock id '1101' (also column 2)", ''],
    ['date,1101,\n', 'close.csv:1:3: empty stock id in the header', ''],
    ['date\n', 'close.csv:1: the header names no stock', ''],
    ['', 'close.csv:1: empty file', ''],
  ])('rejects malformed input with file, line, column and reason: %j', (text, start, more) => {
    const m = message(text);
    expect(m.startsWith(start)).toBe(true);
    expect(m).toContain(more);
  });

  it('puts the line number in the error value', () => {
    const r = parse('date,1101\n2024-01-02,1\n\n2024-01-03,bad\n');
    expect('error' in r && r.error).toMatchObject({ line: 4, file: 'close.csv' });
  });
});

describe('loadWideCsvDirectory', () => {
  let market: MarketData;
  beforeAll(async () => {
    market = (await loadWideCsvDirectory(fixture('wide')))._unsafeUnwrap();
  });

  it('maps FinLab file names to canonical keys and keeps unknown fields', () => {
    expect([...market.frames.keys()].sort()).toEqual(
      ['etl:adj_close', 'etl:adj_high', 'monthly_revenue:revenue', 'price:close', 'price:high', 'price:成交筆數', 'security_categories:industry'].sort(),
    );
    expect(market.frame('price:收盤價')).toBe(market.frame('price:close'));
    expect(frameColumn(market.frame('price:close') as never, 2)).toEqual([905, Number.NaN, 915, 925]);
    const unknown = market.description.fields.find((f) => f.key === 'price:成交筆數');
    expect(unknown).toMatchObject({ frequency: 'daily', aliases: [] });
  });

  it('uses raw prices as adjusted ones when there is no adjustment data, and says so', () => {
    expect(market.prices.close).toBe(market.frame('price:close'));
    expect(market.prices.high).toBe(market.frame('price:high'));
    expect(market.prices.open).toBeUndefined();
    expect(market.metadata.notes.join(' ')).toContain('etl:adj_close, etl:adj_high equal the raw prices');
  });

  it('keeps monthly revenue on its publication dates (not forward-filled)', () => {
    const revenue = market.frame('monthly_revenue:當月營收');
    expect(Array.from(revenue?.dates ?? [])).toEqual([d('2023-12-10'), d('2024-01-10')]);
    expect(market.description.fields.find((f) => f.key === 'monthly_revenue:revenue')?.frequency).toBe('monthly');
  });

  it('reads industries from security_categories.csv (quoted names included)', () => {
    expect(market.metadata.industries).toEqual(['Cement', 'Semiconductors']);
    expect(market.industryOf('1101')).toBe('Cement');
    expect(Array.from(market.frame('security_categories:industry')?.values ?? [])).toEqual([0, 1, 1]);
  });

  it('describes the calendar of the close prices and hashes the contents', () => {
    expect(market.description).toMatchObject({ startDate: '2024-01-02', endDate: '2024-01-05', dateCount: 4, symbolCount: 3 });
    expect(market.metadata.dataVersion).toMatch(/^csv-[0-9a-f]{16}$/);
  });

  it('changes the data version when a file changes', async () => {
    const dir = join(tmp, 'changed');
    await loadWideCsvDirectory(fixture('wide')); // warm
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    for (const name of await readdir(fixture('wide'))) await copyFile(join(fixture('wide'), name), join(dir, name));
    const same = (await loadWideCsvDirectory(dir))._unsafeUnwrap();
    expect(same.metadata.dataVersion).toBe(market.metadata.dataVersion);
    await writeFile(join(dir, 'price__high.csv'), 'date,1101\n2024-01-02,41.5\n');
    const changed = (await loadWideCsvDirectory(dir))._unsafeUnwrap();
    expect(changed.metadata.dataVersion).not.toBe(market.metadata.dataVersion);
  });

  it('accepts FinLab keys with a colon in the file name', async () => {
    const dir = join(tmp, 'colon');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    await writeFile(join(dir, 'price:收盤價.csv'), 'date,2330\n2024-01-02,593\n2024-01-03,598\n');
    await writeFile(join(dir, 'price:開盤價.csv'), 'date,2330\n2024-01-02,590\n2024-01-03,596\n');
    const m = (await loadWideCsvDirectory(dir))._unsafeUnwrap();
    expect(m.frame('price:open')?.values[0]).toBe(590);
    expect(m.prices.open?.values[0]).toBe(590);
  });

  it('reports a missing close file, a malformed file, two files for one field, and a missing directory', async () => {
    const noClose = join(tmp, 'no-close');
    await import('node:fs/promises').then((fs) => fs.mkdir(noClose, { recursive: true }));
    await writeFile(join(noClose, 'price__open.csv'), 'date,2330\n2024-01-02,590\n');
    const e1 = (await loadWideCsvDirectory(noClose))._unsafeUnwrapErr();
    expect(e1).toMatchObject({ kind: 'market_data_malformed', file: noClose });
    expect(e1.message).toContain('missing close column');

    await writeFile(join(noClose, 'price__close.csv'), 'date,2330\n2024-01-02,590\n2024-01-01,591\n');
    const e2 = (await loadWideCsvDirectory(noClose))._unsafeUnwrapErr();
    expect(e2).toMatchObject({ file: join(noClose, 'price__close.csv'), line: 3 });
    expect(e2.message).toContain('dates out of order');

    await writeFile(join(noClose, 'price__close.csv'), 'date,2330\n2024-01-02,590\n');
    await writeFile(join(noClose, 'price__收盤價.csv'), 'date,2330\n2024-01-02,590\n');
    const e3 = (await loadWideCsvDirectory(noClose))._unsafeUnwrapErr();
    expect(e3.message).toContain('holds price:close, like price__close.csv');

    const e4 = (await loadWideCsvDirectory(join(tmp, 'nowhere')))._unsafeUnwrapErr();
    expect(e4.kind).toBe('market_data_unavailable');
  });
});

describe('loadLongCsv', () => {
  it('reads date,symbol,open,…,close rows into frames on the union of dates', async () => {
    const m = (await loadLongCsv(fixture('long.csv')))._unsafeUnwrap();
    expect(m.symbols).toEqual(['1101', '2330', '2454']);
    expect(m.description).toMatchObject({ dateCount: 4, startDate: '2024-01-02', endDate: '2024-01-05' });
    expect(frameColumn(m.frame('price:close') as never, 2)).toEqual([905, Number.NaN, 915, 925]);
    expect(frameRow(m.frame('etl:adj_close') as never, 0)).toEqual([38.2, 580.1, 880]);
    expect(m.prices.close).toBe(m.frame('etl:adj_close'));
    expect(m.prices.open).toBe(m.frame('price:open')); // no adj_open column: raw open
    expect(frameRow(m.frame('price_earning_ratio:本益比') as never, 0)).toEqual([12.5, 18.2, Number.NaN]);
    expect(m.metadata.dataVersion).toMatch(/^csv-/);
  });

  it('accepts files sorted by symbol, then date, and FinLab column names', async () => {
    const path = await writeTmp('by-symbol.csv', 'stock_id,date,price:收盤價\n2330,2024-01-02,593\n2330,2024-01-03,598\n1101,2024-01-02,40.5\n1101,2024-01-04,39.1\n');
    const m = (await loadLongCsv(path))._unsafeUnwrap();
    expect(m.symbols).toEqual(['1101', '2330']);
    expect(frameColumn(m.frame('price:close') as never, 0)).toEqual([40.5, Number.NaN, 39.1]);
  });

  it('keeps a monthly field only on the dates it has values', async () => {
    const path = await writeTmp('with-revenue.csv', 'date,symbol,close,revenue\n2024-01-09,2330,590,\n2024-01-10,2330,593,210000000\n2024-01-11,2330,598,\n');
    const m = (await loadLongCsv(path))._unsafeUnwrap();
    expect(Array.from(m.frame('monthly_revenue:revenue')?.dates ?? [])).toEqual([d('2024-01-10')]);
  });

  it.each([
    ['date,symbol,open\n2024-01-02,2330,1\n', 1, 'missing close column'],
    ['when,symbol,close\n', 1, 'no date column'],
    ['date,close\n', 1, 'no symbol column'],
    ['date,symbol,close,price:收盤價\n', 1, "columns 'close' and 'price:收盤價' both hold price:close"],
    ['date,symbol,close\n2024-01-02,2330,1\n2024-01-02,2330,2\n', 3, 'duplicate date 2024-01-02 for 2330 (also on line 2)'],
    ['date,symbol,close\n2024-01-03,2330,1\n2024-01-02,2330,2\n', 3, 'dates out of order for 2330: 2024-01-02 after 2024-01-03'],
    ['date,symbol,close\n2024-01-02,2330,1\n2024-01-03,2330,n/a?\n', 3, "non-numeric value 'n/a?' for 2330 (column 'close')"],
    ['date,symbol,close\n2024-01-02,2330,1\n01/03/2024,2330,2\n', 3, "unparseable date '01/03/2024'"],
    ['date,symbol,close\n2024-01-02,,1\n', 2, 'missing symbol'],
    ['date,symbol,close\n2024-01-02,2330\n', 2, 'expected 3 cells, found 2'],
    ['date,symbol,close\n', 0, 'no data rows'],
    ['', 1, 'empty file'],
  ])('rejects %j at line %d: %s', async (text, line, reason) => {
    const path = await writeTmp('bad.csv', text);
    const e = (await loadLongCsv(path))._unsafeUnwrapErr();
    expect(e).toMatchObject({ kind: 'market_data_malformed', file: path });
    if (line > 0) expect(e).toMatchObject({ line });
    expect(e.message).toContain(reason);
  });

  it('names file:line:column in the message', async () => {
    const path = await writeTmp('bad2.csv', 'date,symbol,open,close\n2024-01-02,2330,1,x\n');
    expect((await loadLongCsv(path))._unsafeUnwrapErr().message).toBe(`${path}:2:4: non-numeric value 'x' for 2330 (column 'close')`);
  });
});

describe('loadLongParquet (fixtures written by pyarrow, test/fixtures/make-parquet.py)', () => {
  it('reads the same frames as the long CSV (DATE and TIMESTAMP dates, INT64 volumes, nulls)', async () => {
    const csv = (await loadLongCsv(fixture('long.csv')))._unsafeUnwrap();
    for (const name of ['long.parquet', 'long-timestamp.parquet']) {
      const pq = (await loadLongParquet(fixture(name)))._unsafeUnwrap();
      expect(pq.metadata.source).toBe('long-parquet');
      expect(pq.metadata.dataVersion).toMatch(/^parquet-/);
      expect([...pq.frames.keys()].sort()).toEqual([...csv.frames.keys()].sort());
      for (const [key, frame] of csv.frames) {
        const other = pq.frames.get(key);
        expect(Array.from(other?.dates ?? []), key).toEqual(Array.from(frame.dates));
        expect(other?.symbols, key).toEqual(frame.symbols);
        expect(Array.from(other?.values ?? []), key).toEqual(Array.from(frame.values));
      }
    }
  });

  it.each([
    ['bad-value.parquet', 4, "non-numeric value 'abc' for 1101 (column 'close')"],
    ['duplicate.parquet', 5, 'duplicate date 2024-01-03 for 1101 (also on line 4)'],
    ['no-close.parquet', 1, 'missing close column'],
  ])('rejects %s at row %d: %s', async (name, line, reason) => {
    const e = (await loadLongParquet(fixture(name)))._unsafeUnwrapErr();
    expect(e).toMatchObject({ kind: 'market_data_malformed', file: fixture(name), line });
    expect(e.message).toContain(reason);
  });

  it('rejects a file that is not Parquet', async () => {
    const e = (await loadLongParquet(fixture('long.csv')))._unsafeUnwrapErr();
    expect(e.message).toContain('not a readable Parquet file');
  });
});

describe('loadMarketData', () => {
  it('chooses the loader by path', async () => {
    expect((await loadMarketData(fixture('wide')))._unsafeUnwrap().metadata.source).toBe('wide-csv');
    expect((await loadMarketData(fixture('long.csv')))._unsafeUnwrap().metadata.source).toBe('long-csv');
    expect((await loadMarketData(fixture('long.parquet')))._unsafeUnwrap().metadata.source).toBe('long-parquet');
    expect((await loadMarketData(fixture('make-parquet.py')))._unsafeUnwrapErr().kind).toBe('market_data_unavailable');
    expect((await loadMarketData(join(tmp, 'missing.csv')))._unsafeUnwrapErr().kind).toBe('market_data_unavailable');
  });
});

describeMarketDataContract('wide CSV directory', async () => (await loadWideCsvDirectory(fixture('wide')))._unsafeUnwrap());
describeMarketDataContract('long CSV', async () => (await loadLongCsv(fixture('long.csv')))._unsafeUnwrap());
describeMarketDataContract('long Parquet', async () => (await loadLongParquet(fixture('long.parquet')))._unsafeUnwrap());
