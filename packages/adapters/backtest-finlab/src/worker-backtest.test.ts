import { describeBacktestContract } from '@alphaloop/ports/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { arbitraryStrategy, TEST_FIELDS } from '@alphaloop/strategy/testing';
import fc from 'fast-check';
import { marketFor, STRATEGIES, testMarket } from '../test/support/market.js';
import { InProcessBacktest } from './in-process-backtest.js';
import { WorkerBacktest } from './worker-backtest.js';

const small = testMarket({ dates: 240, symbols: 10 });
const holdoutStart = '2020-08-03';
const open: WorkerBacktest[] = [];
/** Every adapter a test builds is closed at the end, even when the test fails. */
function build(init: ConstructorParameters<typeof WorkerBacktest>[0]): WorkerBacktest {
  const backtest = new WorkerBacktest(init);
  open.push(backtest);
  return backtest;
}
afterAll(async () => {
  await Promise.all(open.map((b) => b.close()));
});

const shared = build({ market: small.market, context: small.context, options: { holdoutStart, workers: 2 } });

describeBacktestContract('WorkerBacktest', () =>
  Promise.resolve({ backtest: shared, validCode: STRATEGIES.momentum, invalidCode: STRATEGIES.twoErrors }),
);

describe('WorkerBacktest', () => {
  const reference = new InProcessBacktest({ market: small.market, context: small.context, options: { holdoutStart } });

  it('gives the in-process results, outcome for outcome and error for error', async () => {
    for (const code of Object.values(STRATEGIES)) {
      const [inWorker, inProcess] = await Promise.all([shared.run({ code }), reference.run({ code })]);
      expect(inWorker).toEqual(inProcess);
    }
  });

  it('queues concurrent runs (one backtest per worker at a time) and answers each with its own result', async () => {
    const codes = [...Object.values(STRATEGIES), ...Object.values(STRATEGIES)];
    const before = shared.stats().completed;
    const results = await Promise.all(codes.map((code) => shared.run({ code })));
    const expected = await Promise.all(codes.map((code) => reference.run({ code })));
    expect(results).toEqual(expected);
    expect(shared.stats()).toMatchObject({ liveWorkers: 2, queued: 0, timeouts: 0, crashes: 0 });
    expect(shared.stats().completed - before).toBe(codes.length - 2); // compile errors never reach a worker
  });

  it('gives the in-process results for random strategies of the strategy package’s generator, run concurrently', async () => {
    const full = marketFor(TEST_FIELDS, { dates: 320, symbols: 6, seed: 9 }); // the generator's windows go up to 300
    // the generator writes fee and tax options too: costs are the strategy's here
    const init = { market: full.market, context: full.context, options: { holdoutStart: '2020-06-01', workers: 2, costs: 'strategy' as const } };
    const inWorkers = build(init);
    const inProcess = new InProcessBacktest(init);
    const codes = fc.sample(arbitraryStrategy, { numRuns: 12, seed: 77 });
    const results = await Promise.all(codes.map((code) => inWorkers.run({ code })));
    expect(results.every((r) => r.isOk())).toBe(true);
    expect(results).toEqual(await Promise.all(codes.map((code) => inProcess.run({ code }))));
  });

  it('starts its workers once, and reports that they are ready', async () => {
    expect((await shared.ready()).isOk()).toBe(true);
    expect(shared.stats().workersStarted).toBe(2);
    expect(shared.stats().lastStartupMs).toBeGreaterThan(0);
  });
});

