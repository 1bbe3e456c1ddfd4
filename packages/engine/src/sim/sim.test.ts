import { describe, expect, it } from 'vitest';
import { buildSchedule, resampleTimestamps } from './schedule.js';
import { sim, type PriceFrames } from './sim.js';
import { tradeRecords } from './trades.js';
import { day, frame, weekdays, type Cell } from '../../test/support/builders.js';

const fee = 1.425 / 1000;
const tax = 3 / 1000;
const close12 = (a: number, b: number): void => {
  if (!(Math.abs(a - b) <= 1e-12)) throw new Error(`expected ${b}, got ${a} (diff ${a - b})`);
};
const curve = (r: ReturnType<typeof sim>): number[] => Array.from(r._unsafeUnwrap().creturn);

/** A market of close prices only. */
const closes = (dates: readonly string[], symbols: readonly string[], rows: readonly (readonly Cell[])[]): PriceFrames => ({
  close: frame(dates, symbols, rows),
});

describe('FinLab worked example (finlab.md §4.7)', () => {
  const dates = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04'];
  const prices = closes(dates, ['A', 'B'], [[100, 50], [100, 50], [110, 50], [110, 55]]);
  const position = frame(dates, ['A', 'B'], [[true, true], [true, true], [true, false], [true, false]]);
  const result = sim(position, prices, { resample: null })._unsafeUnwrap();

  it('reproduces the equity curve to 1e-12', () => {
    expect(Array.from(result.dates)).toEqual(dates.map(day));
    const c = Array.from(result.creturn);
    close12(c[0] as number, 1);
    close12(c[1] as number, 0.998575);
    close12(c[2] as number, 1.04850375);
    // day 3, from the rules: balance 1.0984325, A topped up to it, B sold
    const posA2 = 0.5 * (1 - fee) * 1.1;
    const posB3 = 0.5 * (1 - fee) * 1.1;
    const bal = posA2 + posB3;
    const buy = bal - posA2;
    const cash = -buy + posB3 * (1 - fee - tax);
    const expected3 = posA2 + buy - buy * fee + cash;
    close12(c[3] as number, expected3);
    expect(Math.abs((c[3] as number) - 1.09521958)).toBeLessThan(1e-8);
  });

  it("B's trade return is (55/50)(1−fee)(1−fee−tax) − 1", () => {
    const trades = tradeRecords(result.trades, result.calendar);
    const b = trades.find((t) => t.symbol === 'B');
    expect(b).toBeDefined();
    close12(b?.return ?? Number.NaN, 1.1 * (1 - fee) * (1 - fee - tax) - 1);
    expect(Math.abs((b?.return ?? 0) - 0.0935719)).toBeLessThan(1e-7);
    expect(b?.entryDate).toBe(day('2024-01-02'));
    expect(b?.exitDate).toBe(day('2024-01-04'));
    expect(b?.entrySigDate).toBe(day('2024-01-01'));
    expect(b?.exitSigDate).toBe(day('2024-01-03'));
    expect(b?.exitReason).toBe('rebalance');
    expect(b?.period).toBe(2);
    const a = trades.find((t) => t.symbol === 'A');
    expect(a?.exitReason).toBe('open'); // resample=None: a continuing holding stays one trade
    expect(result.trades.count).toBe(2);
  });
});

