import { EMPTY_METRICS, type IterationRecord } from '@alphaloop/domain';
import type { LlmError, LlmPort, LlmProposal } from '@alphaloop/ports';
import { sampleRecord } from '@alphaloop/ports/contracts';
import { InMemoryHistory } from '@alphaloop/ports/test-doubles';
import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetedLlm, LlmBudget, type LlmAdapter } from '../src/index.js';
import { startFakeLlmServer, type FakeLlmServer } from './fake-llm-server.js';
import { BAD_CODE, GOOD_CODE, harness, js, promptInput } from './support.js';

const usage = (costUsd: number, tokens: number) => ({
  model: 'openai:gpt-4o-mini',
  tokensIn: tokens,
  tokensOut: 0,
  costUsd,
  cached: false,
  attempts: 1,
  latencyMs: 1,
});

describe('LlmBudget', () => {
  it('has no caps by default', () => {
    const budget = new LlmBudget();
    budget.record(usage(1_000, 1e9));
    expect(budget.check()).toBeNull();
  });

  it('maxCostUsd: reached at the cap, with a message naming the cap and what was spent', () => {
    const budget = new LlmBudget({ maxCostUsd: 0.01 });
    budget.record(usage(0.006, 100));
    expect(budget.check()).toBeNull();
    expect(budget.wouldExceed(0.004, 0)).toBe(true);
    budget.record(usage(0.004, 100));
    expect(budget.check()).toEqual({
      kind: 'llm_budget_exceeded',
      message: 'LLM budget reached: $0.0100 spent of maxCostUsd $0.0100 (200 tokens); the run stops here',
    });
  });

  it('maxTokens counts tokens in and out', () => {
    const budget = new LlmBudget({ maxTokens: 1_000 });
    budget.record({ ...usage(0, 600), tokensOut: 399 });
    expect(budget.check()).toBeNull();
    budget.record({ ...usage(0, 0), tokensOut: 1 });
    expect(budget.check()?.message).toContain('1000 tokens used of maxTokens 1000');
  });

  it('a resumed run starts from what it already spent', () => {
    const budget = new LlmBudget({ maxCostUsd: 1 }, { costUsd: 1.5 });
    expect(budget.check()?.kind).toBe('llm_budget_exceeded');
    expect(budget.totals()).toMatchObject({ costUsd: 1.5, calls: 0 });
  });
});

class CountingLlm implements LlmPort {
  readonly configured = true;
  readonly model = 'openai:gpt-4o-mini';
  calls = 0;
  constructor(private readonly outcome: LlmError | null) {}

  proposeStrategy(): ResultAsync<LlmProposal, LlmError> {
    this.calls += 1;
    if (this.outcome !== null) return errAsync(this.outcome);
    return okAsync({ code: 'return 1;', usage: usage(0.4, 10) });
  }
}

describe('BudgetedLlm', () => {
  it('once the cap is reached, answers llm_budget_exceeded without calling the model', async () => {
    const inner = new CountingLlm(null);
    const llm = new BudgetedLlm(inner, new LlmBudget({ maxCostUsd: 1 }));
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const result = await llm.proposeStrategy(promptInput());
      outcomes.push(result.isOk() ? 'ok' : result.error.kind);
    }
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'llm_budget_exceeded', 'llm_budget_exceeded']);
    expect(inner.calls).toBe(3);
  });

  it('books the usage of failed iterations too', async () => {
    const inner = new CountingLlm({ kind: 'llm_invalid_strategy', message: 'x', usage: usage(0.7, 10) });
    const budget = new LlmBudget({ maxCostUsd: 1 });
    const llm = new BudgetedLlm(inner, budget);
    await llm.proposeStrategy(promptInput());
    await llm.proposeStrategy(promptInput());
    expect((await llm.proposeStrategy(promptInput()))._unsafeUnwrapErr().kind).toBe('llm_budget_exceeded');
    expect(budget.totals()).toMatchObject({ costUsd: 1.4, calls: 2 });
    expect(inner.calls).toBe(2);
  });
});

/**
 * The loop's side as the executor implements it (packages/executor, IterationExecutor.afterLlmFailure and
 * LearningLoop): every iteration stores a record — with the LLM usage of proposals and of failures — and an
 * `llm_budget_exceeded` answer finishes that iteration without the LLM, stores it, and stops the run.
 */
