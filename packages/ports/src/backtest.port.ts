import type { ResultAsync } from 'neverthrow';
import type { StrategyMetrics } from '@alphaloop/domain';

export interface BacktestRequest {
  readonly code: string;
}

export interface BacktestOutcome {
  /** Stable id of the strategy (hash of its canonical form). */
  readonly strategyId: string;
  readonly canonicalCode: string;
  /** In-sample metrics (the whole range when no split date is configured). */
  readonly metrics: StrategyMetrics;
  readonly holdoutMetrics: StrategyMetrics | null;
}

export type BacktestError =
  /** The strategy does not parse, validate or type-check; the message names line and column. */
  | { readonly kind: 'backtest_invalid_strategy'; readonly message: string }
  | { readonly kind: 'backtest_data_missing'; readonly message: string }
  | { readonly kind: 'backtest_calculation'; readonly message: string }
  | { readonly kind: 'backtest_timeout'; readonly message: string; readonly limitMs: number }
  | { readonly kind: 'backtest_out_of_memory'; readonly message: string }
  | { readonly kind: 'backtest_internal'; readonly message: string };

export interface BacktestPort {
  run(request: BacktestRequest): ResultAsync<BacktestOutcome, BacktestError>;
}