describe('basic cost identities (finlab.md §14.8)', () => {
  it('buy and hold one stock: creturn = (1 − fee)·P_t / P_entry', () => {
    const dates = weekdays('2024-01-01', 6);
    const px = [10, 11, 12, 9, 10.5, 13];
    const r = sim(frame(dates, ['A'], dates.map(() => [true])), closes(dates, ['A'], px.map((p) => [p])), {});
    const c = curve(r);
    close12(c[0] as number, 1);
    for (let t = 1; t < px.length; t++) close12(c[t] as number, ((1 - fee) * (px[t] as number)) / 11);
  });

  it('a full switch A → B costs the factor 1 − 2·fee − tax', () => {
    const dates = weekdays('2024-01-01', 4);
    const prices = closes(dates, ['A', 'B'], dates.map(() => [10, 20]));
    const position = frame(dates, ['A', 'B'], [[1, 0], [1, 0], [0, 1], [0, 1]]);
    const c = curve(sim(position, prices, {}));
    close12(c[1] as number, 1 - fee);
    close12(c[3] as number, (1 - fee) * (1 - 2 * fee - tax));
  });

  it('float weights: Σ|w| < 1 leaves cash, Σ|w| > 1 is scaled to 1', () => {
    const dates = weekdays('2024-01-01', 3);
    const prices = closes(dates, ['A', 'B'], [[10, 10], [10, 10], [11, 10]]);
    const partial = curve(sim(frame(dates, ['A', 'B'], dates.map(() => [0.3, 0])), prices, {}));
    close12(partial[2] as number, 0.7 + 0.3 * (1 - fee) * 1.1);
    const scaled = curve(sim(frame(dates, ['A', 'B'], dates.map(() => [3, 1])), prices, {}));
    close12(scaled[2] as number, 0.75 * (1 - fee) * 1.1 + 0.25 * (1 - fee));
  });

  it('positionLimit caps each name; the excess stays in cash', () => {
    const dates = weekdays('2024-01-01', 3);
    const prices = closes(dates, ['A', 'B'], [[10, 10], [10, 10], [12, 10]]);
    const c = curve(sim(frame(dates, ['A', 'B'], dates.map(() => [true, true])), prices, { positionLimit: 0.3 }));
    close12(c[1] as number, 0.4 + 0.6 * (1 - fee));
    close12(c[2] as number, 0.4 + 0.3 * (1 - fee) * 1.2 + 0.3 * (1 - fee));
  });

  it('columns missing from the prices are dropped; NaN weights are 0', () => {
    const dates = weekdays('2024-01-01', 3);
    const prices = closes(dates, ['A'], [[10], [10], [11]]);
    const c = curve(sim(frame(dates, ['A', 'Z'], [[true, true], [true, true], [true, null]]), prices, {}));
    close12(c[2] as number, (1 - fee) * 1.1);
  });
});

describe('shorts (finlab.md §4.4)', () => {
  it('a short pays fee on entry, loses when the price rises, pays fee + tax on covering', () => {
    const dates = weekdays('2024-01-01', 4);
    const prices = closes(dates, ['A'], [[100], [100], [110], [110]]);
    const c = curve(sim(frame(dates, ['A'], [[-1], [-1], [0], [0]]), prices, {}));
    close12(c[1] as number, 1 - fee);
    close12(c[2] as number, 2 - fee - 1.1);
    close12(c[3] as number, 2 - fee - 1.1 - 1.1 * (fee + tax));
  });

  it('long/short hedge: Σ|w| = 1 is used as given', () => {
    const dates = weekdays('2024-01-01', 3);
    const prices = closes(dates, ['A', 'H'], [[10, 10], [10, 10], [11, 9]]);
    const c = curve(sim(frame(dates, ['A', 'H'], dates.map(() => [0.7, -0.3])), prices, {}));
    // cash: 1 − 0.7 (buy A) + 0.3·(1 − fee) (short H); A = 0.7(1−fee)·1.1; H = −0.3·0.9
    close12(c[2] as number, 1 - 0.7 + 0.3 * (1 - fee) + 0.7 * (1 - fee) * 1.1 - 0.3 * 0.9);
  });
});

describe('suspensions and delistings', () => {
  it('a suspended holding keeps its value; the gap is booked when trading resumes', () => {
    const dates = weekdays('2024-01-01', 5);
    const prices = closes(dates, ['A'], [[100], [100], [null], [null], [120]]);
    const c = curve(sim(frame(dates, ['A'], dates.map(() => [true])), prices, {}));
    close12(c[2] as number, 1 - fee);
    close12(c[3] as number, 1 - fee);
    close12(c[4] as number, (1 - fee) * 1.2);
  });

  it('a delisted holding is frozen at its last price and sold at that value at the next rebalance', () => {
    const dates = weekdays('2024-01-01', 5);
    const prices = closes(dates, ['A', 'B'], [[100, 10], [100, 10], [90, 10], [null, 10], [null, 12]]);
    // A disappears from the signal once its data is gone
    const position = frame(dates, ['A', 'B'], [[1, 1], [1, 1], [1, 1], [0, 1], [0, 1]]);
    const c = curve(sim(position, prices, {}));
    const a = 0.5 * (1 - fee) * 0.9;
    const b = 0.5 * (1 - fee);
    close12(c[3] as number, a + b);
    // day 4: B marked to 12 first; rebalance (row of day 3): balance a + 1.2b all into B (tops up by a),
    // A sold at its frozen value
    const b4 = b * 1.2;
    const bal = a + b4;
    const cash = -(bal - b4) + a * (1 - fee - tax);
    const posB = b4 + (bal - b4) * (1 - fee);
    close12(c[4] as number, cash + posB);
  });

  it('an entry on a day without a price takes the position; returns start at the next valid price', () => {
    const dates = weekdays('2024-01-01', 4);
    const prices = closes(dates, ['A'], [[100], [null], [100], [110]]);
    const c = curve(sim(frame(dates, ['A'], dates.map(() => [true])), prices, {}));
    close12(c[1] as number, 1 - fee);
    close12(c[2] as number, 1 - fee);
    close12(c[3] as number, (1 - fee) * 1.1);
  });
});

