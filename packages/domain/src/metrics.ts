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

/** Calmar from CAGR and drawdown when the backtest did not report it. */
export function calmarOf(metrics: StrategyMetrics): number | null {
  if (metrics.calmar !== null) return metrics.calmar;
  if (metrics.cagr === null || metrics.maxDrawdown === null || Math.abs(metrics.maxDrawdown) < 1e-10) return null;
  return metrics.cagr / Math.abs(metrics.maxDrawdown);
}
