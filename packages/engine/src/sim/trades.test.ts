/**
 * The trades table's per-trade path statistics (FinLab §6.1) on hand-computed paths: the value path of a
 * trade is g_t = close_t / entry price (long; 2 − that for a short) times the entry cost; mae = min(1, min g) − 1,
 * gmfe = max(1, max g) − 1, bmfe = the best g seen before the worst one, mdd = the deepest fall of g from its
 * running peak (from 1), pdays = days with g > 1.
 */
import { describe, expect, it } from 'vitest';
import { day, frame, weekdays } from '../../test/support/builders.js';
import { sim } from './sim.js';
import { ExitCode, tradeRecords, TradesBuilder } from './trades.js';

const close12 = (a: number | undefined, b: number): void => {
  if (!(Math.abs((a ?? Number.NaN) - b) <= 1e-12)) throw new Error(`expected ${b}, got ${a}`);
};

const dates = weekdays('2024-01-01', 8);
//                 signal  entry   +20%  −10%  +10%  +30%  exit signal  exit
const path = [10, 10, 12, 9, 11, 13, 12, 12];

function runOne(weight: number, options: Record<string, unknown> = {}) {
  const prices = { close: frame(dates, ['A'], path.map((c) => [c])) };
  // held from the first day's signal through day 5; flat from day 6 (exit on day 7)
  const position = frame(dates, ['A'], path.map((_, t) => [t <= 5 ? weight : 0]));
  const r = sim(position, prices, { resample: null, feeRatio: 0, taxRatio: 0, ...options })._unsafeUnwrap();
  const trades = tradeRecords(r.trades, r.calendar);
  expect(trades).toHaveLength(1);
  return trades[0] as NonNullable<(typeof trades)[number]>;
}

describe('trade path statistics', () => {
  it('a long trade: entry, exit, return, period and the excursions of 1, 1.2, 0.9, 1.1, 1.3, 1.2, 1.2', () => {
    const t = runOne(1);
    expect(t.entryDate).toBe(day(dates[1] as string));
    expect(t.exitDate).toBe(day(dates[7] as string));
    expect(t.entrySigDate).toBe(day(dates[0] as string));
    expect(t.exitSigDate).toBe(day(dates[6] as string));
    expect(t.exitReason).toBe('rebalance');
    expect(t.period).toBe(6);
    expect(t.position).toBe(1);
    expect(t.entryPrice).toBe(10);
    expect(t.exitPrice).toBe(12);
    close12(t.return, 0.2);
    close12(t.mae, -0.1);
    close12(t.gmfe, 0.3);
    close12(t.bmfe, 0.2); // the best point before the worst one (1.2, before 0.9)
    close12(t.mdd, 0.9 / 1.2 - 1);
    expect(t.pdays).toBe(5); // 1.2, 1.1, 1.3, 1.2, 1.2
  });

  it('a short trade mirrors the path: g = 2 − close / entry', () => {
    const t = runOne(-1);
    expect(t.position).toBe(-1);
    close12(t.return, -0.2);
    close12(t.mae, 0.7 - 1); // worst g: 2 − 1.3
    close12(t.gmfe, 1.1 - 1); // best g: 2 − 0.9
    close12(t.bmfe, 0.1); // g = 1, 0.8, 1.1, 0.9, 0.7, …: the best before the worst (0.7) is 1.1
    close12(t.mdd, 0.7 / 1.1 - 1);
    expect(t.pdays).toBe(1);
  });

  it('entry and exit costs scale the path and the return', () => {
    const fee = 0.001425;
    const tax = 0.003;
    const t = runOne(1, { feeRatio: fee, taxRatio: tax });
    close12(t.return, 1.2 * (1 - fee) * (1 - fee - tax) - 1);
    close12(t.gmfe, 1.3 * (1 - fee) - 1);
    close12(t.mae, 0.9 * (1 - fee) - 1);
  });

  it('a trade still open at the end is marked to the last day, without exit costs', () => {
    const prices = { close: frame(dates, ['A'], path.map((c) => [c])) };
    const position = frame(dates, ['A'], path.map(() => [1]));
    const r = sim(position, prices, { resample: null, feeRatio: 0.001, taxRatio: 0.003 })._unsafeUnwrap();
    const t = tradeRecords(r.trades, r.calendar)[0];
    expect(t?.exitReason).toBe('open');
    expect(Number.isNaN(t?.exitDate)).toBe(true);
    expect(Number.isNaN(t?.exitPrice)).toBe(true);
    expect(t?.period).toBe(6);
    close12(t?.return, 1.2 * (1 - 0.001) - 1);
  });
});

describe('TradesBuilder', () => {
  it('grows past its capacity and keeps every row', () => {
    const b = new TradesBuilder(['A', 'B'], 2);
    for (let k = 0; k < 5; k++) {
      const i = b.push();
      b.t.symbol[i] = k % 2;
      b.t.entryIndex[i] = k;
      b.t.return[i] = k / 10;
      b.t.exitReason[i] = ExitCode.Rebalance;
    }
    const table = b.build();
    expect(table.count).toBe(5);
    expect(Array.from(table.entryIndex)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(table.symbol)).toEqual([0, 1, 0, 1, 0]);
    expect(Array.from(table.return)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(table.symbols).toEqual(['A', 'B']);
  });
});
