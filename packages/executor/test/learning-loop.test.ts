import { describe, expect, it } from 'vitest';
import { InMemoryHistory, ScriptedLlm } from '@alphaloop/ports/test-doubles';
import { EXECUTOR_TOKENS, HISTORY_CACHE_CAPACITY, type HistoryCache, type LoopEvent } from '../src/index.js';
import { harness } from './harness.js';

const GOOD = "const close = data.get('price:close');\nreturn close.isLargest(10);";

describe('LearningLoop', () => {
  it('runs N iterations with progress events and a summary', async () => {
    const { loop } = harness({ llm: new ScriptedLlm([0, 1, 2, 3].map((i) => ({ code: `${GOOD}\n// ${i}` }))) });
    const events: LoopEvent[] = [];
    const summary = await loop.run({ iterations: 4, onEvent: (e) => events.push(e) });
    expect(events.map((e) => e.type)).toEqual(['started', 'iteration', 'iteration', 'iteration', 'iteration', 'finished']);
    const last = events[4];
    expect(last?.type === 'iteration' && last.index === 4 && last.planned === 4 && last.etaMs === 0).toBe(true);
    expect(summary).toMatchObject({ iterationsRun: 4, firstIteration: 0, lastIteration: 3, stopReason: 'completed', championChanges: 1 });
    expect(summary.levels[3]).toBe(4);
    expect(summary.champion?.version).toBe(1);
    expect(summary.llmCostUsd).toBeCloseTo(0.004, 10);
  });

  it('resumes numbering from storage', async () => {
    const store = new InMemoryHistory();
    await harness({ llm: new ScriptedLlm([{ code: GOOD }]), store }).loop.run({ iterations: 3 });
    const summary = await harness({ llm: new ScriptedLlm([{ code: GOOD }]), store }).loop.run({ iterations: 2 });
    expect([summary.firstIteration, summary.lastIteration]).toEqual([3, 4]);
    expect((await store.page('test-run', { offset: 0, limit: 10 }))._unsafeUnwrap().map((r) => r.iteration)).toEqual([0, 1, 2, 3, 4]);
  });

  it('records a number whose process died before storing it as level 0 interrupted on the next start, leaving running ones alone', async () => {
    const store = new InMemoryHistory();
    await harness({ llm: new ScriptedLlm([0, 1].map((i) => ({ code: `${GOOD}\n// ${i}` }))), store }).loop.run({ iterations: 2 });
    // a process claims 2 and 3 and is killed before storing either; 4 is claimed by a worker that still runs
    (await store.allocateIteration('test-run'))._unsafeUnwrap();
    (await store.allocateIteration('test-run'))._unsafeUnwrap();
    store.abandonClaims('test-run');
    (await store.allocateIteration('test-run'))._unsafeUnwrap();
    const events: LoopEvent[] = [];
    const summary = await harness({ llm: new ScriptedLlm([{ code: `${GOOD}\n// after` }]), store }).loop.run({ iterations: 1, onEvent: (e) => events.push(e) });
    expect(events.map((e) => e.type)).toEqual(['started', 'recovered', 'iteration', 'finished']);
    expect(events[1]).toEqual({ type: 'recovered', iterations: [2, 3] });
    expect([summary.firstIteration, summary.lastIteration]).toEqual([5, 5]);
    const records = (await store.page('test-run', { offset: 0, limit: 10 }))._unsafeUnwrap();
    expect(records.map((r) => [r.iteration, r.level, r.error?.category ?? null])).toEqual([
      [0, 3, null],
      [1, 3, null],
      [2, 0, 'interrupted'],
      [3, 0, 'interrupted'],
      [5, 3, null],
    ]);
    expect(records[2]).toMatchObject({ source: 'llm', strategyId: null, error: { step: 'save', message: expect.stringContaining('stopped (killed or crashed) before storing it') } });
    // the feedback of the iteration after them is about the last measured strategy, not about the interruption
    expect(records[4]?.feedbackUsed).toContain('iteration 1');
    expect((await store.unfinished('test-run'))._unsafeUnwrap().map((u) => u.iteration)).toEqual([4]);
  });

  it('stops after the current iteration when the signal aborts', async () => {
    const controller = new AbortController();
    const { loop } = harness({ llm: new ScriptedLlm([{ code: GOOD }]) });
    const summary = await loop.run({
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'iteration' && e.index === 2) controller.abort();
      },
    });
    expect(summary).toMatchObject({ iterationsRun: 2, stopReason: 'aborted' });
  });

  it('stops cleanly when the LLM budget is spent, with that iteration stored', async () => {
    const llm = new ScriptedLlm([{ code: GOOD }, { error: { kind: 'llm_budget_exceeded', message: 'maxCostUsd 0.50 reached' } }]);
    const { loop, store } = harness({ llm });
    const summary = await loop.run({ iterations: 10 });
    expect(summary).toMatchObject({ iterationsRun: 2, stopReason: 'budget', stopMessage: 'maxCostUsd 0.50 reached' });
    const records = (await store.page('test-run', { offset: 0, limit: 10 }))._unsafeUnwrap();
    expect(records.map((r) => [r.source, r.level])).toEqual([
      ['llm', 3],
      ['factor_graph', 3],
    ]);
  });

  it('stops when storage refuses a record, saying why', async () => {
    const store = new InMemoryHistory();
    store.append = () => {
      throw new Error('database is read-only');
    };
    const { loop } = harness({ llm: new ScriptedLlm([{ code: GOOD }]), store });
    const summary = await loop.run({ iterations: 5 });
    expect(summary).toMatchObject({ iterationsRun: 0, stopReason: 'storage_failed' });
    expect(summary.stopMessage).toContain('database is read-only');
  });
});

describe('HistoryCache', () => {
  it(`keeps the newest ${HISTORY_CACHE_CAPACITY} records without re-reading storage, and rebuilds on demand`, async () => {
    const store = new InMemoryHistory();
    const { loop, container } = harness({ llm: new ScriptedLlm([{ code: GOOD }]), store });
    let reads = 0;
    const recent = store.recent.bind(store);
    store.recent = (runId, n) => {
      reads += 1;
      return recent(runId, n);
    };
    await loop.run({ iterations: 60 });
    expect(reads).toBe(1);
    const cache = container.get<HistoryCache>(EXECUTOR_TOKENS.HistoryCache);
    const cached = (await cache.recent(100))._unsafeUnwrap();
    expect(cached.map((r) => r.iteration)).toEqual(Array.from({ length: 50 }, (_, i) => i + 10));
    await cache.rebuild();
    expect(reads).toBe(2);
  });
});