describe('limits', () => {
  it('stops a backtest that overruns the time limit, for real, and replaces its worker', async () => {
    const big = testMarket({ dates: 1500, symbols: 150, seed: 3 });
    const backtest = build({ market: big.market, context: big.context, options: { timeoutMs: 2 } });
    expect((await backtest.ready()).isOk()).toBe(true);
    const [first] = backtest.workerThreadIds();
    const error = (await backtest.run({ code: STRATEGIES.breakout }))._unsafeUnwrapErr();
    expect(error).toEqual({ kind: 'backtest_timeout', message: 'the backtest did not finish within 2 ms and was stopped', limitMs: 2 });
    expect(backtest.stats()).toMatchObject({ timeouts: 1, workersStarted: 2, liveWorkers: 1 });
    expect(backtest.workerThreadIds()[0]).not.toBe(first);
  });

  describe('with the test jobs (strategy code cannot send them)', () => {
    const hooked = build({ market: small.market, context: small.context, options: { memoryLimitMb: 48 }, testHooks: true });

    it('replaces a worker stopped by the time limit, and the next backtests succeed', async () => {
      const expected = (await hooked.run({ code: STRATEGIES.momentum }))._unsafeUnwrap();
      const [first] = hooked.workerThreadIds();
      const stalled = hooked.runTestJob({ type: 'test:stall', ms: 120_000 }, 1000);
      const queued = hooked.run({ code: STRATEGIES.momentum }); // waits behind the stalled job
      expect((await stalled)._unsafeUnwrapErr()).toMatchObject({ kind: 'backtest_timeout', limitMs: 1000 });
      expect((await queued)._unsafeUnwrap()).toEqual(expected);
      expect((await hooked.run({ code: STRATEGIES.momentum }))._unsafeUnwrap()).toEqual(expected);
      expect(hooked.workerThreadIds()[0]).not.toBe(first);
      expect(hooked.stats()).toMatchObject({ timeouts: 1, workersStarted: 2, liveWorkers: 1 });
    });

    it('stops a worker that exceeds its heap limit (out_of_memory) and the next backtest succeeds', async () => {
      const expected = (await hooked.run({ code: STRATEGIES.breakout }))._unsafeUnwrap();
      const error = (await hooked.runTestJob({ type: 'test:exhaust-heap' }))._unsafeUnwrapErr();
      expect(error).toEqual({ kind: 'backtest_out_of_memory', message: "the backtest exceeded the worker's heap limit of 48 MB and was stopped" });
      expect((await hooked.run({ code: STRATEGIES.breakout }))._unsafeUnwrap()).toEqual(expected);
      expect(hooked.stats()).toMatchObject({ outOfMemory: 1, workersStarted: 3, liveWorkers: 1 });
    });

    it('close() fails running and queued backtests, terminates the workers, and refuses later runs', async () => {
      const running = hooked.runTestJob({ type: 'test:stall', ms: 60_000 });
      const queued = hooked.run({ code: STRATEGIES.momentum });
      await new Promise((r) => setTimeout(r, 50));
      const started = performance.now();
      await hooked.close();
      expect(performance.now() - started).toBeLessThan(5_000);
      expect((await running)._unsafeUnwrapErr()).toEqual({ kind: 'backtest_internal', message: 'the backtest adapter was closed' });
      expect((await queued)._unsafeUnwrapErr().kind).toBe('backtest_internal');
      expect((await hooked.run({ code: STRATEGIES.momentum }))._unsafeUnwrapErr().message).toMatch(/closed/);
      expect((await hooked.ready()).isErr()).toBe(true);
      expect(hooked.stats()).toMatchObject({ liveWorkers: 0, timeouts: 1 });
      await hooked.close(); // twice is harmless
    });
  });

  it('refuses a strategy whose working memory exceeds the limit without sending it to a worker', async () => {
    const wide = testMarket({ dates: 800, symbols: 1000, seed: 5 }); // 6.1 MB per frame
    const backtest = build({ market: wide.market, context: wide.context, options: { memoryLimitMb: 40 } });
    const error = (await backtest.run({ code: STRATEGIES.heavy }))._unsafeUnwrapErr();
    expect(error.kind).toBe('backtest_out_of_memory');
    expect(error.message).toMatch(/needs about \d+ MB .*limit of 40 MB/);
    expect(backtest.stats().completed).toBe(0);
  });

  it('ignores the test jobs unless built for tests (strategy code can never send them)', async () => {
    const error = (await shared.runTestJob({ type: 'test:stall', ms: 60_000 }))._unsafeUnwrapErr();
    expect(error).toEqual({ kind: 'backtest_internal', message: 'test hooks are disabled' });
  });

  it('fails queued backtests with an error when its workers cannot start', async () => {
    const backtest = build({ market: small.market, context: small.context, options: { startupTimeoutMs: 1 } });
    const error = (await backtest.run({ code: STRATEGIES.momentum }))._unsafeUnwrapErr();
    expect(error).toEqual({
      kind: 'backtest_internal',
      message: 'the backtest worker could not start (3 attempts): it did not load within 1 ms',
    });
    expect(backtest.stats()).toMatchObject({ workersStarted: 3, crashes: 3, liveWorkers: 0 });
    expect((await backtest.ready())._unsafeUnwrapErr().kind).toBe('backtest_internal'); // tries again, fails again
  });

  it('answers, rather than hangs, when the worker module cannot be loaded at all', async () => {
    const backtest = build({ market: small.market, context: small.context, workerEntry: new URL('./no-such-worker.mjs', import.meta.url) });
    const error = (await backtest.run({ code: STRATEGIES.momentum }))._unsafeUnwrapErr();
    expect(error.kind).toBe('backtest_internal');
    expect(error.message).toMatch(/could not start/);
    expect((await backtest.ready())._unsafeUnwrapErr().message).toMatch(/could not start/);
    expect((await backtest.run({ code: STRATEGIES.twoErrors }))._unsafeUnwrapErr().kind).toBe('backtest_invalid_strategy');
  });
});
