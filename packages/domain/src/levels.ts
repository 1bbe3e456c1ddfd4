import type { StrategyMetrics } from './metrics.js';

/** 0 FAILED · 1 EXECUTED · 2 VALID_METRICS · 3 PROFITABLE */
export type SuccessLevel = 0 | 1 | 2 | 3;

export const LEVEL_NAMES: Readonly<Record<SuccessLevel, string>> = {
  0: 'FAILED',
  1: 'EXECUTED',
  2: 'VALID_METRICS',
  3: 'PROFITABLE',
};

export interface Classification {
  readonly level: SuccessLevel;
  readonly reason: string;
  /** How many of Sharpe, total return and max drawdown are present (0–3). */
  readonly coverage: number;
}

const CORE_METRICS = ['sharpe', 'totalReturn', 'maxDrawdown'] as const;
const MIN_CORE_METRICS = 2;

export function classify(executed: boolean, metrics: StrategyMetrics): Classification {
  if (!executed) return { level: 0, reason: 'the strategy did not execute', coverage: 0 };
  const coverage = CORE_METRICS.filter((name) => metrics[name] !== null).length;
  if (coverage < MIN_CORE_METRICS) {
    return { level: 1, reason: `executed, but only ${coverage} of 3 core metrics are available`, coverage };
  }
  if (metrics.sharpe !== null && metrics.sharpe > 0) {
    return { level: 3, reason: `profitable: Sharpe ${metrics.sharpe.toFixed(3)} > 0`, coverage };
  }
  const sharpeText = metrics.sharpe === null ? 'missing' : metrics.sharpe.toFixed(3);
  return { level: 2, reason: `valid metrics, but Sharpe is ${sharpeText}`, coverage };
}
