import { Container } from 'inversify';
import { okAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { TOKENS } from '@alphaloop/ports';
import { hashId, ScriptedBacktest, ScriptedGenerator, ScriptedLlm } from '@alphaloop/ports/test-doubles';
import { bindExecutor, executorConfig, MissingBindingError } from '../src/index.js';
import { harness } from './harness.js';

const GOOD = "const close = data.get('price:close');\nreturn close.isLargest(10);";
const api500 = { error: { kind: 'llm_api', message: 'HTTP 500 from the model', status: 500 } } as const;

describe('IterationExecutor wiring', () => {
  it('builds with all dependencies', () => {
    const { executor, loop } = harness({ llm: new ScriptedLlm([{ code: GOOD }]) });
    expect(executor).toBeDefined();
    expect(loop).toBeDefined();
  });

  it('fails at start-up naming every missing port', () => {
    const container = new Container();
    container.bind(TOKENS.Llm).toConstantValue(new ScriptedLlm([{ code: GOOD }]));
    let error: unknown;
    try {
      bindExecutor(container, executorConfig({ runId: 'r' }));
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(MissingBindingError);
    expect((error as MissingBindingError).missing).toEqual([
      'StrategyGenerator',
      'Backtest',
      'HistoryRepository',
      'ChampionRepository',
      'ArchiveRepository',
      'MarketData',
      'Clock',
      'Random',
      'Logger',
    ]);
    expect((error as Error).message).toContain('TOKENS.Backtest');
  });
});

describe('IterationExecutor.execute', () => {
  it('stores a level-3 record for an LLM strategy and makes it the champion', async () => {
    const { executor, store } = harness({ llm: new ScriptedLlm([{ code: GOOD }]) });
    const result = await executor.execute(0);
    expect(result.stored).toBe(true);
    expect(result.record).toMatchObject({ source: 'llm', level: 3, error: null, championUpdated: true, strategyCode: GOOD });
    expect(result.record.llmUsage?.model).toBe('test:scripted');
    expect(Object.keys(result.record.timings)).toEqual(
      expect.arrayContaining(['load_history', 'feedback', 'decide_source', 'generate', 'backtest', 'metrics', 'classify', 'champion', 'build_record']),
    );
    expect((await store.recent('test-run', 5))._unsafeUnwrap()).toEqual([result.record]);
    const champion = (await store.get('test-run'))._unsafeUnwrap();
    expect(champion).toMatchObject({ strategyId: result.record.strategyId, code: GOOD, version: 1, iteration: 0, source: 'llm' });
  });

  it('after 3 LLM failures uses the factor graph once, then asks the LLM again', async () => {
    const llm = new ScriptedLlm([api500, api500, api500, { code: GOOD }]);
    const { executor } = harness({ llm });
    const records = [];
    for (let i = 0; i < 5; i += 1) records.push((await executor.execute(i)).record);
    expect(records.map((r) => r.source)).toEqual(['llm', 'llm', 'llm', 'factor_graph', 'llm']);
    expect(records.map((r) => r.level)).toEqual([0, 0, 0, 3, 3]);
    expect(records[0]?.error).toEqual({ category: 'llm', message: 'HTTP 500 from the model', step: 'generate' });
    expect(llm.inputs).toHaveLength(4);
  });

  it('passes the feedback on the previous result to the LLM prompt input', async () => {
    const llm = new ScriptedLlm([{ code: GOOD }]);
    const backtest = new ScriptedBacktest((_code, call) =>
      call === 1 ? { error: { kind: 'backtest_data_missing', message: "unknown data key 'price:成交量'" } } : { sharpe: 0.8, totalReturn: 0.2, maxDrawdown: -0.1 },
    );
    const { executor } = harness({ llm, backtest });
    await executor.execute(0);
    const second = await executor.execute(1);
    const prompt = llm.inputs[1];
    expect(prompt?.feedback).toBe(second.record.feedbackUsed);
    expect(prompt?.feedback).toContain("unknown data key 'price:成交量'");
    expect(prompt?.feedback).toContain('FAILED (category data_missing)');
    expect(prompt?.recent.map((r) => r.iteration)).toEqual([0]);
    expect(prompt?.market.fields.map((f) => f.key)).toContain('price:close');
  });

  it('turns a backtest adapter that throws into a stored level-0 record with category other', async () => {
    const backtest = new ScriptedBacktest(() => ({ throws: 'segfault in native code' }));
    const { executor, store } = harness({ llm: new ScriptedLlm([{ code: GOOD }]), backtest });
    const result = await executor.execute(0);
    expect(result.stored).toBe(true);
    expect(result.record.level).toBe(0);
    expect(result.record.error).toEqual({ category: 'other', message: 'Error: segfault in native code', step: 'backtest' });
    expect(result.record.strategyCode).toBe(GOOD);
    expect((await store.count('test-run'))._unsafeUnwrap()).toBe(1);
  });

  it('turns an LLM adapter that throws into a stored level-0 record', async () => {
    const { executor } = harness({ llm: new ScriptedLlm([{ throws: 'socket hang up' }]) });
    const result = await executor.execute(0);
    expect(result.record).toMatchObject({ level: 0, source: 'llm', error: { category: 'other', step: 'generate' } });
  });

  it('maps backtest error kinds to categories', async () => {
    const cases = [
      ['backtest_timeout', 'timeout'],
      ['backtest_invalid_strategy', 'syntax'],
      ['backtest_calculation', 'calculation'],
      ['backtest_data_missing', 'data_missing'],
    ] as const;
    for (const [kind, category] of cases) {
      const backtest = new ScriptedBacktest(() => ({ error: { kind, message: `${kind} happened`, limitMs: 1 } as never }));
      const { executor } = harness({ llm: new ScriptedLlm([{ code: GOOD }]), backtest });
      expect((await executor.execute(0)).record.error?.category).toBe(category);
    }
  });

  it('rejects impossible metrics as a calculation failure', async () => {
    const backtest = new ScriptedBacktest(() => ({ sharpe: 0.4, totalReturn: -1.5, maxDrawdown: -1 }));
    const { executor } = harness({ llm: new ScriptedLlm([{ code: GOOD }]), backtest });
    const { record } = await executor.execute(0);
    expect(record.level).toBe(0);
    expect(record.error).toMatchObject({ category: 'calculation', step: 'metrics' });
    expect(record.error?.message).toBe('impossible backtest result: totalReturn -1.500 means equity fell to zero or below');
    expect(record.metrics.sharpe).toBeNull();
    expect(record.evidence).toBeNull();
  });

  it('keeps an extraordinary result (a 13-year total return of 5,000 %) at its level, flagged suspicious', async () => {
    const backtest = new ScriptedBacktest(() => ({ sharpe: 3.4, totalReturn: 50, cagr: 0.35, maxDrawdown: -0.25, calmar: 1.4 }));
    const { executor } = harness({ llm: new ScriptedLlm([{ code: GOOD }]), backtest });
    const { record } = await executor.execute(0);
    expect(record).toMatchObject({ level: 3, error: null, championUpdated: true });
    expect(record.evidence?.suspicious).toEqual(['Sharpe 3.40 is beyond ±3']);
    expect(record.evidence?.score).toBeCloseTo(3.4, 12);
  });

  it('classifies a strategy that never trades (no metrics) as level 1 without a champion change', async () => {
    const backtest = new ScriptedBacktest(() => ({ sharpe: Number.NaN }));
    const { executor } = harness({ llm: new ScriptedLlm([{ code: GOOD }]), backtest });
    const { record } = await executor.execute(0);
    expect(record).toMatchObject({ level: 1, error: null, championUpdated: false });
  });

  it('re-decides against the newer champion when another writer won the compare-and-set', async () => {
    const { executor, store } = harness({ llm: new ScriptedLlm([{ code: GOOD }]) });
    const original = store.append.bind(store);
    let raced = false;
    store.append = (record, change) => {
      if (change && !raced) {
        raced = true; // another worker installs a much better champion just before our save
        const better = { ...change.next, strategyId: 'better0000000000', metrics: { ...change.next.metrics, sharpe: 3 }, version: 1 };
        void store.compareAndSet('test-run', 0, better);
      }
      return original(record, change);
    };
    const { record, championDecision } = await executor.execute(0);
    expect(record.championUpdated).toBe(false);
    expect(championDecision?.replace).toBe(false);
    expect((await store.get('test-run'))._unsafeUnwrap()?.strategyId).toBe('better0000000000');
    expect((await store.count('test-run'))._unsafeUnwrap()).toBe(1);
  });

  it('reports a record that storage refused instead of pretending it was stored', async () => {
    const { executor, store } = harness({ llm: new ScriptedLlm([{ code: GOOD }]) });
    store.append = () => {
      throw new Error('disk on fire');
    };
    const result = await executor.execute(0);
    expect(result.stored).toBe(false);
    expect(result.storageError).toContain('disk on fire');
  });
});

describe('source mix by innovation rate (seeded)', () => {
  const mix = async (innovationRate: number, seed: number) => {
    const { executor } = harness({ llm: new ScriptedLlm([{ code: GOOD }]), seed, config: { source: { innovationRate, maxConsecutiveLlmFailures: 3 } } });
    const sources: string[] = [];
    for (let i = 0; i < 200; i += 1) sources.push((await executor.execute(i)).record.source);
    return sources.filter((s) => s === 'llm').length;
  };

  it('0 → factor graph only, 100 → LLM only, 30 → about 30% LLM, reproducibly', async () => {
    expect(await mix(0, 5)).toBe(0);
    expect(await mix(100, 5)).toBe(200);
    const thirty = await mix(30, 5);
    expect(thirty).toBeGreaterThanOrEqual(45);
    expect(thirty).toBeLessThanOrEqual(75);
    expect(await mix(30, 5)).toBe(thirty);
  });

  it('uses the factor graph every time when no LLM is configured', async () => {
    const llm = new ScriptedLlm([{ code: GOOD }], false);
    const { executor } = harness({ llm });
    for (let i = 0; i < 5; i += 1) expect((await executor.execute(i)).record.source).toBe('factor_graph');
    expect(llm.inputs).toHaveLength(0);
  });
});

describe('factor-graph parent', () => {
  it('mutates the best strategy so far while there is no champion, else the champion', async () => {
    const generator = new ScriptedGenerator();
    // Sharpe below the first-champion bar (0.5): 0.2, 0.4, 0.3 — then 0.9 crowns a champion
    const sharpes = [0.2, 0.4, 0.3, 0.9, 0.1];
    const backtest = new ScriptedBacktest((_code, call) => ({ sharpe: sharpes[call - 1] ?? 0.1, totalReturn: 0.1, maxDrawdown: -0.1 }));
    const { executor } = harness({ llm: new ScriptedLlm([{ code: GOOD }], false), generator, backtest });
    const records = [];
    for (let i = 0; i < 5; i += 1) records.push((await executor.execute(i)).record);
    const parents = generator.inputs.map((input) => input.champion?.strategyId ?? null);
    expect(parents).toEqual([null, records[0]?.strategyId, records[1]?.strategyId, records[1]?.strategyId, records[3]?.strategyId]);
    expect(generator.inputs[4]?.champion?.version).toBe(1);
    expect(generator.inputs[1]?.champion?.version).toBe(0);
  });
});

describe('IterationExecutor: honest selection', () => {
  const codes = (n: number) => Array.from({ length: n }, (_, i) => ({ code: `${GOOD}\n// variant ${i}` }));

  it('promotes on the robust fold score: a Sharpe earned in one lucky fold is not enough', async () => {
    const lucky = (code: string) => code.includes('variant 1');
    const backtest = new ScriptedBacktest(
      (code) => ({ sharpe: lucky(code) ? 1.4 : 1, totalReturn: 0.9, maxDrawdown: -0.2, calmar: 0.5 }),
      () => null,
      (code) => (lucky(code) ? [0.1, 0.1, 0.1, 5.3] : [1, 1, 1, 1]),
    );
    const { executor } = harness({ llm: new ScriptedLlm(codes(2)), backtest });
    expect((await executor.execute(0)).record.championUpdated).toBe(true);
    const { record } = await executor.execute(5);
    expect(record.metrics.sharpe).toBe(1.4);
    expect(record.championUpdated).toBe(false);
    expect(record.evidence?.score).toBeCloseTo(1.4 - 0.5 * 2.6, 10);
    expect(record.championDecision).toEqual({
      replace: false,
      rule: null,
      reasons: ['robust score 0.1000 below both bars: 1.0500 (+5%) and 1.0200 (+0.02)'],
    });
  });

  it('measures the holdout of a promoted strategy only, once, and keeps it out of everything the search sees', async () => {
    const backtest = new ScriptedBacktest(
      (code) => ({ sharpe: code.includes('variant 0') ? 1 : 0.9, totalReturn: 0.5, maxDrawdown: -0.2, calmar: 0.4 }),
      () => ({ sharpe: 7.777, totalReturn: 0.31, maxDrawdown: -0.1 }),
    );
    const llm = new ScriptedLlm(codes(3));
    const { executor, store } = harness({ llm, backtest });
    const first = (await executor.execute(0)).record;
    expect(first.championUpdated).toBe(true);
    expect(first.holdoutMetrics?.sharpe).toBe(7.777);
    expect(first.championDecision?.reasons).toEqual(['first champion: Sharpe 1.0000 > 0.5, robust score 1.0000 > 0']);
    const champion = (await store.get('test-run'))._unsafeUnwrap();
    expect(champion?.holdout?.sharpe).toBe(7.777);
    expect(champion?.evidence?.score).toBe(1);
    const second = (await executor.execute(1)).record;
    expect(second.championUpdated).toBe(false);
    expect(second.holdoutMetrics).toBeNull();
    await executor.execute(2);
    expect(backtest.requests.filter((r) => r.holdout === true)).toHaveLength(1);
    // the champion and the first record carry 7.777; no prompt input, no feedback may
    const seen = JSON.stringify(llm.inputs);
    expect(seen).not.toContain('7.777');
    expect(seen).toContain('"holdout":null');
    expect(llm.inputs[2]?.recent.every((r) => r.holdoutMetrics === null)).toBe(true);
  });

  it('does not backtest a strategy the run has measured: an LLM repeat is a duplicate, not a trial', async () => {
    const backtest = profitableBacktest();
    const { executor } = harness({ llm: new ScriptedLlm([{ code: GOOD }]), backtest });
    await executor.execute(0);
    const { record } = await executor.execute(1);
    expect(record.level).toBe(0);
    expect(record.error).toMatchObject({ category: 'duplicate', step: 'backtest' });
    expect(record.evidence).toBeNull();
    const inSample = backtest.requests.filter((r) => r.holdout !== true);
    expect(inSample).toHaveLength(2);
    expect(inSample[1]?.measured?.has(hashId(GOOD))).toBe(true);
  });

  it('knows the strategies of a resumed run from storage', async () => {
    const backtest = profitableBacktest();
    const first = harness({ llm: new ScriptedLlm([{ code: GOOD }]), backtest });
    await first.executor.execute(0);
    const resumed = harness({ llm: new ScriptedLlm([{ code: GOOD }]), backtest, store: first.store });
    expect((await resumed.executor.execute(1)).record.error?.category).toBe('duplicate');
  });

  it('asks the factor graph again while it proposes measured strategies, and gives up after the bound', async () => {
    let calls = 0;
    const repeating = {
      generate: () => {
        calls += 1;
        const code = calls <= 3 || calls > 4 ? '// a' : '// b';
        return okAsync({ code, strategyId: hashId(code), parentId: null, operator: 'template', generation: 0 });
      },
    };
    const backtest = new ScriptedBacktest(() => ({ sharpe: 0.2, totalReturn: 0.1, maxDrawdown: -0.2 }));
    const { executor } = harness({ llm: new ScriptedLlm([], false), backtest, generator: repeating, config: { maxDuplicateAttempts: 5 } });
    const first = (await executor.execute(0)).record; // call 1: aaaa… (new)
    expect(first.strategyId).not.toBeNull();
    expect(first.error).toBeNull();
    const second = (await executor.execute(1)).record; // calls 2–3 aaaa… repeat, call 4 bbbb… new
    expect(second.error).toBeNull();
    expect(calls).toBe(4);
    const third = (await executor.execute(2)).record; // calls 5–9: aaaa… every time
    expect(third.error).toEqual({
      category: 'duplicate',
      message: 'the factor graph proposed 5 strategies in a row that this run has already measured; none was backtested again',
      step: 'generate',
    });
    expect(calls).toBe(9);
  });
});

function profitableBacktest(): ScriptedBacktest {
  return new ScriptedBacktest(() => ({ sharpe: 1.2, totalReturn: 0.5, maxDrawdown: -0.2, calmar: 0.4 }));
}
