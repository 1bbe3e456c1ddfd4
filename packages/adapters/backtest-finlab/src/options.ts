import { epochDayOf, isoDate } from '@alphaloop/engine';
import { err, ok, type Result } from 'neverthrow';

/** Options of a backtest adapter. Every field is optional; see `DEFAULT_BACKTEST_OPTIONS`. */
export interface BacktestOptions {
  /** Wall-clock limit of one backtest in a worker, from dispatch to reply (worker mode only). */
  readonly timeoutMs?: number;
  /**
   * Memory budget of one backtest, in MB: the worker's V8 heap limit (`resourceLimits.maxOldGenerationSizeMb`)
   * and the ceiling on the frame buffers a strategy may need at once (estimated from its graph before it runs,
   * in both modes). Typed-array memory lives outside the V8 heap, so the estimate is what guards it.
   */
  readonly memoryLimitMb?: number;
  /** Number of worker threads (worker mode only). */
  readonly workers?: number;
  /** First date of the holdout period: epoch day or ISO `YYYY-MM-DD`. Absent: no split, `holdoutMetrics` is null. */
  readonly holdoutStart?: number | string;
  /** Annual risk-free rate for Sharpe and Sortino (FinLab: 0.02). */
  readonly riskFreeRate?: number;
  /** How long a worker may take to load before it counts as failed to start (worker mode only). */
  readonly startupTimeoutMs?: number;
  /** Commission per buy and per sell (FinLab Taiwan: 0.1425 %). */
  readonly feeRatio?: number;
  /** Tax on sells (FinLab Taiwan: 0.3 %). */
  readonly taxRatio?: number;
  /**
   * Who sets fee and tax. 'run' (default, the loop): the run's, and a strategy that writes `feeRatio` or `taxRatio`
   * does not compile. 'strategy' (`alphaloop backtest` of a FinLab port): a strategy's own win, the run's fill in.
   */
  readonly costs?: 'run' | 'strategy';
  /** Contiguous in-sample folds (default 4). */
  readonly folds?: number;
}

export interface ResolvedBacktestOptions {
  readonly timeoutMs: number;
  readonly memoryLimitMb: number;
  readonly workers: number;
  /** Epoch day, or null for no split. */
  readonly holdoutStart: number | null;
  readonly riskFreeRate: number;
  readonly startupTimeoutMs: number;
  readonly feeRatio: number;
  readonly taxRatio: number;
  readonly costs: 'run' | 'strategy';
  readonly folds: number;
}

export const DEFAULT_BACKTEST_OPTIONS = {
  timeoutMs: 30_000,
  memoryLimitMb: 1024,
  workers: 1,
  riskFreeRate: 0.02,
  startupTimeoutMs: 60_000,
  feeRatio: 0.001425,
  taxRatio: 0.003,
  costs: 'run',
  folds: 4,
} as const;

/** A configuration mistake, found when the adapter is built (never during a run). */
export interface BacktestConfigError {
  readonly kind: 'backtest_config_invalid';
  readonly message: string;
}

export const configError = (message: string): BacktestConfigError => ({ kind: 'backtest_config_invalid', message });

/** Fills in defaults and checks every option; the error names the option and what it accepts. */
export function resolveBacktestOptions(options: BacktestOptions = {}): Result<ResolvedBacktestOptions, BacktestConfigError> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_BACKTEST_OPTIONS.timeoutMs;
  const memoryLimitMb = options.memoryLimitMb ?? DEFAULT_BACKTEST_OPTIONS.memoryLimitMb;
  const workers = options.workers ?? DEFAULT_BACKTEST_OPTIONS.workers;
  const riskFreeRate = options.riskFreeRate ?? DEFAULT_BACKTEST_OPTIONS.riskFreeRate;
  const startupTimeoutMs = options.startupTimeoutMs ?? DEFAULT_BACKTEST_OPTIONS.startupTimeoutMs;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) return err(configError(`timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`));
  if (!(Number.isFinite(memoryLimitMb) && memoryLimitMb > 0)) return err(configError(`memoryLimitMb must be a positive number, got ${memoryLimitMb}`));
  if (!(Number.isInteger(workers) && workers >= 1 && workers <= 64)) return err(configError(`workers must be an integer from 1 to 64, got ${workers}`));
  if (!(Number.isFinite(riskFreeRate) && riskFreeRate > -1 && riskFreeRate < 1)) return err(configError(`riskFreeRate must be a fraction in (-1, 1), got ${riskFreeRate}`));
  if (!(Number.isFinite(startupTimeoutMs) && startupTimeoutMs > 0)) return err(configError(`startupTimeoutMs must be positive, got ${startupTimeoutMs}`));
  const feeRatio = options.feeRatio ?? DEFAULT_BACKTEST_OPTIONS.feeRatio;
  const taxRatio = options.taxRatio ?? DEFAULT_BACKTEST_OPTIONS.taxRatio;
  const costs = options.costs ?? DEFAULT_BACKTEST_OPTIONS.costs;
  const folds = options.folds ?? DEFAULT_BACKTEST_OPTIONS.folds;
  // the bounds of the strategy language's own feeRatio / taxRatio options
  if (!(Number.isFinite(feeRatio) && feeRatio >= 0 && feeRatio <= 0.05)) return err(configError(`feeRatio must be a fraction in [0, 0.05] (0.001425 = 0.1425 %), got ${feeRatio}`));
  if (!(Number.isFinite(taxRatio) && taxRatio >= 0 && taxRatio <= 0.05)) return err(configError(`taxRatio must be a fraction in [0, 0.05] (0.003 = 0.3 %), got ${taxRatio}`));
  if (costs !== 'run' && costs !== 'strategy') return err(configError(`costs must be 'run' or 'strategy', got ${String(costs)}`));
  if (!(Number.isInteger(folds) && folds >= 1 && folds <= 20)) return err(configError(`folds must be an integer from 1 to 20, got ${folds}`));
  return parseHoldoutStart(options.holdoutStart).map((holdoutStart) => ({
    timeoutMs, memoryLimitMb, workers, holdoutStart, riskFreeRate, startupTimeoutMs, feeRatio, taxRatio, costs, folds,
  }));
}

/** An epoch day (integer) or an ISO date `YYYY-MM-DD` that names a real calendar day. */
export function parseHoldoutStart(value: number | string | undefined): Result<number | null, BacktestConfigError> {
  if (value === undefined) return ok(null);
  if (typeof value === 'number') {
    return Number.isInteger(value) && Math.abs(value) < 3_000_000 ? ok(value) : err(configError(`holdoutStart must be an integer epoch day or an ISO date, got ${value}`));
  }
  const day = epochDayOf(value);
  if (Number.isNaN(day) || isoDate(day) !== value) return err(configError(`holdoutStart '${value}' is not an ISO date (YYYY-MM-DD)`));
  return ok(day);
}
