import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { daysFromCivil, frameColumn, reindexFfill } from '@alphaloop/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketData } from '../market-data.js';
import type { MarketDataWarning } from '../warnings.js';
import { loadLongCsv, loadLongParquet, loadWideCsvDirectory } from './load.js';

// Bad data a hostile user tried (issue 15): every error names the file (and line and column where there is one),
// every warning names the file and says what was done.

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const d = (iso: string): number => daysFromCivil(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));

let tmp: string;
let n = 0;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'alphaloop-md-bad-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const CLOSE = 'date,1101,2330,2454\n2024-01-02,40.5,593,905\n2024-01-03,40.2,598,\n2024-01-04,39.1,584,915\n2024-01-05,39.4,588,925\n';

/** A directory of wide CSV files (a valid `price__close.csv` unless given). */
async function wideDir(files: Record<string, string>): Promise<string> {
  const dir = join(tmp, `wide-${++n}`);
  await mkdir(dir);
  for (const [name, text] of Object.entries({ 'price__close.csv': CLOSE, ...files })) await writeFile(join(dir, name), text);
  return dir;
}

async function longFile(text: string): Promise<string> {
  const path = join(tmp, `long-${++n}.csv`);
  await writeFile(path, text);
  return path;
}

async function wideError(files: Record<string, string>) {
  const dir = await wideDir(files);
  return { dir, error: (await loadWideCsvDirectory(dir))._unsafeUnwrapErr() };
}

async function wideMarket(files: Record<string, string>): Promise<{ dir: string; market: MarketData }> {
  const dir = await wideDir(files);
  return { dir, market: (await loadWideCsvDirectory(dir))._unsafeUnwrap() };
}

const warningOf = (market: MarketData, kind: MarketDataWarning['kind'], file: string): MarketDataWarning => {
  const found = market.warnings.find((w) => w.kind === kind && w.file === file);
  if (found === undefined) throw new Error(`no ${kind} warning for ${file}: ${JSON.stringify(market.warnings)}`);
  return found;
};

describe('wide CSV: infinite values and prices ≤ 0 are errors with file:line:column', () => {
  it.each([
    ['price__close.csv', 'inf', 'infinite value', "'inf'"],
    ['price__close.csv', '-inf', 'infinite value', "'-inf'"],
    ['price__close.csv', 'Infinity', 'infinite value', "'Infinity'"],
    ['price__close.csv', '1e309', 'number', "'1e309' out of range (it reads as infinity)"],
    ['price__close.csv', '-1e309', 'number', "'-1e309' out of range"],
    ['price__close.csv', '-5', 'negative price', "'-5' for stock 2330: prices must be > 0"],
    ['price__close.csv', '0', 'zero price', "'0' for stock 2330: prices must be > 0"],
    ['price__close.csv', '-0.0', 'zero price', "'-0.0'"],
    ['price:收盤價.csv', '0', 'zero price', "'0'"],
    ['price__開盤價.csv', '-1', 'negative price', "'-1'"],
    ['price__low.csv', '0', 'zero price', "'0'"],
    ['etl__adj_close.csv', '-3.5', 'negative price', "'-3.5'"],
    ['etl__adj_high.csv', '0', 'zero price', "'0'"],
    ['price__volume.csv', 'inf', 'infinite value', "'inf'"],
    ['price__volume.csv', '-1000', 'negative price:volume', "'-1000' for stock 2330: price:volume cannot be below 0"],
    ['price__成交金額.csv', '-0.5', 'negative price:turnover', "'-0.5' for stock 2330: price:turnover cannot be below 0"],
    ['etl__market_value.csv', '-1', 'negative etl:market_value', "'-1' for stock 2330"],
    ['monthly_revenue__去年同月增減(%).csv', '1e400', 'number', "'1e400' out of range"],
    ['fundamental_features__ROE稅後.csv', '-inf', 'infinite value', "'-inf'"],
  ])('%s with %s', async (name, cell, reason, detail) => {
    const text = `date,1101,2330,2454\n2024-01-02,40.5,593,905\n2024-01-03,40.2,${cell},1\n2024-01-04,39.1,584,915\n2024-01-05,39.4,588,925\n`;
    const { dir, error } = await wideError(name === 'price__close.csv' ? { [name]: text } : { [name]: text });
    const file = join(dir, name);
    expect(error).toMatchObject({ kind: 'market_data_malformed', file, line: 3 });
    expect(error.message.startsWith(`${file}:3:3: ${reason}`)).toBe(true);
    expect(error.message).toContain(detail);
    expect(error.message.endsWith("(column '2330')")).toBe(true);
  });

  it('accepts negative growth rates and returns, a negative ROE, a zero volume and zero revenue', async () => {
    const { market } = await wideMarket({
      'monthly_revenue__revenue_yoy.csv': 'date,1101,2330,2454\n2024-01-03,-12.5,0,3\n',
      'fundamental_features__ROE稅後.csv': 'date,1101,2330,2454\n2024-01-03,-4.2,20.1,\n',
      'price__volume.csv': 'date,1101,2330,2454\n2024-01-02,0,100,5\n2024-01-03,1,0,\n2024-01-04,0,0,0\n2024-01-05,2,3,4\n',
      'monthly_revenue__revenue.csv': 'date,1101,2330,2454\n2024-01-03,0,10,11\n',
      'returns.csv': 'date,1101,2330,2454\n2024-01-02,-0.5,0,0.1\n2024-01-03,-0.2,0,0.3\n2024-01-04,0,0,0\n2024-01-05,0,0,0\n',
    });
    expect(market.frame('monthly_revenue:revenue_yoy')?.values[0]).toBe(-12.5);
    expect(market.frame('fundamental_features:ROE稅後')?.values[0]).toBe(-4.2);
    expect(market.frame('price:volume')?.values[0]).toBe(0);
    expect(market.warnings).toEqual([]);
  });
});

