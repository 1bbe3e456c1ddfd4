import { describe, expect, it } from 'vitest';
import { calmarOf, EMPTY_METRICS, metricsFrom, toMetric, validateMetrics } from './metrics.js';

describe('metrics', () => {
  it('turns NaN, infinities and absent values into null (missing), keeping real numbers and zero', () => {
    expect([toMetric(Number.NaN), toMetric(Infinity), toMetric(-Infinity), toMetric(undefined), toMetric(null)]).toEqual([null, null, null, null, null]);
    expect([toMetric(0), toMetric(-1.5), toMetric(2)]).toEqual([0, -1.5, 2]);
    const m = metricsFrom({ sharpe: 1, totalReturn: Number.NaN, cagr: 0.1, maxDrawdown: -0.2, calmar: 0.5, sortino: 2, volatility: 0.3, winRate: 0.6, trades: 10, turnover: 4 });
    expect(m).toEqual({ sharpe: 1, totalReturn: null, cagr: 0.1, maxDrawdown: -0.2, calmar: 0.5, sortino: 2, volatility: 0.3, winRate: 0.6, trades: 10, turnover: 4 });
    expect(Object.values(EMPTY_METRICS).every((v) => v === null)).toBe(true);
  });

  it.each([
    [{ sharpe: 10, totalReturn: 10, maxDrawdown: 0 }, true],
    [{ sharpe: -10, totalReturn: -1, maxDrawdown: -1 }, true],
    [{ sharpe: 10.01 }, false],
    [{ sharpe: -10.01 }, false],
    [{ totalReturn: 10.01 }, false],
    [{ totalReturn: -1.01 }, false],
    [{ maxDrawdown: 0.0001 }, false],
    [{}, true],
  ])('sanity ranges: %j valid=%s', (raw, valid) => {
    expect(validateMetrics(metricsFrom(raw)).isOk()).toBe(valid);
  });

  it('names every violation in its message', () => {
    const error = validateMetrics(metricsFrom({ sharpe: 12, totalReturn: -2, maxDrawdown: 0.1 }))._unsafeUnwrapErr();
    expect(error.kind).toBe('metrics_out_of_range');
    expect(error.violations).toEqual(['sharpe 12 outside [-10, 10]', 'totalReturn -2 outside [-1, 10]', 'maxDrawdown 0.1 above 0']);
    expect(error.message).toBe('Metric validation failed: sharpe 12 outside [-10, 10]; totalReturn -2 outside [-1, 10]; maxDrawdown 0.1 above 0');
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
