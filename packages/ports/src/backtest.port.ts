import type { ResultAsync } from 'neverthrow';
import type { FoldSharpe, ReturnProfile, StrategyMetrics, StrategyTraits } from '@alphaloop/domain';

export interface BacktestRequest {
  readonly code: string;
  /**
   * Measure the locked holdout too. The loop asks only for a strategy its policy has just promoted (each such
   * request is one look at the holdout); every other backtest sees the in-sample period only.
   */
  readonly holdout?: boolean;
  /** Return the in-sample daily returns (for the archive's novelty test and `alphaloop validate`); omitted otherwise. */
  readonly dailyReturns?: boolean;
  /**
   * Strategy ids already measured in this run: a strategy with one of them is not backtested again, the answer is
   * `backtest_duplicate` (checked after compiling, before any computation).
   */
  readonly measured?: ReadonlySet<string>;
}

/** What a fill cost in this backtest, and who decided it. */
export interface BacktestCosts {
  readonly feeRatio: number;
  readonly taxRatio: number;
  /** 'strategy' when a hand-written strategy's own fee or tax was honoured (never in a run). */
  readonly setBy: 'run' | 'strategy';
}

export interface BacktestOutcome {
  /** Stable id of the strategy (hash of its canonical form). */
  readonly strategyId: string;
  readonly canonicalCode: string;
  /** In-sample metrics (the whole range when the run has no holdout). */
  readonly metrics: StrategyMetrics;
  /** The in-sample period cut into the run's contiguous folds, each with its Sharpe. */
  readonly folds: readonly FoldSharpe[];
  /** Shape of the in-sample daily excess returns (null when there are fewer than two). */
  readonly profile: ReturnProfile | null;
  /** In-sample calendar-month returns, oldest first. */
  readonly monthlyReturns: readonly number[];
  /** Holdout metrics: only when the request asked for them and the run has a holdout; null otherwise. */
  readonly holdoutMetrics: StrategyMetrics | null;
  /** In-sample daily returns, when the request asked for them. */
  readonly dailyReturns: Float64Array | null;
  /** Behaviour besides the metrics (factor family, mean holdings), for the archive's cells. */
  readonly traits: StrategyTraits;
  readonly costs: BacktestCosts;
}

export type BacktestError =
  /** The strategy does not parse, validate or type-check; the message names line and column. */
  | { readonly kind: 'backtest_invalid_strategy'; readonly message: string }
  /** The strategy was measured earlier in the run; it is not measured again. */
  | { readonly kind: 'backtest_duplicate'; readonly message: string; readonly strategyId: string }
  | { readonly kind: 'backtest_data_missing'; readonly message: string }
  | { readonly kind: 'backtest_calculation'; readonly message: string }
  | { readonly kind: 'backtest_timeout'; readonly message: string; readonly limitMs: number }
  | { readonly kind: 'backtest_out_of_memory'; readonly message: string }
  | { readonly kind: 'backtest_internal'; readonly message: string };

export interface BacktestPort {
  run(request: BacktestRequest): ResultAsync<BacktestOutcome, BacktestError>;
}