describe('rebalance schedules (finlab.md §3.2–3.3)', () => {
  it('timestamps: W = Sundays, M = month ends, Q = quarter ends, D = every day', () => {
    expect(resampleTimestamps('W', day('2022-07-27'), day('2022-08-10'))).toEqual([day('2022-07-31'), day('2022-08-07')]);
    expect(resampleTimestamps('M', day('2022-07-15'), day('2022-09-30'))).toEqual([
      day('2022-07-31'), day('2022-08-31'), day('2022-09-30'),
    ]);
    expect(resampleTimestamps('Q', day('2022-02-01'), day('2022-12-31'))).toEqual([
      day('2022-03-31'), day('2022-06-30'), day('2022-09-30'), day('2022-12-31'),
    ]);
    expect(resampleTimestamps('D', day('2022-07-30'), day('2022-08-01'))).toEqual([
      day('2022-07-30'), day('2022-07-31'), day('2022-08-01'),
    ]);
  });

  it("'M': the month end Sunday 2022-07-31 executes on Monday 08-01; the curve starts on Friday 07-29", () => {
    const dates = weekdays('2022-07-25', 10); // 07-25 .. 08-05
    const prices = closes(dates, ['A'], dates.map((_, i) => [100 + i]));
    const r = sim(frame(dates, ['A'], dates.map(() => [true])), prices, { resample: 'M' })._unsafeUnwrap();
    expect(r.dates[0]).toBe(day('2022-07-29'));
    expect(Array.from(r.rebalanceIndices).map((i) => r.calendar[i])).toEqual([day('2022-08-01')]);
    close12(r.creturn[1] as number, 1 - fee);
    close12(r.creturn[2] as number, ((1 - fee) * 106) / 105);
  });

  it("'W' executes the Monday after each Sunday; 'Q' the first trading day after the quarter end", () => {
    const dates = weekdays('2022-09-26', 10); // Mon 09-26 .. Fri 10-07
    const prices = closes(dates, ['A'], dates.map(() => [100]));
    const position = frame(dates, ['A'], dates.map(() => [true]));
    const w = sim(position, prices, { resample: 'W' })._unsafeUnwrap();
    expect(Array.from(w.rebalanceIndices).map((i) => w.calendar[i])).toEqual([day('2022-10-03')]);
    const q = sim(position, prices, { resample: 'Q' })._unsafeUnwrap();
    expect(Array.from(q.rebalanceIndices).map((i) => q.calendar[i])).toEqual([day('2022-10-03')]);
    expect(q.dates[0]).toBe(day('2022-09-30'));
  });

  it("the position used at a month end is the last row at or before it (ffill), rows after it wait", () => {
    const dates = weekdays('2022-07-25', 10);
    const prices = closes(dates, ['A', 'B'], dates.map(() => [10, 10]));
    // A until Friday 07-29, B from Monday 08-01: the month end (Sunday) sees the Friday row → A is bought
    const rows = dates.map((d) => (d < '2022-08-01' ? [true, false] : [false, true]));
    const r = sim(frame(dates, ['A', 'B'], rows), prices, { resample: 'M' })._unsafeUnwrap();
    const t = tradeRecords(r.trades, r.calendar);
    expect(t.map((x) => x.symbol)).toEqual(['A']);
    expect(t[0]?.entryDate).toBe(day('2022-08-01'));
  });

  it("resample=None: a row dated on a Saturday executes on Monday; same-day rows collapse to the last", () => {
    const cal = ['2023-06-08', '2023-06-09', '2023-06-12', '2023-06-13'];
    const prices = closes(cal, ['A', 'B'], cal.map(() => [10, 10]));
    const position = frame(['2023-06-08', '2023-06-09', '2023-06-10', '2023-06-13'], ['A', 'B'], [[0, 0], [1, 0], [0, 1], [0, 1]]);
    const r = sim(position, prices, { resample: null })._unsafeUnwrap();
    // the first row (all 0, but not NaN) is a rebalance to cash on 06-09; Fri + Sat rows collapse onto Monday
    expect(Array.from(r.rebalanceIndices).map((i) => r.calendar[i])).toEqual([day('2023-06-09'), day('2023-06-12')]);
    const t = tradeRecords(r.trades, r.calendar);
    expect(t.map((x) => [x.symbol, x.entryDate])).toEqual([['B', day('2023-06-12')]]);
  });

  it("'D' re-weights to target every day (fees on the drift); None trades only when the row changes", () => {
    const dates = weekdays('2024-01-01', 3);
    const prices = closes(dates, ['A', 'B'], [[100, 100], [100, 100], [110, 100]]);
    const position = frame(dates, ['A', 'B'], dates.map(() => [true, true]));
    const bal = 0.5 * (1 - fee) * 2.1;
    const drift = 0.5 * (1 - fee) * 1.1 - bal / 2;
    close12(curve(sim(position, prices, { resample: null }))[2] as number, bal);
    close12(curve(sim(position, prices, { resample: 'D' }))[2] as number, bal - drift * (fee + tax) - drift * fee);
    // 'D' splits continuing holdings into a trade per rebalance (FinLab), None keeps one trade
    expect(sim(position, prices, { resample: 'D' })._unsafeUnwrap().trades.count).toBe(4);
    expect(sim(position, prices, { resample: null })._unsafeUnwrap().trades.count).toBe(2);
  });

  it('buildSchedule (None) keeps the first row only if it has a value, then the changed rows', () => {
    const w = Float64Array.from([0, 0, 0, 0, 1, 0, 1, 0]);
    const cal = Int32Array.from([1, 2, 3, 4, 5]);
    expect(buildSchedule(Int32Array.from([1, 2, 3, 4]), w, 2, false, cal, null).map((r) => r.row)).toEqual([2]);
    expect(buildSchedule(Int32Array.from([1, 2, 3, 4]), w, 2, true, cal, null).map((r) => r.row)).toEqual([0, 2]);
    // NaN counts as 0: NaN → 0 is no change
    const n = Float64Array.from([0, Number.NaN, Number.NaN, 0, 1, 0, 1, 0]);
    expect(buildSchedule(Int32Array.from([1, 2, 3, 4]), n, 2, true, cal, null).map((r) => r.row)).toEqual([0, 2]);
  });

  it('a stale position (last row long before the last price) stops the run at its last row', () => {
    const dates = weekdays('2024-01-01', 10);
    const prices = closes(dates, ['A'], dates.map((_, i) => [100 + i]));
    const position = frame(dates.slice(0, 4), ['A'], [[true], [true], [true], [true]]);
    const r = sim(position, prices, {})._unsafeUnwrap();
    expect(r.dates[r.dates.length - 1]).toBe(day(dates[3] as string));
  });
});