describe('wide CSV: empty and too short files are errors naming the file', () => {
  it.each([
    ['price__close.csv', 'date,1101,2330\n'],
    ['price__close.csv', 'date,1101,2330\r\n\r\n'],
    ['price__volume.csv', 'date,1101,2330,2454\n'],
    ['monthly_revenue__revenue.csv', ',1101\n'],
  ])('a header and no rows: %s', async (name, text) => {
    const { dir, error } = await wideError({ [name]: text });
    expect(error).toMatchObject({ kind: 'market_data_malformed', file: join(dir, name) });
    expect(error.message).toBe(`${join(dir, name)}: no data rows: a header and no dates`);
  });

  it('a close file of one row: the calendar needs two trading days', async () => {
    const { dir, error } = await wideError({ 'price__close.csv': 'date,1101,2330\n2024-01-02,40,500\n' });
    const file = join(dir, 'price__close.csv');
    expect(error).toMatchObject({ kind: 'market_data_malformed', file });
    expect(error.message).toBe(`${file}: only one date (2024-01-02) in price:close: a backtest needs at least two trading days (a signal is traded the next day)`);
  });

  it('an adjusted close of one row (the calendar) is refused, a one-row monthly file is not', async () => {
    const { dir, error } = await wideError({ 'etl__adj_close.csv': 'date,1101\n2024-01-02,40\n' });
    expect(error).toMatchObject({ file: join(dir, 'etl__adj_close.csv') });
    expect(error.message).toContain('only one date (2024-01-02) in etl:adj_close');
    const { market } = await wideMarket({ 'monthly_revenue__revenue.csv': 'date,1101,2330,2454\n2024-01-03,1,2,3\n' });
    expect(market.frame('monthly_revenue:revenue')?.dates.length).toBe(1);
  });
});

