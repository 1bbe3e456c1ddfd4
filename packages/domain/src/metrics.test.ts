import { describe, expect, it } from 'vitest';
import { calmarOf, EMPTY_METRICS, metricsFrom, toMetric } from './metrics.js';

describe('metrics', () => {
  it('turns NaN, infinities and absent values into null (missing), keeping real numbers and zero', () => {
    expect([toMetric(Number.NaN), toMetric(Infinity), toMetric(-Infinity), toMetric(undefined), toMetric(null)]).toEqual([null, null, null, null, null]);
    expect([toMetric(0), toMetric(-1.5), toMetric(2)]).toEqual([0, -1.5, 2]);
    const m = metricsFrom({ sharpe: 1, totalReturn: Number.NaN, cagr: 0.1, maxDrawdown: -0.2, calmar: 0.5, sortino: 2, volatility: 0.3, winRate: 0.6, trades: 10, turnover: 4 });
    expect(m).toEqual({ sharpe: 1, totalReturn: null, cagr: 0.1, maxDrawdown: -0.2, calmar: 0.5, sortino: 2, volatility: 0.3, winRate: 0.6, trades: 10, turnover: 4 });
    expect(Object.values(EMPTY_METRICS).every((v) => v === null)).toBe(true);
  });

  it('computes Calmar from CAGR and drawdown only when it is missing and computable', () => {
    expect(calmarOf(metricsFrom({ calmar: 0.7, cagr: 0.1, maxDrawdown: -0.5 }))).toBe(0.7);
    expect(calmarOf(metricsFrom({ cagr: 0.1, maxDrawdown: -0.5 }))).toBeCloseTo(0.2, 12);
    expect(calmarOf(metricsFrom({ cagr: 0.1 }))).toBeNull();
    expect(calmarOf(metricsFrom({ maxDrawdown: -0.5 }))).toBeNull();
    expect(calmarOf(metricsFrom({ cagr: 0.1, maxDrawdown: 0 }))).toBeNull();
    expect(calmarOf(metricsFrom({ cagr: 0.1, maxDrawdown: -1e-11 }))).toBeNull();
  });
});
