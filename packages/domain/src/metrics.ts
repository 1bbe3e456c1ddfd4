import { err, ok, type Result } from 'neverthrow';

/**
 * Performance of one backtest. `null` means "missing" (NaN, never computed, or not applicable):
 * a missing value is never replaced by a made-up number.
 */
export interface StrategyMetrics {
  readonly sharpe: number | null;
  readonly totalReturn: number | null;
  readonly cagr: number | null;
  /** Worst peak-to-trough loss, a negative fraction (−0.15 = −15%). */
  readonly maxDrawdown: number | null;
  readonly calmar: number | null;
  readonly sortino: number | null;
  readonly volatility: number | null;
  /** Share of closed trades with a positive return, 0–1. */
  readonly winRate: number | null;
  readonly trades: number | null;
  /** Average one-way traded notional per year as a multiple of equity. */
  readonly turnover: number | null;
}

export const METRIC_NAMES = [
  'sharpe',
  'totalReturn',
  'cagr',
  'maxDrawdown',
  'calmar',
  'sortino',
  'volatility',
  'winRate',
  'trades',
  'turnover',
] as const satisfies readonly (keyof StrategyMetrics)[];

export type MetricName = (typeof METRIC_NAMES)[number];

export type RawMetrics = { readonly [K in MetricName]?: number | null | undefined };

/** Missing values, NaN and infinities all become `null`. */
export function toMetric(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
}

export function metricsFrom(raw: RawMetrics): StrategyMetrics {
  return {
    sharpe: toMetric(raw.sharpe),
    totalReturn: toMetric(raw.totalReturn),
    cagr: toMetric(raw.cagr),
    maxDrawdown: toMetric(raw.maxDrawdown),
    calmar: toMetric(raw.calmar),
    sortino: toMetric(raw.sortino),
    volatility: toMetric(raw.volatility),
    winRate: toMetric(raw.winRate),
    trades: toMetric(raw.trades),
    turnover: toMetric(raw.turnover),
  };
}

export const EMPTY_METRICS: StrategyMetrics = metricsFrom({});

export interface SanityRanges {
  readonly sharpe: readonly [number, number];
  readonly totalReturn: readonly [number, number];
  /** Drawdown must be at most this (0: a drawdown is never positive). */
  readonly maxDrawdownAtMost: number;
}

export const DEFAULT_SANITY_RANGES: SanityRanges = {
  sharpe: [-10, 10],
  totalReturn: [-1, 10],
  maxDrawdownAtMost: 0,
};

export interface MetricsValidationError {
  readonly kind: 'metrics_out_of_range';
  readonly violations: readonly string[];
  readonly message: string;
}

/**
 * A metric outside its sanity range means the backtest is broken (or the strategy exploits a data
 * error), so the result is rejected as a whole rather than silently clipped.
 */
export function validateMetrics(
  metrics: StrategyMetrics,
  ranges: SanityRanges = DEFAULT_SANITY_RANGES,
): Result<StrategyMetrics, MetricsValidationError> {
  const violations: string[] = [];
  const inRange = (name: string, value: number | null, [lo, hi]: readonly [number, number]): void => {
    if (value !== null && (value < lo || value > hi)) violations.push(`${name} ${value} outside [${lo}, ${hi}]`);
  };
  inRange('sharpe', metrics.sharpe, ranges.sharpe);
  inRange('totalReturn', metrics.totalReturn, ranges.totalReturn);
  if (metrics.maxDrawdown !== null && metrics.maxDrawdown > ranges.maxDrawdownAtMost) {
    violations.push(`maxDrawdown ${metrics.maxDrawdown} above ${ranges.maxDrawdownAtMost}`);
  }
  if (violations.length === 0) return ok(metrics);
  return err({
    kind: 'metrics_out_of_range',
    violations,
    message: `Metric validation failed: ${violations.join('; ')}`,
  });
}

/** Calmar from CAGR and drawdown when the backtest did not report it. */
export function calmarOf(metrics: StrategyMetrics): number | null {
  if (metrics.calmar !== null) return metrics.calmar;
  if (metrics.cagr === null || metrics.maxDrawdown === null || Math.abs(metrics.maxDrawdown) < 1e-10) return null;
  return metrics.cagr / Math.abs(metrics.maxDrawdown);
}
