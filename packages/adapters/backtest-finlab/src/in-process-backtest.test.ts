import { classify } from '@alphaloop/domain';
import { backtestGraph, isoDate, toStrategyMetrics } from '@alphaloop/engine';
import { describeBacktestContract } from '@alphaloop/ports/contracts';
import { compileStrategy, MUTATION_OPERATORS, mutate, seededRandom, templateStrategy, type CompiledStrategy } from '@alphaloop/strategy';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryStrategy, TEST_FIELDS } from '@alphaloop/strategy/testing';
import { marketFor, STRATEGIES, testMarket } from '../test/support/market.js';
import { InProcessBacktest } from './in-process-backtest.js';
import { estimateBacktestBytes } from './memory.js';

const small = testMarket({ dates: 240, symbols: 10 });

describeBacktestContract('InProcessBacktest', () =>
  Promise.resolve({
    backtest: new InProcessBacktest({ market: small.market, context: small.context }),
    validCode: STRATEGIES.momentum,
    invalidCode: STRATEGIES.twoErrors,
  }),
);

describe('InProcessBacktest', () => {
  const backtest = new InProcessBacktest({ market: small.market, context: small.context, options: { holdoutStart: '2020-08-03' } });

  it('returns the strategy id, the canonical code and in-sample metrics, and the holdout only when asked', async () => {
    expect((await backtest.run({ code: STRATEGIES.breakout }))._unsafeUnwrap().holdoutMetrics).toBeNull();
    const outcome = (await backtest.run({ code: STRATEGIES.breakout, holdout: true }))._unsafeUnwrap();
    const compiled = compileStrategy(STRATEGIES.breakout, small.context)._unsafeUnwrap();
    expect(outcome.strategyId).toBe(compiled.strategyId);
    expect(outcome.canonicalCode).toBe(compiled.canonicalSource);
    expect(outcome.metrics.trades).toBeGreaterThan(0);
    expect(outcome.holdoutMetrics?.trades).toBeGreaterThan(0);
    const recompiled = (await backtest.run({ code: outcome.canonicalCode, holdout: true }))._unsafeUnwrap();
    expect(recompiled).toEqual(outcome);
  });

  it('gives exactly the engine’s figures on the raw market (monthly data aligned once, not per run)', async () => {
    const compiled = compileStrategy(STRATEGIES.revenue, small.context)._unsafeUnwrap();
    const engine = backtestGraph(compiled.graph, small.market, { riskFreeRate: 0.02, splitDate: 18_477 })._unsafeUnwrap().statistics;
    const split = new InProcessBacktest({ market: small.market, context: small.context, options: { holdoutStart: 18_477 } });
    const outcome = (await split.run({ code: STRATEGIES.revenue, holdout: true }))._unsafeUnwrap();
    expect(outcome.metrics).toEqual(toStrategyMetrics(engine.inSample));
    expect(outcome.holdoutMetrics).toEqual(toStrategyMetrics(engine.holdout ?? engine.full));
  });

  it('cuts the in-sample calendar into contiguous folds and aligns the returns on it', async () => {
    const compiled = compileStrategy(STRATEGIES.momentum, small.context)._unsafeUnwrap();
    const split = new InProcessBacktest({ market: small.market, context: small.context, options: { holdoutStart: 18_477, folds: 3 } });
    const outcome = (await split.run({ code: STRATEGIES.momentum, dailyReturns: true }))._unsafeUnwrap();
    const { result } = backtestGraph(compiled.graph, small.market, { riskFreeRate: 0.02, splitDate: 18_477 })._unsafeUnwrap();
    const calendar = small.market.prices.close.dates;
    const k = calendar.findIndex((d) => d >= 18_477);
    expect(outcome.folds).toHaveLength(3);
    expect(outcome.folds[0]?.start).toBe(isoDate(calendar[1] as number));
    expect(outcome.folds[2]?.end).toBe(isoDate(calendar[k - 1] as number));
    expect(outcome.dailyReturns).toHaveLength(k - 1);
    const curveReturn = new Map<number, number>();
    for (let i = 1; i < result.dates.length; i++) curveReturn.set(result.dates[i] as number, result.returns[i] as number);
    for (let c = 1; c < k; c++) expect(outcome.dailyReturns?.[c - 1]).toBe(curveReturn.get(calendar[c] as number) ?? 0);
    const rf = 1.02 ** (1 / 252) - 1;
    for (const fold of outcome.folds) {
      const inFold = [...curveReturn].filter(([d]) => isoDate(d) >= fold.start && isoDate(d) <= fold.end).map(([, r]) => r - rf);
      const mean = inFold.reduce((a, b) => a + b, 0) / inFold.length;
      const sd = Math.sqrt(inFold.reduce((a, b) => a + (b - mean) ** 2, 0) / (inFold.length - 1));
      if (fold.sharpe === null) expect(inFold.length < 2 || sd === 0).toBe(true);
      else expect(fold.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(252), 10);
    }
    // the profile is per day: its Sharpe times √252 is the in-sample Sharpe
    expect((outcome.profile?.sharpe ?? 0) * Math.sqrt(252)).toBeCloseTo(outcome.metrics.sharpe ?? Number.NaN, 10);
    // one return per calendar month of the in-sample period
    const months = new Set(Array.from(calendar.slice(1, k), (d) => isoDate(d).slice(0, 7)));
    expect(outcome.monthlyReturns).toHaveLength(months.size);
  });

  it('charges the run’s costs and refuses a strategy that sets its own; honours it when costs are the strategy’s', async () => {
    const cheap = "const close = data.get('price:close');\nreturn sim(close.pctChange(1).isSmallest(3), { resample: 'D', feeRatio: 0, taxRatio: 0 });";
    const error = (await backtest.run({ code: cheap }))._unsafeUnwrapErr();
    expect(error.kind).toBe('backtest_invalid_strategy');
    expect(error.message).toMatch(/^2:\d+: 'feeRatio' is set by the run/);
    const ported = new InProcessBacktest({ market: small.market, context: small.context, options: { costs: 'strategy' } });
    const own = (await ported.run({ code: cheap }))._unsafeUnwrap();
    expect(own.costs).toEqual({ feeRatio: 0, taxRatio: 0, setBy: 'strategy' });
    const dear = "const close = data.get('price:close');\nreturn sim(close.pctChange(1).isSmallest(3), { resample: 'D' });";
    const runFree = new InProcessBacktest({ market: small.market, context: small.context, options: { feeRatio: 0, taxRatio: 0 } });
    const free = (await runFree.run({ code: dear }))._unsafeUnwrap();
    expect(free.costs).toEqual({ feeRatio: 0, taxRatio: 0, setBy: 'run' });
    expect(free.metrics).toEqual(own.metrics);
    const defaults = (await ported.run({ code: dear }))._unsafeUnwrap();
    expect(defaults.costs).toEqual({ feeRatio: 0.001425, taxRatio: 0.003, setBy: 'run' });
    expect(defaults.metrics.totalReturn as number).toBeLessThan(free.metrics.totalReturn as number);
  });

  it('does not measure a strategy again that the run has measured', async () => {
    const first = (await backtest.run({ code: STRATEGIES.momentum }))._unsafeUnwrap();
    const again = (await backtest.run({ code: STRATEGIES.momentum, measured: new Set([first.strategyId]) }))._unsafeUnwrapErr();
    expect(again).toEqual({
      kind: 'backtest_duplicate',
      strategyId: first.strategyId,
      message: `strategy ${first.strategyId} was already measured in this run and is not measured again: write a different strategy`,
    });
  });

  it('has no holdout metrics without a split date, and honours the risk-free rate', async () => {
    const plain = new InProcessBacktest({ market: small.market, context: small.context });
    const zero = new InProcessBacktest({ market: small.market, context: small.context, options: { riskFreeRate: 0 } });
    const a = (await plain.run({ code: STRATEGIES.momentum }))._unsafeUnwrap();
    const b = (await zero.run({ code: STRATEGIES.momentum }))._unsafeUnwrap();
    expect(a.holdoutMetrics).toBeNull();
    expect(a.metrics.totalReturn).toBe(b.metrics.totalReturn);
    expect(b.metrics.sharpe).toBeGreaterThan(a.metrics.sharpe as number);
  });

  it('reports a strategy that never holds a position as metrics (level 1 or 2), not an error', async () => {
    const outcome = (await backtest.run({ code: STRATEGIES.neverHolds }))._unsafeUnwrap();
    expect(outcome.metrics.trades).toBe(0);
    expect(outcome.metrics.sharpe).toBeNull();
    expect([1, 2]).toContain(classify(true, outcome.metrics).level);
  });

  it('reports every compile error as line:column: message — hint', async () => {
    const error = (await backtest.run({ code: STRATEGIES.twoErrors }))._unsafeUnwrapErr();
    expect(error.kind).toBe('backtest_invalid_strategy');
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^\d+:\d+: .+ — .+/);
    expect(lines[0]).toMatch(/^2:\d+: .*frobnicate/);
    expect(lines[1]).toMatch(/^3:\d+: .*unknownThing/);
  });

  it('reports a declared field the market lacks as data_missing', async () => {
    const error = (await backtest.run({ code: STRATEGIES.missingData }))._unsafeUnwrapErr();
    expect(error).toMatchObject({ kind: 'backtest_data_missing' });
    expect(error.message).toContain('fundamental_features:roe');
  });

  it('refuses a strategy over the memory budget before running it', async () => {
    const bytes = (code: string): number => estimateBacktestBytes(compileStrategy(code, small.context)._unsafeUnwrap().graph, 240, 10);
    const limitMb = (bytes(STRATEGIES.neverHolds) + bytes(STRATEGIES.heavy)) / 2 / 2 ** 20;
    const tight = new InProcessBacktest({ market: small.market, context: small.context, options: { memoryLimitMb: limitMb } });
    expect((await tight.run({ code: STRATEGIES.neverHolds })).isOk()).toBe(true);
    const error = (await tight.run({ code: STRATEGIES.heavy }))._unsafeUnwrapErr();
    expect(error.kind).toBe('backtest_out_of_memory');
    expect(error.message).toContain('240 dates × 10 symbols');
  });

  it('answers inputs that are not strategies with errors, never exceptions', async () => {
    for (const code of [undefined, null, 42, {}] as unknown as string[]) {
      expect((await backtest.run({ code })).isErr()).toBe(true);
    }
    expect((await backtest.run(null as unknown as { code: string })).isErr()).toBe(true);
  });

  it('is built through create() without throwing on a bad option', () => {
    expect(InProcessBacktest.create({ ...small, options: { holdoutStart: 'soon' } })._unsafeUnwrapErr().kind).toBe('backtest_config_invalid');
    expect(() => new InProcessBacktest({ ...small, options: { holdoutStart: 'soon' } })).toThrow(/holdoutStart/);
  });
});