describe('wide CSV: missing prices', () => {
  it('a price file with no value at all is an error naming it', async () => {
    for (const name of ['price__close.csv', 'price__high.csv', 'etl__adj_close.csv']) {
      const { dir, error } = await wideError({ [name]: 'date,1101,2330\n2024-01-02,,\n2024-01-03,nan,NaN\n' });
      expect(error).toMatchObject({ kind: 'market_data_malformed', file: join(dir, name) });
      expect(error.message).toMatch(/^.*: no (price|etl):\w+ value at all: every cell is missing/);
    }
  });

  it('NaN cells in prices are normal (unlisted days): no warning', async () => {
    const { market } = await wideMarket({});
    expect(market.warnings).toEqual([]);
  });

  it('a symbol with no price on any date is kept, all NaN, and reported once', async () => {
    const close = 'date,1101,2330,9999,8888\n2024-01-02,40.5,593,,\n2024-01-03,40.2,598,,\n2024-01-04,39.1,584,,\n';
    const open = 'date,1101,2330,9999,8888\n2024-01-02,40,590,,\n2024-01-03,40.1,,,\n2024-01-04,39,580,,\n';
    const { dir, market } = await wideMarket({ 'price__close.csv': close, 'price__open.csv': open });
    const w = warningOf(market, 'symbols_without_values', join(dir, 'price__close.csv'));
    expect(w).toMatchObject({ field: 'price:close', symbols: { count: 2, examples: ['9999', '8888'] }, of: 4 });
    expect(w.message).toBe(`${join(dir, 'price__close.csv')}: 2 of 4 symbols have no price:close on any date (9999, 8888): kept, all NaN`);
    expect(market.symbols).toEqual(['1101', '2330', '9999', '8888']);
    expect(market.warnings).toHaveLength(1); // not again for the open: those symbols have no close either
  });

  it('a symbol with closes but no open on any date is reported for the open file', async () => {
    const open = 'date,1101,2330,2454\n2024-01-02,40,,900\n2024-01-03,40.1,,\n2024-01-04,39,,910\n2024-01-05,39,,920\n';
    const { dir, market } = await wideMarket({ 'price__open.csv': open });
    expect(warningOf(market, 'symbols_without_values', join(dir, 'price__open.csv')).message).toContain('1 of 3 symbols have no price:open on any date (2330)');
  });

  it('a non-price field with no value at all is a warning', async () => {
    const { dir, market } = await wideMarket({ 'price_earning_ratio__pe.csv': 'date,1101,2330,2454\n2024-01-02,,,\n2024-01-03,,,\n2024-01-04,,,\n2024-01-05,,,\n' });
    const w = warningOf(market, 'field_empty', join(dir, 'price_earning_ratio__pe.csv'));
    expect(w.message).toBe(`${join(dir, 'price_earning_ratio__pe.csv')}: price_earning_ratio:pe has no value at all (every cell is missing): data.get('price_earning_ratio:pe') is NaN everywhere`);
  });
});

