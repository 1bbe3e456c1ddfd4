import { metricsFrom, type StrategyMetrics } from '@alphaloop/domain';
import type { PeriodStatistics } from './statistics.js';

/** The domain's metric record from one period's statistics (NaN → null). */
export function toStrategyMetrics(s: PeriodStatistics): StrategyMetrics {
  return metricsFrom({
    sharpe: s.dailySharpe,
    totalReturn: s.totalReturn,
    cagr: s.cagr,
    maxDrawdown: s.maxDrawdown,
    calmar: s.calmar,
    sortino: s.dailySortino,
    volatility: s.volatility,
    winRate: s.winRatio,
    trades: s.trades,
    turnover: s.turnover,
  });
}
