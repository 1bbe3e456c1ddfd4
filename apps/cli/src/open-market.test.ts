import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openMarket } from './app.js';
import { resolveSettings } from './settings.js';

const settings = (flags: Record<string, unknown>) => resolveSettings({ env: {}, flags })._unsafeUnwrap();

describe('openMarket: data errors are bad requests (exit 2), said in one line', () => {
  it('a synthetic market the generator refuses: its prefix once', async () => {
    const e = (await openMarket(settings({ synthetic: { startDate: '2024-01-01', endDate: '2024-01-10' } })))._unsafeUnwrapErr();
    expect(e).toEqual({ kind: 'startup_failed', exitCode: 2, message: 'synthetic market: end 2024-01-10 must be at least four weeks after start 2024-01-01' });
    expect(e.message.match(/synthetic market:/g)).toHaveLength(1);
  });

  it('malformed and unreadable data name the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alphaloop-cli-data-'));
    writeFileSync(join(dir, 'price__close.csv'), 'date,1101,2330\n2024-01-02,40,500\n2024-01-03,41,-1\n');
    const e = (await openMarket(settings({ data: dir })))._unsafeUnwrapErr();
    expect(e).toEqual({ kind: 'startup_failed', exitCode: 2, message: `${join(dir, 'price__close.csv')}:3:3: negative price '-1' for stock 2330: prices must be > 0 (column '2330')` });
    const missing = (await openMarket(settings({ data: join(dir, 'nowhere.csv') })))._unsafeUnwrapErr();
    expect(missing.exitCode).toBe(2);
    expect(missing.message).toContain(join(dir, 'nowhere.csv'));
  });

  it('a message of several lines becomes one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alphaloop-cli-data-'));
    const path = join(dir, 'two\nlines.csv');
    writeFileSync(path, 'date,symbol,close\n');
    const e = (await openMarket(settings({ data: path })))._unsafeUnwrapErr();
    expect(e.message).not.toContain('\n');
    expect(e.message).toContain('no data rows');
  });

  it('a market that loads keeps its warnings for the start-up output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alphaloop-cli-data-'));
    writeFileSync(join(dir, 'price__close.csv'), 'date,1101,2330\n2024-01-02,40,500\n2024-01-03,41,501\n');
    writeFileSync(join(dir, 'monthly_revenue__revenue.csv'), 'date,1101,9999\n2024-01-02,1,2\n');
    const market = (await openMarket(settings({ data: dir })))._unsafeUnwrap();
    expect(market.warnings.map((w) => w.message)).toEqual([
      `${join(dir, 'monthly_revenue__revenue.csv')}: 1 symbol not in the price calendar (price__close.csv) dropped (9999); 1 of 2 price symbols have no monthly_revenue:revenue (NaN) (2330)`,
    ]);
  });
});