describe('close-based stops (finlab.md §4.5.1): detected at the close, executed next day at its price', () => {
  const dates = weekdays('2024-01-01', 6);
  const position = frame(dates, ['A'], dates.map(() => [true]));
  const run = (px: number[], options: Parameters<typeof sim>[2]) =>
    sim(position, closes(dates, ['A'], px.map((p) => [p])), { resample: null, ...options })._unsafeUnwrap();

  it('stop loss: −15% at the close (limit 10%) exits the next day at that day’s price (gap included)', () => {
    const r = run([100, 100, 85, 80, 90, 95], { stopLoss: 0.1 });
    close12(r.creturn[2] as number, (1 - fee) * 0.85);
    close12(r.creturn[3] as number, (1 - fee) * 0.8 * (1 - fee - tax));
    close12(r.creturn[5] as number, (1 - fee) * 0.8 * (1 - fee - tax));
    const t = tradeRecords(r.trades, r.calendar);
    expect(t[0]?.exitReason).toBe('stop_loss');
    expect(t[0]?.exitSigDate).toBe(day(dates[2] as string));
    close12(t[0]?.return ?? Number.NaN, 0.8 * (1 - fee) * (1 - fee - tax) - 1);
  });

  it('stop loss boundary: exactly −10% does not fire (strict <)', () => {
    const r = run([100, 100, 90, 80, 80, 80], { stopLoss: 0.1 });
    close12(r.creturn[3] as number, (1 - fee) * 0.8);
  });

  it('take profit: ≥ +20% at the close exits the next day', () => {
    const r = run([100, 100, 120, 125, 130, 130], { takeProfit: 0.2 });
    close12(r.creturn[3] as number, (1 - fee) * 1.25 * (1 - fee - tax));
    expect(tradeRecords(r.trades, r.calendar)[0]?.exitReason).toBe('take_profit');
  });

  it('trailing stop is additive in entry units: peak +50%, trail 0.2 exits below +30% (not below 1.5·0.8)', () => {
    const r = run([100, 100, 150, 125, 120, 120], { trailStop: 0.2 });
    close12(r.creturn[3] as number, (1 - fee) * 1.25);
    close12(r.creturn[4] as number, (1 - fee) * 1.2 * (1 - fee - tax));
    expect(tradeRecords(r.trades, r.calendar)[0]?.exitReason).toBe('trail_stop');
  });

  it('a short stop loss fires when the price rises past 1 + stopLoss', () => {
    const shortPos = frame(dates, ['A'], dates.map(() => [-1]));
    const r = sim(shortPos, closes(dates, ['A'], [[100], [100], [111], [115], [115], [115]]), { stopLoss: 0.1 })._unsafeUnwrap();
    // entry: cash 2 − fee, pos −1; day 3 cover at 115: cash += −1.15 − 1.15·(fee + tax)
    close12(r.creturn[3] as number, 2 - fee - 1.15 - 1.15 * (fee + tax));
  });
});

