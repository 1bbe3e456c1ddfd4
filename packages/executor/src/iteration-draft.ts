import {
  EMPTY_METRICS,
  type Champion,
  type ChampionDecision,
  type Feedback,
  type SelectionEvidence,
  type IterationError,
  type IterationRecord,
  type IterationStep,
  type LlmUsage,
  type SourceDecision,
  type StepTimings,
  type StrategyMetrics,
  type StrategySource,
  type SuccessLevel,
} from '@alphaloop/domain';

/** A strategy produced in step 4, from either source. */
export interface Candidate {
  readonly source: StrategySource;
  readonly code: string;
  readonly strategyId: string | null;
  readonly parentId: string | null;
  readonly operator: string | null;
  readonly generation: number | null;
}

/** What is known about an iteration so far; a failure at any step becomes a record from this. */
export class IterationDraft {
  readonly timings: Partial<Record<IterationStep, number>> = {};
  recent: readonly IterationRecord[] = [];
  champion: Champion | null = null;
  feedback: Feedback | null = null;
  sourceDecision: SourceDecision | null = null;
  source: StrategySource = 'factor_graph';
  candidate: Candidate | null = null;
  llmUsage: LlmUsage | null = null;
  strategyId: string | null = null;
  canonicalCode: string | null = null;
  metrics: StrategyMetrics = EMPTY_METRICS;
  holdoutMetrics: StrategyMetrics | null = null;
  evidence: SelectionEvidence | null = null;
  level: SuccessLevel = 0;
  championDecision: ChampionDecision | null = null;
  stopReason: string | null = null;
  /** Strategy ids the run has measured (read in step 1). */
  measured: ReadonlySet<string> = new Set();
  /** The holdout was measured for this iteration's strategy (at most once, even when a conflict re-decides). */
  holdoutMeasured = false;
  /** Time the save took; not part of the record, which is built before it is saved. */
  saveMs = 0;

  constructor(
    readonly runId: string,
    readonly iteration: number,
  ) {}

  toRecord(error: IterationError | null, championUpdated: boolean, timestamp: string): IterationRecord {
    const candidate = this.candidate;
    return {
      runId: this.runId,
      iteration: this.iteration,
      source: this.source,
      strategyCode: this.canonicalCode ?? candidate?.code ?? null,
      strategyId: this.strategyId ?? candidate?.strategyId ?? null,
      parentId: candidate?.parentId ?? null,
      mutationOperator: candidate?.operator ?? null,
      generation: candidate?.generation ?? null,
      metrics: error === null ? this.metrics : EMPTY_METRICS,
      holdoutMetrics: error === null ? this.holdoutMetrics : null,
      evidence: error === null ? this.evidence : null,
      level: error === null ? this.level : 0,
      error,
      championUpdated,
      championDecision: error === null ? this.championDecision : null,
      feedbackUsed: this.feedback?.text ?? '',
      timings: { ...this.timings } satisfies StepTimings,
      llmUsage: this.llmUsage,
      timestamp,
    };
  }
}
