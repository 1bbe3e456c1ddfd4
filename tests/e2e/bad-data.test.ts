import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './cli.js';

// Bad market data on the real command (issue 15): exit 2, one line on stderr naming the file (and line and column
// where there is one); odd but usable data runs, with a warning line per file at start-up.
// Every case shares one database directory (made by the first start) so that each start takes ~2 s, not ~5 s.

const FIXTURES = fileURLToPath(new URL('../../packages/adapters/market-data/test/fixtures/', import.meta.url));

let cwd: string;
beforeAll(() => {
  cwd = tempDir('bad-data');
});

/**
 * A wide CSV of `symbols` (default 1101, 2330, 2454) over `days` weekdays from 2022-01-03, with positive prices;
 * `cell(row, col)` overrides a cell (0-based data row and symbol).
 */
function closes(days: number, cell?: (row: number, col: number) => string | undefined, symbols = ['1101', '2330', '2454']): string {
  const lines = [`date,${symbols.join(',')}`];
  const day = new Date(Date.UTC(2022, 0, 3));
  for (let row = 0; lines.length <= days; day.setUTCDate(day.getUTCDate() + 1)) {
    if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
    const values = symbols.map((_, col) => cell?.(row, col) ?? (100 * (col + 1) * (1 + 0.1 * Math.sin(row / 7 + col))).toFixed(2));
    lines.push(`${day.toISOString().slice(0, 10)},${values.join(',')}`);
    row++;
  }
  return `${lines.join('\n')}\n`;
}

/** A directory of wide CSV files under the test's cwd. */
function dataDir(name: string, files: Record<string, string>): string {
  const dir = join(cwd, name);
  mkdirSync(dir);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

const run = (args: readonly string[]) => runCli(['run', '-n', '1', '--holdout', 'none', '--log-level', 'silent', ...args], { cwd });

/** The lines of stderr that are errors or warnings (not the start-up banner). */
const said = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('alphaloop: ') && !l.startsWith("alphaloop: run '"));

describe('bad market data: exit 2 and one line naming the file', () => {
  const at = (row: number, col: number, value: string) => (r: number, c: number) => (r === row && c === col ? value : undefined);
  // [case, the files, the file named ('' = the directory), what follows its name]
  it.each([
    ['inf', () => ({ 'price__close.csv': closes(30, at(10, 1, 'inf')) }), 'price__close.csv', ":12:3: infinite value 'inf' for stock 2330 (column '2330')"],
    ['1e309', () => ({ 'price__close.csv': closes(30, at(10, 1, '1e309')) }), 'price__close.csv', ":12:3: number '1e309' out of range (it reads as infinity) for stock 2330 (column '2330')"],
    ['negative', () => ({ 'price__close.csv': closes(30, at(4, 2, '-5')) }), 'price__close.csv', ":6:4: negative price '-5' for stock 2454: prices must be > 0 (column '2454')"],
    ['zero', () => ({ 'price__close.csv': closes(30), 'price__開盤價.csv': closes(30, at(0, 0, '0')) }), 'price__開盤價.csv', ":2:2: zero price '0' for stock 1101: prices must be > 0 (column '1101')"],
    ['negative-volume', () => ({ 'price__close.csv': closes(30), 'price__volume.csv': closes(30, at(3, 1, '-1000')) }), 'price__volume.csv', ":5:3: negative price:volume '-1000' for stock 2330: price:volume cannot be below 0 (column '2330')"],
    ['all-nan', () => ({ 'price__close.csv': closes(30, () => '') }), 'price__close.csv', ': no price:close value at all: every cell is missing (fill the file or remove it)'],
    ['header-only', () => ({ 'price__close.csv': 'date,1101,2330\n' }), 'price__close.csv', ': no data rows: a header and no dates'],
    ['one-row', () => ({ 'price__close.csv': closes(1) }), 'price__close.csv', ': only one date (2022-01-03) in price:close: a backtest needs at least two trading days (a signal is traded the next day)'],
    ['non-numeric', () => ({ 'price__close.csv': closes(30, at(2, 0, '4O.5')) }), 'price__close.csv', ":4:2: non-numeric value '4O.5' for stock 1101 (column '1101')"],
    ['bad-quote', () => ({ 'price__close.csv': closes(30), 'price__high.csv': 'date,1101\n2022-01-03,"41\n' }), 'price__high.csv', ':2: unreadable CSV: '],
    ['no-close', () => ({ 'price__open.csv': closes(30) }), '', ": missing close column: no price__close.csv (or 'price:收盤價.csv') among 1 field files"],
  ])('%s', async (name, files, file, rest) => {
    const dir = dataDir(name, files());
    const result = await run(['--data', dir]);
    expect(result.code, result.stderr).toBe(2);
    const lines = said(result.stderr);
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]?.startsWith(`alphaloop: ${file === '' ? dir : join(dir, file)}${rest}`), lines[0]).toBe(true);
  });

  it.each([
    ['a long CSV with a negative close', 'long.csv', 'date,symbol,close\n2022-01-03,2330,593\n2022-01-04,2330,-593\n', ":3:3: negative price '-593' for 2330: prices must be > 0 (column 'close')"],
    ['a long CSV of one date', 'one.csv', 'date,symbol,close\n2022-01-03,2330,593\n', ': only one date (2022-01-03) in price:close'],
    ['a long CSV with a header only', 'header.csv', 'date,symbol,close\n', ': no data rows'],
  ])('%s', async (_, name, text, rest) => {
    const path = join(cwd, name);
    writeFileSync(path, text);
    const result = await run(['--data', path]);
    expect(result.code, result.stderr).toBe(2);
    const lines = said(result.stderr);
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]?.startsWith(`alphaloop: ${path}${rest}`), lines[0]).toBe(true);
  });

  it('a path that does not exist', async () => {
    const path = join(cwd, 'missing.csv');
    const result = await run(['--data', path]);
    expect(result.code, result.stderr).toBe(2);
    expect(said(result.stderr)).toEqual([expect.stringMatching(new RegExp(`^alphaloop: cannot read ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ENOENT`))]);
  });

  it('a long Parquet file with an infinite close (a DOUBLE inf written by pyarrow)', async () => {
    const path = join(cwd, 'infinite.parquet');
    copyFileSync(join(FIXTURES, 'infinite.parquet'), path);
    const result = await run(['--data', path]);
    expect(result.code, result.stderr).toBe(2);
    expect(said(result.stderr)).toEqual([`alphaloop: ${path}:3:6: infinite value Infinity for 2454 (column 'close')`]);
  });

  it('a synthetic market the generator refuses: exit 2, its prefix once', async () => {
    const dir = join(cwd, 'short-synthetic');
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ synthetic: { startDate: '2024-01-01', endDate: '2024-01-10' } }));
    const result = await run(['--config', join(dir, 'config.json')]);
    expect(result.code, result.stderr).toBe(2);
    expect(said(result.stderr)).toEqual(['alphaloop: synthetic market: end 2024-01-10 must be at least four weeks after start 2024-01-01']);
  });
});

