import { backtestGraph, type TradesTable } from '@alphaloop/engine';
import { compileStrategy } from '@alphaloop/strategy';
import { afterAll, describe, expect, it } from 'vitest';
import { testMarket } from '../test/support/market.js';
import { inSampleEnd } from './evidence.js';
import { averageHoldings } from './holdings.js';
import { InProcessBacktest } from './in-process-backtest.js';
import { WorkerBacktest } from './worker-backtest.js';

/** A trades table with only the columns `averageHoldings` reads filled in (exit −1 = still open). */
function tradesOf(spans: readonly (readonly [entry: number, exit: number])[]): TradesTable {
  const ints = (values: readonly number[]) => Int32Array.from(values);
  return {
    count: spans.length,
    symbols: [],
    symbol: ints(spans.map((_, i) => i)),
    entryIndex: ints(spans.map(([e]) => e)),
    exitIndex: ints(spans.map(([, x]) => x)),
  } as unknown as TradesTable;
}

describe('averageHoldings (the trades table)', () => {
  it('counts a trade on [entry, exit), an open one to the last day, and averages over days with a holding', () => {
    // day: 0 1 2 3 4 5 6 7 8 9 — A held 1–3, B 2–4, C 7 to the end (day 9): counts 0 1 2 2 1 0 0 1 1 1
    const trades = tradesOf([[1, 4], [2, 5], [7, -1]]);
    expect(averageHoldings(trades, 9, 10)).toBeCloseTo(9 / 7, 12);
  });

  it('never counts a day on or after the in-sample end', () => {
    const trades = tradesOf([[1, 4], [2, 5], [7, -1]]);
    expect(averageHoldings(trades, 9, 3)).toBeCloseTo(3 / 2, 12); // days 1 (1) and 2 (2)
    expect(averageHoldings(tradesOf([[6, -1]]), 9, 6)).toBeNull(); // held from the split on: never in-sample
    expect(averageHoldings(trades, 9, 0)).toBeNull();
  });

  it('counts a name split or flipped on a day once, and is null without trades', () => {
    // a periodic rebalance closes A on day 3 and opens it again the same day
    expect(averageHoldings(tradesOf([[1, 3], [3, 6]]), 9, 10)).toBe(1);
    expect(averageHoldings(tradesOf([]), 9, 10)).toBeNull();
    expect(averageHoldings(tradesOf([[4, 4]]), 9, 10)).toBeNull();
  });
});

const market = testMarket({ dates: 240, symbols: 12, seed: 5 });
const holdoutStart = '2020-08-03';
const SEVEN = "const close = data.get('price:close');\nreturn sim(close.pctChange(20).isLargest(7), { resample: 'W' });";

describe('traits of a backtest', () => {
  const backtest = new InProcessBacktest({ market: market.market, context: market.context, options: { holdoutStart } });

  it('reports a strategy holding 7 names as about 7, with its family', async () => {
    const outcome = (await backtest.run({ code: SEVEN }))._unsafeUnwrap();
    expect(outcome.traits.family).toBe('momentum');
    expect(outcome.traits.averageHoldings).toBeCloseTo(7, 9);
    const raw = "const close = data.get('price:close');\nreturn close.isLargest(7);";
    expect((await backtest.run({ code: raw }))._unsafeUnwrap().traits).toEqual({ family: 'other', averageHoldings: 7 });
  });

  it('counts fewer names when stops take some out between rebalances', async () => {
    const stopped = "const close = data.get('price:close');\nreturn sim(close.pctChange(20).isLargest(7), { resample: 'M', stopLoss: 0.02 });";
    const outcome = (await backtest.run({ code: stopped }))._unsafeUnwrap();
    expect(outcome.traits.averageHoldings).toBeGreaterThan(1);
    expect(outcome.traits.averageHoldings).toBeLessThan(7);
  });

  it('reports null for a strategy that never holds', async () => {
    const outcome = (await backtest.run({ code: "const close = data.get('price:close');\nreturn close < 0;" }))._unsafeUnwrap();
    expect(outcome.traits).toEqual({ family: 'other', averageHoldings: null });
  });

  it('equals the in-sample mean of the true cells of the position the day before (a mask, no stops)', async () => {
    const code = "const close = data.get('price:close');\nreturn close > close.average(20);";
    const compiled = compileStrategy(code, market.context)._unsafeUnwrap();
    const { position } = backtestGraph(compiled.graph, market.market)._unsafeUnwrap();
    const calendar = market.market.prices.close.dates;
    const end = inSampleEnd(calendar, 18_477); // 2020-08-03
    const S = position.symbols.length;
    let total = 0;
    let days = 0;
    for (let d = 1; d < end; d++) {
      // orders of row d − 1 fill on day d: the names held at the end of day d
      let held = 0;
      for (let s = 0; s < S; s++) if ((position.values[(d - 1) * S + s] as number) !== 0) held++;
      if (held > 0) {
        total += held;
        days++;
      }
    }
    const outcome = (await backtest.run({ code }))._unsafeUnwrap();
    expect(days).toBeGreaterThan(100);
    expect(outcome.traits.averageHoldings).toBeCloseTo(total / days, 12);
    expect(outcome.traits.family).toBe('momentum');
    // the holdout is not measured: without a split the whole calendar counts and the figure moves
    const whole = (await new InProcessBacktest({ market: market.market, context: market.context }).run({ code }))._unsafeUnwrap();
    expect(whole.traits.averageHoldings).not.toBe(outcome.traits.averageHoldings);
  });

  describe('in a worker', () => {
    const workers = new WorkerBacktest({ market: market.market, context: market.context, options: { holdoutStart } });
    afterAll(() => workers.close());

    it('agrees with the in-process backtest', async () => {
      for (const code of [SEVEN, "const close = data.get('price:close');\nreturn close < 0;", "const close = data.get('price:close');\nreturn close > close.average(20);"]) {
        const [inWorker, inProcess] = await Promise.all([workers.run({ code }), backtest.run({ code })]);
        expect(inWorker._unsafeUnwrap().traits).toEqual(inProcess._unsafeUnwrap().traits);
        expect(inWorker).toEqual(inProcess);
      }
    });
  });
});