async function runLoop(llm: LlmAdapter, history: InMemoryHistory, runId: string, maxIterations: number): Promise<string | null> {
  for (let n = 0; n < maxIterations; n += 1) {
    const iteration = (await history.allocateIteration(runId))._unsafeUnwrap();
    const result = await llm.proposeStrategy(promptInput({ runId, iteration }));
    let record: IterationRecord;
    let stop: string | null = null;
    if (result.isOk()) {
      record = sampleRecord({ runId, iteration, source: 'llm', strategyCode: result.value.code, llmUsage: result.value.usage });
    } else if (result.error.kind === 'llm_budget_exceeded') {
      stop = result.error.message; // finish this iteration with the factor graph, then stop
      record = sampleRecord({ runId, iteration, source: 'factor_graph', llmUsage: null });
    } else {
      const failure = result.error;
      record = sampleRecord({
        runId,
        iteration,
        source: 'llm',
        strategyCode: null,
        metrics: EMPTY_METRICS,
        level: 0,
        error: { category: 'llm', message: failure.message, step: 'generate' },
        llmUsage: 'usage' in failure && failure.usage !== undefined ? failure.usage : null,
      });
    }
    (await history.append(record))._unsafeUnwrap();
    if (stop !== null) return stop;
  }
  return null;
}

describe('a budget cap stops a run between iterations (real SDK, local server)', () => {
  let server: FakeLlmServer;
  beforeAll(async () => {
    server = await startFakeLlmServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('maxCostUsd: stops after the iteration that reached it, with a stored, complete history', async () => {
    // gpt-4o-mini: 1000 in × $0.15/M + 200 out × $0.60/M = $0.00027 per call
    server.script({ type: 'text', text: js(GOOD_CODE), tokensIn: 1000, tokensOut: 200 });
    const { llm } = harness(server, 'openai', { maxCostUsd: 0.001 });
    const history = new InMemoryHistory();
    const stop = await runLoop(llm, history, 'budget-run', 50);

    expect(stop).toMatch(/^LLM budget reached: \$0\.0011 spent of maxCostUsd \$0\.0010/);
    const records = (await history.page('budget-run', { offset: 0, limit: 100 }))._unsafeUnwrap();
    expect(records.map((r) => r.iteration)).toEqual([0, 1, 2, 3, 4]); // no gap, nothing lost
    expect(records.slice(0, 4).every((r) => r.source === 'llm' && r.llmUsage?.costUsd === 0.00027)).toBe(true);
    expect(records[4]).toMatchObject({ source: 'factor_graph', llmUsage: null });
    expect(server.requests).toHaveLength(4); // the stopping iteration never called the model
    const recorded = records.reduce((sum, r) => sum + (r.llmUsage?.costUsd ?? 0), 0);
    expect(recorded).toBeCloseTo(llm.budget.totals().costUsd, 12); // the ledger equals the history
  });

  it('maxTokens: failed iterations count, and their usage is in their records', async () => {
    server.script({ type: 'text', text: js(BAD_CODE), tokensIn: 500, tokensOut: 100 });
    const { llm } = harness(server, 'anthropic', { maxTokens: 4_000 });
    const history = new InMemoryHistory();
    const stop = await runLoop(llm, history, 'token-run', 50);

    expect(stop).toContain('tokens used of maxTokens 4000');
    const records = (await history.page('token-run', { offset: 0, limit: 100 }))._unsafeUnwrap();
    // iteration 0: 3 attempts = 1800 tokens; iteration 1: 3 more = 3600; iteration 2: the first attempt
    // reaches 4200 and no retry starts; iteration 3 stops the run
    expect(records.map((r) => [r.iteration, r.llmUsage?.attempts ?? null, r.error?.category ?? null])).toEqual([
      [0, 3, 'llm'],
      [1, 3, 'llm'],
      [2, 1, 'llm'],
      [3, null, null],
    ]);
    expect(records[2]?.error?.message).toContain("no retry: the run's LLM budget is reached");
    expect(server.requests).toHaveLength(7);
  });
});
