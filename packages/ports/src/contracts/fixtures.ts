import {
  EMPTY_METRICS,
  metricsFrom,
  robustScore,
  type ArchiveElite,
  type Champion,
  type ChampionDecision,
  type FoldSharpe,
  type IterationRecord,
  type RunProtocol,
  type SearchStep,
  type RunValidation,
  type SelectionEvidence,
} from '@alphaloop/domain';

const SAMPLE_FOLDS: readonly FoldSharpe[] = [
  { start: '2019-01-02', end: '2020-06-30', sharpe: 1.1 },
  { start: '2020-07-01', end: '2021-12-30', sharpe: 1.42 },
  { start: '2021-12-31', end: '2023-06-30', sharpe: null },
  { start: '2023-07-03', end: '2024-12-31', sharpe: 1.31 },
];

/** In-sample selection evidence (four folds, one without a Sharpe); the score is the folds' `robustScore`. */
export function sampleEvidence(overrides: Partial<SelectionEvidence> = {}): SelectionEvidence {
  const folds = overrides.folds ?? SAMPLE_FOLDS;
  return {
    folds,
    score: robustScore(folds),
    profile: { observations: 1487, sharpe: 0.0787, skewness: -0.31, kurtosis: 4.25 },
    monthlyReturns: [0.012, -0.034, 0.0071, 0.051, -0.0025],
    suspicious: [],
    ...overrides,
  };
}

/** The policy's answer for a challenger it did not promote. */
export function sampleDecision(overrides: Partial<ChampionDecision> = {}): ChampionDecision {
  return {
    replace: false,
    rule: null,
    reasons: ['robust score 0.4493 below both bars: 0.9900 (+10%, probation) and 0.9200 (+0.02)'],
    ...overrides,
  };
}

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
    evidence: sampleEvidence(),
    level: 3,
    error: null,
    championUpdated: false,
    championDecision: sampleDecision(),
    search: sampleSearch(),
    feedbackUsed: 'Starting iteration 0. No previous history yet. 動能策略',
    timings: { load_history: 0.4, backtest: 12.5 },
    llmUsage: null,
    timestamp: '2026-11-25T10:00:00.000Z',
    ...overrides,
  };
}

/** A record of an iteration that failed before a backtest: no metrics, no evidence, no champion decision. */
export function sampleFailureRecord(overrides: Partial<IterationRecord> = {}): IterationRecord {
  return sampleRecord({
    source: 'llm',
    strategyCode: null,
    strategyId: null,
    mutationOperator: null,
    generation: null,
    metrics: EMPTY_METRICS,
    evidence: null,
    level: 0,
    error: { category: 'llm', message: 'HTTP 500 from the model (key sk-****)', step: 'generate' },
    championDecision: null,
    search: null,
    llmUsage: { model: 'openai:gpt-test', tokensIn: 900, tokensOut: 0, costUsd: 0.0012, cached: false, attempts: 3, latencyMs: 3100 },
    ...overrides,
  });
}

/** A champion as the search sees it (evidence, no holdout); pass `holdout` for one measured on the holdout. */
export function sampleChampion(overrides: Partial<Champion> = {}): Champion {
  return {
    runId: 'contract-run',
    strategyId: 'feedfacecafebeef',
    code: "const close = data.get('price:close');\nreturn close.isLargest(5);",
    source: 'factor_graph',
    metrics: metricsFrom({ sharpe: 0.9, totalReturn: 0.3, maxDrawdown: -0.2, calmar: 0.3 }),
    evidence: sampleEvidence({
      folds: [
        { start: '2019-01-02', end: '2021-12-30', sharpe: 0.95 },
        { start: '2021-12-31', end: '2024-12-31', sharpe: 0.85 },
      ],
    }),
    holdout: null,
    iteration: 0,
    version: 1,
    ...overrides,
  };
}

/** The settings a run was started with (a holdout from 2025; pass `holdoutStart: null` for a run without one). */
export function sampleProtocol(overrides: Partial<RunProtocol> = {}): RunProtocol {
  return {
    dataVersion: 'synthetic-tw-v3:seed=7:2019-01-02..2025-12-31',
    seed: 42,
    inSampleStart: '2019-01-02',
    inSampleEnd: '2024-12-31',
    holdoutStart: '2025-01-02',
    folds: 4,
    feeRatio: 0.001425,
    taxRatio: 0.003,
    riskFreeRate: 0.015,
    ...overrides,
  };
}

/** An `alphaloop validate` outcome. */
export function sampleValidation(overrides: Partial<RunValidation> = {}): RunValidation {
  return {
    runId: 'contract-run',
    createdAt: '2026-11-25T12:00:00.000Z',
    strategyIds: ['a1b2c3d4e5f60718', 'feedfacecafebeef', '00000000000000aa'],
    blocks: 16,
    splitCount: 12870,
    observations: 1487,
    pbo: 0.3125,
    degradationSlope: -0.4172,
    degradationIntercept: 0.0931,
    probabilityOfLoss: 0.2244,
    ...overrides,
  };
}

/** A search step: a crossover placed in a new cell (every field set, for round-trips). */
export function sampleSearch(overrides: Partial<SearchStep> = {}): SearchStep {
  return {
    cell: 'momentum/16-40/monthly',
    family: 'momentum',
    parentCell: 'value/6-15/quarterly',
    mateId: 'f00dfeedc0ffee12',
    parentChoice: 'archive',
    archive: { kind: 'inserted', cell: 'momentum/16-40/monthly', correlation: { elite: null, parent: 0.4375 }, reason: 'new cell momentum/16-40/monthly: score 0.8100' },
    ...overrides,
  };
}

/** An archive elite with daily returns that need full precision (and a negative zero) to round-trip. */
export function sampleElite(overrides: Partial<ArchiveElite> = {}): ArchiveElite {
  return {
    cell: 'momentum/16-40/monthly',
    strategyId: 'a1b2c3d4e5f60718',
    code: "const close = data.get('price:close');\nreturn close.isLargest(20);",
    source: 'factor_graph',
    metrics: metricsFrom({ sharpe: 1.25, totalReturn: 0.42, cagr: 0.08, maxDrawdown: -0.18, calmar: 0.44, trades: 120, turnover: 4.5 }),
    evidence: sampleEvidence(),
    traits: { family: 'momentum', averageHoldings: 19.75 },
    dailyReturns: Float64Array.from([0, 0.0123456789012345, -0.00987654321, 1 / 3, -0, 1e-300]),
    iteration: 7,
    children: 0,
    ...overrides,
  };
}
