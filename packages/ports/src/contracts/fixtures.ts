import { EMPTY_METRICS, metricsFrom, type Champion, type IterationRecord } from '@alphaloop/domain';

/** A complete, valid record for contract tests; override what the test is about. */
export function sampleRecord(overrides: Partial<IterationRecord> = {}): IterationRecord {
  return {
    runId: 'contract-run',
    iteration: 0,
    source: 'factor_graph',
    strategyCode: "const close = data.get('price:close');\nreturn close.isLargest(10);",
    strategyId: 'a1b2c3d4e5f60718',
    parentId: null,
    mutationOperator: 'template',
    generation: 0,
    metrics: metricsFrom({ sharpe: 1.25, totalReturn: 0.42, cagr: 0.08, maxDrawdown: -0.18, calmar: 0.44, trades: 120 }),
    holdoutMetrics: null,
    level: 3,
    error: null,
    championUpdated: false,
    feedbackUsed: 'Starting iteration 0. No previous history yet. 動能策略',
    timings: { load_history: 0.4, backtest: 12.5 },
    llmUsage: null,
    timestamp: '2026-11-25T10:00:00.000Z',
    ...overrides,
  };
}

export function sampleFailureRecord(overrides: Partial<IterationRecord> = {}): IterationRecord {
  return sampleRecord({
    source: 'llm',
    strategyCode: null,
    strategyId: null,
    mutationOperator: null,
    generation: null,
    metrics: EMPTY_METRICS,
    level: 0,
    error: { category: 'llm', message: 'HTTP 500 from the model (key sk-****)', step: 'generate' },
    llmUsage: { model: 'openai:gpt-test', tokensIn: 900, tokensOut: 0, costUsd: 0.0012, cached: false, attempts: 3, latencyMs: 3100 },
    ...overrides,
  });
}

export function sampleChampion(overrides: Partial<Champion> = {}): Champion {
  return {
    runId: 'contract-run',
    strategyId: 'feedfacecafebeef',
    code: "const close = data.get('price:close');\nreturn close.isLargest(5);",
    source: 'factor_graph',
    metrics: metricsFrom({ sharpe: 0.9, totalReturn: 0.3, maxDrawdown: -0.2, calmar: 0.3 }),
    iteration: 0,
    version: 1,
    ...overrides,
  };
}