describe('odd but usable market data: it runs, and each file says what was done, once', () => {
  it('revenue on other symbols, a volume file that ends early, a symbol without any price', async () => {
    const close = closes(300, (_, col) => (col === 3 ? '' : undefined), ['1101', '2330', '2454', '9999']);
    const revenue = 'date,2330,2454,3008,5555,6666\n2022-02-10,200,40,1,2,3\n2022-03-10,210,41,1,2,3\n';
    const volume = closes(200, () => '1000');
    const dir = dataDir('odd', { 'price__close.csv': close, 'monthly_revenue__revenue.csv': revenue, 'price__volume.csv': volume });
    const result = await run(['--data', dir, '--run', 'odd']);
    expect(result.code, result.stderr).toBe(0);
    const warnings = said(result.stderr).filter((l) => l.startsWith('alphaloop: warning: '));
    expect(warnings).toEqual([
      `alphaloop: warning: ${join(dir, 'price__close.csv')}: 1 of 4 symbols have no price:close on any date (9999): kept, all NaN`,
      `alphaloop: warning: ${join(dir, 'monthly_revenue__revenue.csv')}: 3 symbols not in the price calendar (price__close.csv) dropped (3008, 5555, 6666); 2 of 4 price symbols have no monthly_revenue:revenue (NaN) (1101, 9999)`,
      `alphaloop: warning: ${join(dir, 'price__volume.csv')}: 1 of 4 price symbols have no price:volume (NaN) (9999)`,
      expect.stringMatching(
        new RegExp(`^alphaloop: warning: ${join(dir, 'price__volume.csv').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: put on the price calendar \\(price__close.csv\\) as of each trading day .*: 100 of 300 trading days after its last date 2022-10-07 repeat its last row$`),
      ),
    ]);
    expect(result.stdout).toContain("Run 'odd': 1 iterations");
    // backtest (and validate) load the same market and say the same, once each
    const strategy = join(dir, 'strategy.js');
    writeFileSync(strategy, "const close = data.get('price:close');\nreturn sim(close.isLargest(2), { resample: 'M' });\n");
    const backtest = await runCli(['backtest', strategy, '--data', dir, '--holdout', 'none', '--log-level', 'silent'], { cwd });
    expect(backtest.code, backtest.stderr).toBe(0);
    expect(said(backtest.stderr).filter((l) => l.startsWith('alphaloop: warning: '))).toEqual(warnings);
  });
});