describe('touched exits (finlab.md §4.5.2): same day at the touched level', () => {
  const dates = weekdays('2024-01-01', 4);
  const position = frame(dates, ['A'], dates.map(() => [true]));
  const market = (bars: [number, number, number, number][]): PriceFrames => ({
    open: frame(dates, ['A'], bars.map((b) => [b[0]])),
    high: frame(dates, ['A'], bars.map((b) => [b[1]])),
    low: frame(dates, ['A'], bars.map((b) => [b[2]])),
    close: frame(dates, ['A'], bars.map((b) => [b[3]])),
  });
  const flat: [number, number, number, number] = [100, 100, 100, 100];

  it('low touches the stop: exit at exactly entry·(1 − stopLoss)', () => {
    const r = sim(position, market([flat, flat, [98, 101, 85, 95], flat]), { stopLoss: 0.1, touchedExit: true })._unsafeUnwrap();
    close12(r.creturn[2] as number, (1 - fee) * 0.9 * (1 - fee - tax));
    const t = tradeRecords(r.trades, r.calendar)[0];
    expect(t?.exitDate).toBe(day(dates[2] as string));
    expect(t?.exitSigDate).toBe(day(dates[2] as string));
    close12(t?.return ?? Number.NaN, (1 - fee) * 0.9 * (1 - fee - tax) - 1);
  });

  it('an opening gap through the stop exits at the open', () => {
    const r = sim(position, market([flat, flat, [80, 82, 78, 81], flat]), { stopLoss: 0.1, touchedExit: true })._unsafeUnwrap();
    close12(r.creturn[2] as number, (1 - fee) * 0.8 * (1 - fee - tax));
  });

  it('high touches the take profit first when both are touched (optimistic)', () => {
    const r = sim(position, market([flat, flat, [100, 125, 85, 100], flat]), {
      stopLoss: 0.1, takeProfit: 0.2, touchedExit: true,
    })._unsafeUnwrap();
    close12(r.creturn[2] as number, (1 - fee) * 1.2 * (1 - fee - tax));
    expect(tradeRecords(r.trades, r.calendar)[0]?.exitReason).toBe('take_profit');
  });

  it('trailing stop, touched: exit at maxcr − trail', () => {
    const bars: [number, number, number, number][] = [flat, flat, [150, 150, 150, 150], [149, 150, 120, 125]];
    const r = sim(position, market(bars), { trailStop: 0.2, touchedExit: true })._unsafeUnwrap();
    close12(r.creturn[3] as number, (1 - fee) * 1.3 * (1 - fee - tax));
    expect(tradeRecords(r.trades, r.calendar)[0]?.exitReason).toBe('trail_stop');
  });

  it('touchedExit without open/high/low is data_missing', () => {
    const e = sim(position, { close: frame(dates, ['A'], dates.map(() => [1])) }, { stopLoss: 0.1, touchedExit: true });
    expect(e._unsafeUnwrapErr().kind).toBe('data_missing');
  });
});

