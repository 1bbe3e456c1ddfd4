import { okAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ARCHIVE_POLICY, type StrategyTraits } from '@alphaloop/domain';
import type { GenerateStrategyInput, StrategyGeneratorPort } from '@alphaloop/ports';
import { hashId, noiseOf, ScriptedBacktest, ScriptedGenerator, ScriptedLlm } from '@alphaloop/ports/test-doubles';
import { harness } from './harness.js';

const offline = () => new ScriptedLlm([], false);

/** Strategies `// factor graph strategy N` with a Sharpe per N and, by default, a cell per N (family by N mod 3). */
function backtestFor(sharpeOf: (n: number) => number, traitsOf: (n: number) => StrategyTraits = (n) => ({ family: (['momentum', 'value', 'risk'] as const)[n % 3] ?? 'other', averageHoldings: 20 }), returnsOf?: (n: number, id: string) => Float64Array) {
  const n = (code: string) => Number(/strategy (\d+)/.exec(code)?.[1] ?? 0);
  return new ScriptedBacktest(
    (code) => ({ sharpe: sharpeOf(n(code)), totalReturn: 0.5, maxDrawdown: -0.2, calmar: 0.5, turnover: 4 }),
    () => null,
    undefined,
    (code) => traitsOf(n(code)),
    returnsOf === undefined ? undefined : (code, id) => returnsOf(n(code), id),
  );
}

