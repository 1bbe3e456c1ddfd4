import type { IterationError, IterationStep } from './errors.js';
import type { SuccessLevel } from './levels.js';
import type { StrategyMetrics } from './metrics.js';
import type { ChampionDecision } from './champion.js';
import type { SelectionEvidence } from './evidence.js';
import type { SearchStep } from './archive.js';

export type StrategySource = 'llm' | 'factor_graph';

/** What one LLM call (or the sum of one iteration's attempts) cost. */
export interface LlmUsage {
  readonly model: string;
  readonly tokensIn: number;
  readonly tokensOut: number;
  readonly costUsd: number;
  readonly cached: boolean;
  readonly attempts: number;
  readonly latencyMs: number;
}

/** Milliseconds spent in each step that ran. */
export type StepTimings = Readonly<Partial<Record<IterationStep, number>>>;

/** The stored account of one iteration — failures included. Records are appended, never rewritten. */
export interface IterationRecord {
  readonly runId: string;
  readonly iteration: number;
  readonly source: StrategySource;
  /** Canonical source of the strategy, when one was produced. */
  readonly strategyCode: string | null;
  readonly strategyId: string | null;
  readonly parentId: string | null;
  readonly mutationOperator: string | null;
  readonly generation: number | null;
  /** In-sample metrics. */
  readonly metrics: StrategyMetrics;
  /**
   * Metrics on the locked holdout: measured only for a strategy the policy promoted (each such record is one look
   * at the holdout), null otherwise and in runs without a holdout.
   */
  readonly holdoutMetrics: StrategyMetrics | null;
  /** In-sample folds, robust score, return profile and suspicious flags of a backtest that produced metrics. */
  readonly evidence: SelectionEvidence | null;
  readonly level: SuccessLevel;
  readonly error: IterationError | null;
  readonly championUpdated: boolean;
  /** Why the policy promoted the strategy or did not (null when the iteration failed before the decision). */
  readonly championDecision: ChampionDecision | null;
  /** The search step: behaviour cell, how the parent was chosen, what the archive did (null in records stored before the archive). */
  readonly search: SearchStep | null;
  readonly feedbackUsed: string;
  readonly timings: StepTimings;
  readonly llmUsage: LlmUsage | null;
  /** ISO-8601 time the record was built, from the injected clock. */
  readonly timestamp: string;
}

export function isSuccessful(record: IterationRecord): boolean {
  return record.level >= 1 && record.error === null;
}

/** The record as the search may see it (feedback, prompts, parent choice): without its holdout metrics. */
export function inSampleView(record: IterationRecord): IterationRecord {
  return record.holdoutMetrics === null ? record : { ...record, holdoutMetrics: null };
}