describe('wide CSV: files on other symbols or dates than the price calendar (warnings: what was done, per file)', () => {
  it('monthly revenue on other symbols: the extra ones dropped, the missing ones NaN — as the engine does', async () => {
    const revenue = 'date,2330,2454,3008,5555,6666\n2023-12-10,200,40,1,2,3\n2024-01-10,210,41,1,2,3\n';
    const { dir, market } = await wideMarket({ 'monthly_revenue__revenue.csv': revenue });
    const file = join(dir, 'monthly_revenue__revenue.csv');
    const w = warningOf(market, 'symbols_differ', file);
    expect(w).toMatchObject({ field: 'monthly_revenue:revenue', calendarFile: 'price__close.csv', dropped: { count: 3, examples: ['3008', '5555', '6666'] }, missing: { count: 1, examples: ['1101'] }, of: 3 });
    expect(w.message).toBe(`${file}: 3 symbols not in the price calendar (price__close.csv) dropped (3008, 5555, 6666); 1 of 3 price symbols have no monthly_revenue:revenue (NaN) (1101)`);
    expect(market.warnings).toHaveLength(1); // monthly: its own (publication) dates are no mismatch
    // what the engine does with it: the field on the calendar, as-of
    const grid = market.prices.close;
    const onGrid = reindexFfill(market.frame('monthly_revenue:revenue') as never, grid.dates, grid.symbols);
    expect(onGrid.symbols).toEqual(['1101', '2330', '2454']);
    expect(frameColumn(onGrid, 0).every(Number.isNaN)).toBe(true);
    expect(frameColumn(onGrid, 1)).toEqual([200, 200, 200, 200]);
  });

  it('a daily field on other dates: as-of, and the message says what each trading day sees', async () => {
    // no row on 2024-01-04, an extra Saturday row, ends before the calendar
    const volume = 'date,1101,2330,2454\n2024-01-02,1,2,3\n2024-01-03,4,5,6\n2024-01-06,7,8,9\n';
    const close = `${CLOSE}2024-01-08,39.5,590,930\n2024-01-09,39.6,591,931\n`;
    const { dir, market } = await wideMarket({ 'price__close.csv': close, 'price__volume.csv': volume });
    const file = join(dir, 'price__volume.csv');
    const w = warningOf(market, 'dates_differ', file);
    expect(w).toMatchObject({ alignment: 'as-of', offCalendar: { count: 1, examples: ['2024-01-06'] }, missingBefore: 0, missingAfter: 2, missingInside: { count: 2 }, of: 6 });
    expect(w.message).toBe(
      `${file}: put on the price calendar (price__close.csv) as of each trading day (the last row on or before it, like FinLab): ` +
        '1 date not on it (2024-01-06): seen only on later trading days without a row of their own; ' +
        '2 of 6 trading days after its last date 2024-01-06 repeat its last row; ' +
        '2 of 6 trading days inside its dates without a row repeat the row before (2024-01-04, 2024-01-05)',
    );
    const grid = market.prices.close;
    const onGrid = reindexFfill(market.frame('price:volume') as never, grid.dates, grid.symbols);
    expect(frameColumn(onGrid, 0)).toEqual([1, 4, 4, 4, 7, 7]);
  });

  it('a daily field starting after the calendar: NaN before its first date', async () => {
    const { dir, market } = await wideMarket({ 'price_earning_ratio__pb.csv': 'date,1101,2330,2454\n2024-01-04,1,2,3\n2024-01-05,1,2,3\n' });
    const w = warningOf(market, 'dates_differ', join(dir, 'price_earning_ratio__pb.csv'));
    expect(w).toMatchObject({ missingBefore: 2, missingAfter: 0 });
    expect(w.message).toContain('2 of 4 trading days before its first date 2024-01-04 are NaN');
  });

  it('an open on other dates and symbols: by exact date (never carried forward), extra symbols dropped', async () => {
    const open = 'date,1101,2330,2454,7777\n2024-01-02,40,590,900,1\n2024-01-03,40.1,595,901,1\n2024-01-05,39,580,910,1\n2024-01-07,39,580,910,1\n';
    const { dir, market } = await wideMarket({ 'price__open.csv': open });
    const file = join(dir, 'price__open.csv');
    expect(warningOf(market, 'symbols_differ', file).message).toBe(`${file}: 1 symbol not in the price calendar (price__close.csv) dropped (7777)`);
    const w = warningOf(market, 'dates_differ', file);
    expect(w).toMatchObject({ alignment: 'exact', offCalendar: { count: 1, examples: ['2024-01-07'] } });
    expect(w.message).toBe(
      `${file}: put on the price calendar (price__close.csv) by exact date, as prices are (never carried forward): 1 date not on it dropped (2024-01-07); 1 of 4 trading days without a row are NaN (2024-01-04)`,
    );
    // what sim trades on and what data.get reads: one frame, on the calendar, NaN on the missing day
    expect(market.prices.open).toBe(market.frame('price:open'));
    expect(Array.from(market.prices.open?.dates ?? [])).toEqual(Array.from(market.calendar));
    expect(frameColumn(market.prices.open as never, 0)).toEqual([40, 40.1, Number.NaN, 39]);
  });

  it('raw prices beside adjusted ones: the adjusted close is the calendar, the raw close is put on it as-of', async () => {
    const adj = 'date,1101,2330,2454\n2024-01-02,38,580,880\n2024-01-03,38,590,\n2024-01-04,37,570,890\n';
    const { dir, market } = await wideMarket({ 'etl__adj_close.csv': adj });
    expect(market.description.dateCount).toBe(3);
    const w = warningOf(market, 'dates_differ', join(dir, 'price__close.csv'));
    expect(w).toMatchObject({ field: 'price:close', calendarFile: 'etl__adj_close.csv', alignment: 'as-of', offCalendar: { count: 1, examples: ['2024-01-05'] } });
  });

  it('security categories for other symbols', async () => {
    const { dir, market } = await wideMarket({ 'security_categories.csv': 'stock_id,category\n1101,Cement\n2330,Semis\n9999,Other\n' });
    const file = join(dir, 'security_categories.csv');
    expect(warningOf(market, 'symbols_differ', file).message).toBe(
      `${file}: 1 symbol not in the price calendar (price__close.csv) dropped (9999); 1 of 3 price symbols have no industry (NaN) (2454)`,
    );
  });

  it('lists five examples, then counts', async () => {
    const symbols = Array.from({ length: 8 }, (_, i) => `90${i}`);
    const { market } = await wideMarket({ 'price__volume.csv': `date,1101,2330,2454,${symbols.join(',')}\n2024-01-02,${Array(11).fill(1).join(',')}\n2024-01-03,${Array(11).fill(1).join(',')}\n2024-01-04,${Array(11).fill(1).join(',')}\n2024-01-05,${Array(11).fill(1).join(',')}\n` });
    const w = market.warnings[0] as MarketDataWarning & { kind: 'symbols_differ' };
    expect(w.dropped).toEqual({ count: 8, examples: ['900', '901', '902', '903', '904'] });
    expect(w.message).toContain('8 symbols not in the price calendar (price__close.csv) dropped (900, 901, 902, 903, 904, …)');
  });
});

