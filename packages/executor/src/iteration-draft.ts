import {
  EMPTY_METRICS,
  type ArchiveDecision,
  type ArchiveElite,
  type SearchStep,
  type StrategyTraits,
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
  /** The mate of a crossover. */
  readonly mateId: string | null;
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
  /** The search step: how the parent was chosen, the parent and mate elites, what the backtest measured of behaviour. */
  parentChoice: SearchStep['parentChoice'] = 'template';
  parentElite: ArchiveElite | null = null;
  mateElite: ArchiveElite | null = null;
  traits: StrategyTraits | null = null;
  cell: string | null = null;
  dailyReturns: Float64Array | null = null;
  archiveDecision: ArchiveDecision | null = null;
  /** The search had stagnated when this iteration chose its parent. */
  stagnating = false;
  stopReason: string | null = null;
  /** The run's archive (read in step 1; empty without the archive search). */
  elites: readonly ArchiveElite[] = [];
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
      search: this.searchStep(error),
      feedbackUsed: this.feedback?.text ?? '',
      timings: { ...this.timings } satisfies StepTimings,
      llmUsage: this.llmUsage,
      timestamp,
    };
  }

  private searchStep(error: IterationError | null): SearchStep | null {
    if (this.candidate === null) return null;
    return {
      cell: error === null ? this.cell : null,
      family: error === null ? (this.traits?.family ?? null) : null,
      parentCell: this.parentElite?.cell ?? null,
      mateId: this.candidate.mateId,
      parentChoice: this.parentChoice,
      archive: error === null ? this.archiveDecision : null,
    };
  }
}