describe('stopTradingNextPeriod and retainCostWhenRebalance', () => {
  const dates = weekdays('2024-01-01', 6);
  const prices = closes(dates, ['A', 'B'], [[100, 10], [100, 10], [85, 10], [85, 10], [85, 10], [85, 10]]);
  const position = frame(dates, ['A', 'B'], dates.map(() => [true, true]));

  it('with stopTradingNextPeriod (default) a stopped name is left out of the next rebalance only', () => {
    const r = sim(position, prices, { resample: 'D', stopLoss: 0.1 })._unsafeUnwrap();
    const t = tradeRecords(r.trades, r.calendar).filter((x) => x.symbol === 'A');
    // entered day 1, stopped on day 2's close, sold day 3; day 3's rebalance skips A; re-entered on day 4
    expect(t.map((x) => [x.entryDate, x.exitDate, x.exitReason])).toEqual([
      [day(dates[1] as string), day(dates[2] as string), 'split'],
      [day(dates[2] as string), day(dates[3] as string), 'stop_loss'],
      [day(dates[4] as string), day(dates[5] as string), 'split'],
      [day(dates[5] as string), Number.NaN, 'open'],
    ]);
  });

  it('without it, a stop is skipped when the same day rebalances the name to a non-zero target', () => {
    const r = sim(position, prices, { resample: 'D', stopLoss: 0.1, stopTradingNextPeriod: false })._unsafeUnwrap();
    const t = tradeRecords(r.trades, r.calendar).filter((x) => x.symbol === 'A');
    expect(t.some((x) => x.exitReason === 'stop_loss')).toBe(false);
  });

  it('retainCostWhenRebalance keeps the stop reference across periodic rebalances', () => {
    const px = closes(dates, ['A'], [[100], [100], [95], [92], [88], [88]]);
    const pos = frame(dates, ['A'], dates.map(() => [true]));
    // without retain: every daily rebalance resets cr → −5%, −3.2%, −4.3% never reach −10%
    const reset = sim(pos, px, { resample: 'D', stopLoss: 0.1 })._unsafeUnwrap();
    expect(tradeRecords(reset.trades, reset.calendar).some((x) => x.exitReason === 'stop_loss')).toBe(false);
    const kept = sim(pos, px, { resample: 'D', stopLoss: 0.1, retainCostWhenRebalance: true })._unsafeUnwrap();
    const t = tradeRecords(kept.trades, kept.calendar);
    expect(t.length).toBe(1);
    expect(t[0]?.exitReason).toBe('stop_loss');
    expect(t[0]?.exitDate).toBe(day(dates[5] as string));
  });
});

describe('degenerate inputs never throw', () => {
  it('a position that never holds anything gives a flat curve at 1', () => {
    const dates = weekdays('2024-01-01', 5);
    const r = sim(frame(dates, ['A'], dates.map(() => [false])), closes(dates, ['A'], dates.map(() => [10])), {})._unsafeUnwrap();
    expect(Array.from(r.creturn).every((v) => v === 1)).toBe(true);
    expect(r.trades.count).toBe(0);
  });

  it('an empty position frame, a position before the prices, bad options → values, not exceptions', () => {
    const dates = weekdays('2024-01-01', 3);
    const prices = closes(dates, ['A'], dates.map(() => [10]));
    expect(sim(frame([], ['A'], []), prices, {}).isOk()).toBe(true);
    expect(sim(frame(['2023-01-02', '2023-01-03', '2023-01-04'], ['A'], [[1], [1], [1]]), prices, {}).isErr()).toBe(true);
    expect(sim(frame(dates, ['A'], dates.map(() => [1])), prices, { positionLimit: 0 })._unsafeUnwrapErr().kind).toBe('invalid_input');
    expect(sim(frame(dates, ['A'], dates.map(() => [1])), prices, { tradeAt: 'open' })._unsafeUnwrapErr().kind).toBe('data_missing');
  });

  it('tradeAt open: fills at the open, equity valued at the close', () => {
    const dates = weekdays('2024-01-01', 3);
    const prices: PriceFrames = {
      close: frame(dates, ['A'], [[10], [11], [12]]),
      open: frame(dates, ['A'], [[10], [10], [11.5]]),
    };
    const c = curve(sim(frame(dates, ['A'], dates.map(() => [true])), prices, { tradeAt: 'open' }));
    close12(c[1] as number, ((1 - fee) * 11) / 10);
    close12(c[2] as number, ((1 - fee) * 12) / 10);
  });
});