describe('wide CSV: malformed files name the file, line and column', () => {
  it('an unclosed quote', async () => {
    const { dir, error } = await wideError({ 'price__high.csv': 'date,1101\n2024-01-02,"41\n2024-01-03,42\n' });
    expect(error).toMatchObject({ kind: 'market_data_malformed', file: join(dir, 'price__high.csv') });
    expect(error.message.startsWith(`${join(dir, 'price__high.csv')}:`)).toBe(true);
    expect(error.message).toContain('unreadable CSV');
  });

  it('binary garbage', async () => {
    const { dir, error } = await wideError({ 'price__close.csv': '\u0000\u0001\u0002garbage\n\u0003,\u0004\n' });
    expect(error).toMatchObject({ kind: 'market_data_malformed', file: join(dir, 'price__close.csv') });
    expect(error.message.startsWith(join(dir, 'price__close.csv'))).toBe(true);
  });
});

describe('long CSV: the same rules, with file:line:column', () => {
  const header = 'date,symbol,open,close,volume,revenue_yoy,price:最低價\n';
  it.each([
    [`${header}2024-01-02,2330,590,inf,1,,580\n`, 2, 4, "infinite value 'inf' for 2330 (column 'close')"],
    [`${header}2024-01-02,2330,590,1e309,1,,580\n`, 2, 4, "number '1e309' out of range (it reads as infinity) for 2330 (column 'close')"],
    [`${header}2024-01-02,2330,590,593,1,,580\n2024-01-03,2330,-1,593,1,,580\n`, 3, 3, "negative price '-1' for 2330: prices must be > 0 (column 'open')"],
    [`${header}2024-01-02,2330,590,0,1,,580\n`, 2, 4, "zero price '0' for 2330: prices must be > 0 (column 'close')"],
    [`${header}2024-01-02,2330,590,593,1,,0\n`, 2, 7, "zero price '0' for 2330: prices must be > 0 (column 'price:最低價')"],
    [`${header}2024-01-02,2330,590,593,-inf,,580\n`, 2, 5, "infinite value '-inf' for 2330 (column 'volume')"],
    [`${header}2024-01-02,2330,590,593,1,Infinity,580\n`, 2, 6, "infinite value 'Infinity' for 2330 (column 'revenue_yoy')"],
    [`${header}2024-01-02,2330,590,593,-1000,,580\n`, 2, 5, "negative price:volume '-1000' for 2330: price:volume cannot be below 0 (column 'volume')"],
  ])('%j', async (text, line, column, reason) => {
    const path = await longFile(text);
    const e = (await loadLongCsv(path))._unsafeUnwrapErr();
    expect(e).toMatchObject({ kind: 'market_data_malformed', file: path, line });
    expect(e.message).toBe(`${path}:${line}:${column}: ${reason}`);
  });

  it('accepts a zero volume and a negative growth rate', async () => {
    const path = await longFile(`${header}2024-01-02,2330,590,593,0,-20,580\n2024-01-03,2330,591,594,0,-3,581\n`);
    const m = (await loadLongCsv(path))._unsafeUnwrap();
    expect(m.frame('price:volume')?.values[0]).toBe(0);
    expect(m.warnings).toEqual([]);
  });

  it('a file of one date is refused naming it; a header only has no data rows', async () => {
    const one = await longFile('date,symbol,close\n2024-01-02,2330,593\n2024-01-02,1101,40\n');
    const e = (await loadLongCsv(one))._unsafeUnwrapErr();
    expect(e).toMatchObject({ kind: 'market_data_malformed', file: one });
    expect(e.message).toBe(`${one}: only one date (2024-01-02) in price:close: a backtest needs at least two trading days (a signal is traded the next day)`);
    const empty = await longFile('date,symbol,close\n');
    expect((await loadLongCsv(empty))._unsafeUnwrapErr().message).toBe(`${empty}: no data rows`);
  });

  it('no close value at all is an error; a symbol without any close and a date without any close are warnings', async () => {
    const none = await longFile('date,symbol,close,pe\n2024-01-02,2330,,1\n2024-01-03,2330,,2\n');
    expect((await loadLongCsv(none))._unsafeUnwrapErr().message).toBe(`${none}: no price:close value at all: every cell is missing (fill the file or remove it)`);
    // 9999 has rows but no close; revenue published on a Saturday adds a date without prices
    const path = await longFile(
      'date,symbol,close,revenue\n2024-01-02,2330,593,\n2024-01-02,9999,,\n2024-01-03,2330,598,\n2024-01-06,2330,,210\n2024-01-08,2330,600,\n',
    );
    const m = (await loadLongCsv(path))._unsafeUnwrap();
    expect(m.warnings.map((w) => w.message)).toEqual([
      `${path}: 1 of 2 symbols have no price:close on any date (9999): kept, all NaN`,
      `${path}: 1 of 4 dates have no price:close for any symbol (2024-01-06): kept as trading days with every price missing`,
    ]);
    expect(m.warnings[1]).toMatchObject({ kind: 'dates_without_values', dates: { count: 1, examples: ['2024-01-06'] }, of: 4 });
    expect(Array.from(m.calendar)).toContain(d('2024-01-06'));
  });
});

describe('long Parquet (pyarrow fixtures): the same rules, the row as the line', () => {
  it.each([
    ['infinite.parquet', 3, 6, "infinite value Infinity for 2454 (column 'close')"],
    ['negative.parquet', 2, 8, "negative price -1 for 2330: prices must be > 0 (column 'adj_close')"],
  ])('%s', async (name, line, column, reason) => {
    const file = join(fixtures, name);
    const e = (await loadLongParquet(file))._unsafeUnwrapErr();
    expect(e).toMatchObject({ kind: 'market_data_malformed', file, line });
    expect(e.message).toBe(`${file}:${line}:${column}: ${reason}`);
  });
});
