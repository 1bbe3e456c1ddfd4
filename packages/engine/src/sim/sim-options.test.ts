/**
 * `sim`'s option checks and trade-price choices: each bad option is refused with a message naming it (and
 * each boundary accepted), each `tradeAt` trades at its own price, and missing price frames are named.
 */
import { describe, expect, it } from 'vitest';
import { frame, weekdays } from '../../test/support/builders.js';
import { sim, type PriceFrames } from './sim.js';

const dates = weekdays('2024-03-04', 5);
const grid = (rows: readonly number[]) => frame(dates, ['A'], rows.map((v) => [v]));
const prices: PriceFrames = {
  close: grid([10, 10, 12, 12, 12]),
  open: grid([10, 10, 11, 12, 12]),
  high: grid([10, 10, 14, 12, 12]),
  low: grid([10, 10, 8, 12, 12]),
};
// bought with the first day's signal on day 1, sold with day 1's signal (flat) on day 2
const position = grid([1, 0, 0, 0, 0]);

describe('sim options', () => {
  it.each([
    [{ stopLoss: 0 }, 'stopLoss'],
    [{ stopLoss: -0.1 }, 'stopLoss'],
    [{ stopLoss: Number.NaN }, 'stopLoss'],
    [{ takeProfit: 0 }, 'takeProfit'],
    [{ takeProfit: Number.POSITIVE_INFINITY }, 'takeProfit'],
    [{ trailStop: 0 }, 'trailStop'],
    [{ positionLimit: 0 }, 'positionLimit'],
    [{ positionLimit: Number.NaN }, 'positionLimit'],
    [{ feeRatio: -0.001 }, 'feeRatio'],
    [{ feeRatio: 1 }, 'feeRatio'],
    [{ feeRatio: Number.NaN }, 'feeRatio'],
    [{ taxRatio: -0.001 }, 'taxRatio'],
    [{ taxRatio: 1 }, 'taxRatio'],
    [{ taxRatio: Number.POSITIVE_INFINITY }, 'taxRatio'],
    [{ resample: 'Y' }, "unknown resample 'Y'"],
  ])('refuses %o, naming %s', (options, named) => {
    const r = sim(position, prices, options as never);
    expect(r.isErr()).toBe(true);
    const e = r._unsafeUnwrapErr();
    expect(e.kind).toBe('invalid_input');
    expect(e.message).toContain(named);
  });

  it.each([
    { stopLoss: 0.5, takeProfit: 0.5, trailStop: 0.5 },
    { stopLoss: null, takeProfit: null, trailStop: null },
    { positionLimit: 0.01 },
    { feeRatio: 0, taxRatio: 0 },
    { feeRatio: 0.999, taxRatio: 0 },
    { resample: 'D' as const },
    { resample: 'W' as const },
    { resample: 'M' as const },
    { resample: 'Q' as const },
  ])('accepts %o', (options) => {
    expect(sim(position, prices, options).isOk()).toBe(true);
  });

  it.each([
    ['close', 10, 12],
    ['open', 10, 11],
    ['high', 10, 14],
    ['low', 10, 8],
    ['open_close_avg', 10, 11.5],
    ['high_low_avg', 10, 11],
    ['price_avg', 10, (11 + 14 + 8 + 12) / 4],
  ] as const)('tradeAt %s trades at that price (entry %d, exit %d)', (tradeAt, entry, exit) => {
    const r = sim(position, prices, { tradeAt, resample: null, feeRatio: 0, taxRatio: 0 })._unsafeUnwrap();
    expect(r.trades.count).toBe(1);
    expect(r.trades.entryPrice[0]).toBeCloseTo(entry, 12);
    expect(r.trades.exitPrice[0]).toBeCloseTo(exit, 12);
    expect(r.trades.return[0]).toBeCloseTo(exit / entry - 1, 12);
  });

  it.each([
    ['open', { close: prices.close }, 'open'],
    ['high', { close: prices.close }, 'high'],
    ['low', { close: prices.close }, 'low'],
    ['high_low_avg', { close: prices.close, high: prices.high }, 'low'],
    ['price_avg', { close: prices.close, open: prices.open }, 'high'],
  ] as const)('tradeAt %s without the price frame it needs is data_missing, naming it', (tradeAt, frames, missing) => {
    const e = sim(position, frames as PriceFrames, { tradeAt })._unsafeUnwrapErr();
    expect(e.kind).toBe('data_missing');
    expect(e.message).toContain(`the adjusted ${missing} price frame`);
  });

  it('refuses touched exits without open, high and low, and price frames off the close grid', () => {
    expect(sim(position, { close: prices.close }, { touchedExit: true, stopLoss: 0.1 })._unsafeUnwrapErr().message).toContain('touchedExit');
    const shifted = frame(weekdays('2024-03-11', 5), ['A'], [[1], [1], [1], [1], [1]]);
    expect(sim(position, { ...prices, open: shifted })._unsafeUnwrapErr().message).toContain("the open price frame is not on the close frame's grid");
  });
});
