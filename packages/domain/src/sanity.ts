import { err, ok, type Result } from 'neverthrow';
import { classify, type Classification } from './levels.js';
import type { StrategyMetrics } from './metrics.js';

/**
 * What is impossible is an error; what is extraordinary but possible is kept and flagged. Every bound is on an
 * annualised or period-independent figure, so a long backtest of a good strategy is never thrown away because
 * its total return compounds past some fixed number.
 */
export interface SanityBounds {
  /** |Sharpe| above this (annualised) is flagged: rare for a real, costed, daily strategy over years. */
  readonly suspiciousSharpe: number;
  /** CAGR above this (fraction per year) is flagged. */
  readonly suspiciousCagr: number;
  /** Annualised volatility above this is flagged (a fraction: 1 = 100 % a year). */
  readonly suspiciousVolatility: number;
  /** Sortino above this is flagged. */
  readonly suspiciousSortino: number;
}

export const DEFAULT_SANITY_BOUNDS: SanityBounds = {
  suspiciousSharpe: 3,
  suspiciousCagr: 1,
  suspiciousVolatility: 1.5,
  suspiciousSortino: 5,
};

export interface MetricsValidationError {
  readonly kind: 'metrics_impossible';
  readonly violations: readonly string[];
  readonly message: string;
}

/** The one verdict on a backtest's metrics, used by the loop and by `alphaloop backtest` alike. */
export interface Assessment extends Classification {
  readonly metrics: StrategyMetrics;
  /** Extraordinary but possible figures, one sentence each; empty when nothing stands out. */
  readonly suspicious: readonly string[];
}

const show = (value: number): string => (Number.isInteger(value) ? String(value) : value.toPrecision(4));

/** Values no correct long-only backtest can produce: a broken engine or broken data, never a result to keep. */
function impossibilities(m: StrategyMetrics): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(m) as [string, number | null][]) {
    if (value !== null && !Number.isFinite(value)) found.push(`${name} is ${value}`);
  }
  if (m.totalReturn !== null && m.totalReturn <= -1) found.push(`totalReturn ${show(m.totalReturn)} means equity fell to zero or below`);
  if (m.maxDrawdown !== null && (m.maxDrawdown > 0 || m.maxDrawdown < -1)) found.push(`maxDrawdown ${show(m.maxDrawdown)} is outside [−100 %, 0]`);
  if (m.volatility !== null && m.volatility < 0) found.push(`volatility ${show(m.volatility)} is negative`);
  if (m.winRate !== null && (m.winRate < 0 || m.winRate > 1)) found.push(`winRate ${show(m.winRate)} is outside [0, 1]`);
  if (m.trades !== null && (m.trades < 0 || !Number.isInteger(m.trades))) found.push(`trades ${show(m.trades)} is not a count`);
  if (m.turnover !== null && m.turnover < 0) found.push(`turnover ${show(m.turnover)} is negative`);
  // an equity curve with a return has a drawdown: one without the other is a broken computation
  if (m.totalReturn !== null && m.maxDrawdown === null) found.push('totalReturn is present but maxDrawdown is missing');
  return found;
}

function oddities(m: StrategyMetrics, bounds: SanityBounds): string[] {
  const found: string[] = [];
  const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
  if (m.sharpe !== null && Math.abs(m.sharpe) > bounds.suspiciousSharpe) found.push(`Sharpe ${m.sharpe.toFixed(2)} is beyond ±${bounds.suspiciousSharpe}`);
  if (m.cagr !== null && m.cagr > bounds.suspiciousCagr) found.push(`CAGR ${pct(m.cagr)} a year is above ${pct(bounds.suspiciousCagr)}`);
  if (m.volatility !== null && m.volatility > bounds.suspiciousVolatility) found.push(`volatility ${pct(m.volatility)} a year is above ${pct(bounds.suspiciousVolatility)}`);
  if (m.sortino !== null && m.sortino > bounds.suspiciousSortino) found.push(`Sortino ${m.sortino.toFixed(2)} is above ${bounds.suspiciousSortino}`);
  return found;
}

/**
 * Impossible metrics → `metrics_impossible`; otherwise the success level and the list of suspicious figures.
 * A suspicious result keeps its level: it is shown and stored with the flag, never silently dropped.
 */
export function assessBacktest(metrics: StrategyMetrics, bounds: SanityBounds = DEFAULT_SANITY_BOUNDS): Result<Assessment, MetricsValidationError> {
  const violations = impossibilities(metrics);
  if (violations.length > 0) {
    return err({ kind: 'metrics_impossible', violations, message: `impossible backtest result: ${violations.join('; ')}` });
  }
  return ok({ ...classify(true, metrics), metrics, suspicious: oddities(metrics, bounds) });
}
