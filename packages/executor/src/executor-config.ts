import {
  DEFAULT_ARCHIVE_POLICY,
  DEFAULT_CHAMPION_POLICY,
  DEFAULT_SANITY_BOUNDS,
  DEFAULT_SOURCE_POLICY,
  DEFAULT_STALENESS_POLICY,
  type ArchivePolicy,
  type ChampionPolicy,
  type SanityBounds,
  type SourcePolicy,
  type StalenessPolicy,
} from '@alphaloop/domain';

export interface ExecutorConfig {
  readonly runId: string;
  /** Records the feedback and the LLM prompt look back on. */
  readonly historyWindow: number;
  readonly source: SourcePolicy;
  readonly champion: ChampionPolicy;
  readonly staleness: StalenessPolicy;
  readonly sanity: SanityBounds;
  /** How often a save re-decides after losing a champion compare-and-set to another writer. */
  readonly maxChampionConflictRetries: number;
  /** The run has a locked holdout: a promoted strategy is measured on it once (one look). */
  readonly holdout: boolean;
  /** How many strategies the factor graph may propose in one iteration before giving up on finding an unmeasured one. */
  readonly maxDuplicateAttempts: number;
  /**
   * Where the factor graph starts from: `archive` (parents drawn from the run's quality-diversity archive, crossover,
   * exploration after stagnation) or `champion` (always the champion, the search before the archive existed).
   */
  readonly search: 'archive' | 'champion';
  readonly archive: ArchivePolicy;
  /**
   * A number claimed on another machine (whose process cannot be asked) and still without a record after this long
   * is taken as interrupted (default 6 h: far longer than an iteration runs, LLM retries and backtest limits included).
   */
  readonly interruptedAfterMs: number;
}

export function executorConfig(overrides: Partial<ExecutorConfig> & { readonly runId: string }): ExecutorConfig {
  return {
    historyWindow: 5,
    source: DEFAULT_SOURCE_POLICY,
    champion: DEFAULT_CHAMPION_POLICY,
    staleness: DEFAULT_STALENESS_POLICY,
    sanity: DEFAULT_SANITY_BOUNDS,
    maxChampionConflictRetries: 5,
    holdout: true,
    maxDuplicateAttempts: 100,
    search: 'archive',
    archive: DEFAULT_ARCHIVE_POLICY,
    interruptedAfterMs: 6 * 60 * 60 * 1000,
    ...overrides,
  };
}

/** Tokens of the executor's own injectables (the ports' tokens live in @alphaloop/ports). */
export const EXECUTOR_TOKENS = {
  Config: Symbol.for('alphaloop.executor.Config'),
  HistoryCache: Symbol.for('alphaloop.executor.HistoryCache'),
  MeasuredStrategies: Symbol.for('alphaloop.executor.MeasuredStrategies'),
  RunArchive: Symbol.for('alphaloop.executor.RunArchive'),
  InterruptedIterations: Symbol.for('alphaloop.executor.InterruptedIterations'),
  IterationExecutor: Symbol.for('alphaloop.executor.IterationExecutor'),
  LearningLoop: Symbol.for('alphaloop.executor.LearningLoop'),
} as const;