describe('every strategy the strategy package validates backtests', () => {
  it('random well-typed strategies of the strategy package’s generator (property)', async () => {
    const full = marketFor(TEST_FIELDS, { dates: 320, symbols: 8, seed: 5 });
    // the generator writes fee and tax options too: costs are the strategy's here (under the run's they do not compile)
    const backtest = new InProcessBacktest({ market: full.market, context: full.context, options: { holdoutStart: '2020-09-01', costs: 'strategy' } });
    await fc.assert(
      fc.asyncProperty(arbitraryStrategy, async (code) => {
        const outcome = await backtest.run({ code });
        if (outcome.isErr()) throw new Error(`${JSON.stringify(outcome.error)}\n${code}`);
      }),
      { numRuns: 60, seed: 4242 },
    );
  });

  const complete = testMarket({ dates: 160, symbols: 8, complete: true, seed: 11 });
  const backtest = new InProcessBacktest({ market: complete.market, context: complete.context, options: { holdoutStart: '2020-05-01' } });
  const template = templateStrategy(complete.context)._unsafeUnwrap();

  it('the template and every mutation chain from it (property)', async () => {
    expect((await backtest.run({ code: template.canonicalSource })).isOk()).toBe(true);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 6 }), async (seed, steps) => {
        const random = seededRandom(seed);
        let current: CompiledStrategy = template;
        for (let i = 0; i < steps; i++) {
          const operator = MUTATION_OPERATORS[Math.floor(random.next() * MUTATION_OPERATORS.length)] ?? 'perturb_parameter';
          const child = mutate(current, operator, random);
          if (child.isErr()) continue;
          current = child.value;
          const outcome = await backtest.run({ code: current.canonicalSource });
          if (outcome.isErr()) throw new Error(`${JSON.stringify(outcome.error)}\n${current.canonicalSource}`);
          expect(outcome.value.strategyId).toBe(current.strategyId);
        }
      }),
      { numRuns: 25, seed: 20261125 },
    );
  });
});