describe('the archive search', () => {
  it('places profitable strategies in their behaviour cells and stores the decision with the record', async () => {
    const backtest = backtestFor(() => 1);
    const { executor, store } = harness({ llm: offline(), backtest });
    const first = (await executor.execute(0)).record;
    expect(first.search).toMatchObject({ cell: 'value/16-40/quarterly', family: 'value', parentChoice: 'template', archive: { kind: 'inserted', cell: 'value/16-40/quarterly' } });
    expect(backtest.requests[0]?.dailyReturns).toBe(true);
    const elites = (await store.load('test-run'))._unsafeUnwrap();
    expect(elites.map((e) => [e.cell, e.strategyId, e.iteration, e.children])).toEqual([['value/16-40/quarterly', first.strategyId, 0, 0]]);
    expect(Array.from(elites[0]?.dailyReturns ?? [])).toEqual(Array.from(noiseOf(first.strategyId ?? '')));
  });

  it('draws parents from the archive, counts their children, and never offers a failed strategy', async () => {
    const generator = new ScriptedGenerator();
    const backtest = backtestFor((n) => (n === 2 ? -0.5 : 1));
    const { executor, store } = harness({ llm: offline(), backtest, generator });
    await executor.execute(0); // strategy 1 → value cell
    const second = (await executor.execute(1)).record; // strategy 2: unprofitable
    expect(second.level).toBe(2);
    expect(second.search?.archive).toBeNull();
    expect(second.search?.parentChoice).toBe('archive');
    expect(generator.inputs[1]?.champion?.strategyId).toBe(hashId('// factor graph strategy 1'));
    const elites = (await store.load('test-run'))._unsafeUnwrap();
    expect(elites).toHaveLength(1);
    expect(elites[0]?.children).toBe(1);
  });

  it('keeps a near-copy of the elite out unless it is better by the margin, and stores the correlation', async () => {
    // every strategy lands in one cell with the same daily returns; strategy 2 is a hair better, 3 clearly better
    const sharpes = [0, 1, 1.01, 1.2];
    const same = noiseOf('same');
    const backtest = backtestFor((n) => sharpes[n] ?? 0, () => ({ family: 'momentum', averageHoldings: 10 }), () => same);
    const { executor, store } = harness({ llm: offline(), backtest });
    await executor.execute(0);
    const copy = (await executor.execute(1)).record;
    expect(copy.search?.archive).toMatchObject({ kind: 'rejected', correlation: { elite: 1, parent: 1 } });
    expect(copy.search?.archive?.reason).toContain('near-copy of its parent');
    const better = (await executor.execute(2)).record;
    expect(better.search?.archive).toMatchObject({ kind: 'replaced', previous: hashId('// factor graph strategy 1') });
    expect((await store.load('test-run'))._unsafeUnwrap().map((e) => e.strategyId)).toEqual([better.strategyId]);
  });

  it('crosses an elite with one of another cell, and records the mate', async () => {
    const generator = new ScriptedGenerator();
    const backtest = backtestFor(() => 1);
    const { executor } = harness({ llm: offline(), backtest, generator, config: { archive: { ...DEFAULT_ARCHIVE_POLICY, crossoverShare: 1 } } });
    await executor.execute(0);
    await executor.execute(1); // one cell: no mate yet
    expect(generator.inputs[1]?.mate).toBeNull();
    const third = await executor.execute(2);
    const mate = generator.inputs[2]?.mate;
    expect(mate).not.toBeNull();
    expect(mate?.strategyId).not.toBe(generator.inputs[2]?.champion?.strategyId);
    expect(third.record.search?.parentCell).not.toBeNull();
  });

  it('explores new strategies once the archive has not improved for the window, and says so', async () => {
    const generator = new ScriptedGenerator();
    const backtest = backtestFor((n) => (n === 1 ? 1 : -1)); // only the first is profitable: the archive never improves again
    const { executor } = harness({ llm: offline(), backtest, generator, config: { archive: { ...DEFAULT_ARCHIVE_POLICY, stagnationWindow: 3, exploreShare: 1 } } });
    const results = [];
    for (let i = 0; i < 5; i += 1) results.push(await executor.execute(i));
    expect(results.map((r) => r.stagnating)).toEqual([false, false, false, true, true]);
    expect(generator.inputs.map((input) => input.explore === true)).toEqual([false, false, false, true, true]);
    expect(results[3]?.record.search?.parentChoice).toBe('explore');
  });

  it('resumes with exactly the archive it stored', async () => {
    const backtest = backtestFor((n) => 1 + n / 10);
    const first = harness({ llm: offline(), backtest });
    for (let i = 0; i < 6; i += 1) await first.executor.execute(i);
    const before = (await first.store.load('test-run'))._unsafeUnwrap();
    expect(before.length).toBeGreaterThan(1);
    const generator = new ScriptedGenerator();
    const resumed = harness({ llm: offline(), backtest, store: first.store, generator });
    await resumed.executor.execute(6);
    const parent = generator.inputs[0]?.champion?.strategyId;
    expect(before.map((e) => e.strategyId)).toContain(parent);
  });

  it('shows the LLM elites of other cells and what has worked, never the holdout', async () => {
    const llm = new ScriptedLlm([{ code: '// llm strategy 9' }]);
    const backtest = backtestFor(() => 1);
    const generator: StrategyGeneratorPort = new ScriptedGenerator();
    const seeded = harness({ llm: offline(), backtest, generator });
    for (let i = 0; i < 4; i += 1) await seeded.executor.execute(i);
    const { executor } = harness({ llm, backtest, store: seeded.store, config: { source: { innovationRate: 100, maxConsecutiveLlmFailures: 3 } } });
    await executor.execute(4);
    const input = llm.inputs[0];
    expect(input?.elites?.length).toBeGreaterThan(0);
    expect(input?.elites?.every((e) => e.strategyId !== input.champion?.strategyId)).toBe(true);
    expect(input?.searchSummary).toContain('perturb_parameter');
  });

  it('keeps no archive in a champion-only search', async () => {
    const generator = new ScriptedGenerator();
    const backtest = backtestFor(() => 1);
    const { executor, store } = harness({ llm: offline(), backtest, generator, config: { search: 'champion' } });
    for (let i = 0; i < 3; i += 1) await executor.execute(i);
    expect((await store.load('test-run'))._unsafeUnwrap()).toEqual([]);
    expect(generator.inputs.every((input: GenerateStrategyInput) => input.mate === undefined && input.explore === undefined)).toBe(true);
    expect(backtest.requests.filter((r) => r.holdout !== true).every((r) => r.dailyReturns === false)).toBe(true);
  });

  it('a generator that only repeats is asked again with a fresh parent draw each time', async () => {
    let calls = 0;
    const repeating: StrategyGeneratorPort = {
      generate: () => {
        calls += 1;
        return okAsync({ code: '// factor graph strategy 1', strategyId: hashId('// factor graph strategy 1'), parentId: null, operator: 'template', generation: 0 });
      },
    };
    const { executor } = harness({ llm: offline(), backtest: backtestFor(() => 1), generator: repeating, config: { maxDuplicateAttempts: 4 } });
    await executor.execute(0);
    const { record } = await executor.execute(1);
    expect(record.error?.category).toBe('duplicate');
    expect(calls).toBe(5);
  });
});
