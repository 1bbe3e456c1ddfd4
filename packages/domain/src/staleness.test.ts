import { describe, expect, it } from 'vitest';
import type { Champion } from './champion.js';
import { metricsFrom } from './metrics.js';
import { checkStaleness, DEFAULT_STALENESS_POLICY, isStalenessCheckDue, quantileSorted } from './staleness.js';

const champion = (sharpe: number | null): Champion => ({
  runId: 'r', strategyId: 's', code: 'c', source: 'factor_graph', metrics: metricsFrom({ sharpe }), evidence: null, holdout: null, iteration: 0, version: 1,
});

describe('staleness', () => {
  it('is due every 50 iterations, not at 0', () => {
    expect(DEFAULT_STALENESS_POLICY).toEqual({ interval: 50, cohortShare: 0.1, minCohortSize: 5 });
    expect([0, 49, 50, 51, 100].map((i) => isStalenessCheckDue(i))).toEqual([false, false, true, false, true]);
  });

  it('interpolates quantiles like NumPy', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4, 5], 0.9)).toBeCloseTo(4.6, 12);
    expect(quantileSorted([7], 0.3)).toBe(7);
  });

  it('needs a champion and enough data', () => {
    expect(checkStaleness(null, [1, 2, 3, 4, 5, 6])).toMatchObject({ stale: false, reason: 'no champion exists' });
    expect(checkStaleness(champion(1), [1, 2, 3, 4])).toMatchObject({ stale: false, reason: 'insufficient data: 4 successful iterations, need 5', windowSize: 4 });
    const small = checkStaleness(champion(1), Array.from({ length: 20 }, (_, i) => i));
    expect(small).toMatchObject({ stale: false, cohortSize: 2, reason: 'cohort too small: 2 < 5' });
  });

  it('flags a champion below the median of the top 10% of the last 50', () => {
    const window = Array.from({ length: 60 }, (_, i) => i / 10); // last 50: 1.0 … 5.9
    const stale = checkStaleness(champion(5.5), window);
    expect(stale).toMatchObject({ stale: true, cohortSize: 5, windowSize: 50 });
    expect(stale.cohortMedian).toBeCloseTo(5.7, 12);
    expect(stale.reason).toBe('champion Sharpe 5.500 is below the top-cohort median 5.700');
    const fresh = checkStaleness(champion(5.7), window);
    expect(fresh.stale).toBe(false);
    expect(fresh.reason).toBe('champion Sharpe 5.700 is at or above the top-cohort median 5.700');
  });

  it('treats a champion without Sharpe as stale when the check can run', () => {
    expect(checkStaleness(champion(null), Array.from({ length: 50 }, () => 1)).stale).toBe(true);
  });
});

describe('staleness with unordered history', () => {
  it('sorts the window before taking the cohort', () => {
    const window = Array.from({ length: 50 }, (_, i) => ((i * 37) % 50) / 10); // a permutation of 0.0 … 4.9
    const report = checkStaleness(champion(4.6), window);
    expect(report.cohortMedian).toBeCloseTo(4.7, 12);
    expect(report.stale).toBe(true);
  });
});
