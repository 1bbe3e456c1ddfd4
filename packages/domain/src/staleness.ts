import type { Champion } from './champion.js';

export interface StalenessPolicy {
  /** Check every this many iterations, over this many most recent successful iterations. */
  readonly interval: number;
  /** The cohort is the top share of that window by Sharpe (0.10 = top 10%). */
  readonly cohortShare: number;
  readonly minCohortSize: number;
}

export const DEFAULT_STALENESS_POLICY: StalenessPolicy = { interval: 50, cohortShare: 0.1, minCohortSize: 5 };

export interface StalenessReport {
  readonly stale: boolean;
  readonly reason: string;
  readonly cohortMedian: number | null;
  readonly cohortSize: number;
  readonly windowSize: number;
}

export function isStalenessCheckDue(iteration: number, policy: StalenessPolicy = DEFAULT_STALENESS_POLICY): boolean {
  return iteration > 0 && iteration % policy.interval === 0;
}

/** Linear-interpolated quantile of sorted values (NumPy's default method). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const lo = sorted[lower] ?? Number.NaN;
  const hi = sorted[upper] ?? Number.NaN;
  return lo + (hi - lo) * (position - lower);
}

/**
 * Is the champion below the median of the best recent strategies? The window is the Sharpe ratios of
 * the last `interval` successful iterations; the cohort is its top `cohortShare`.
 */
export function checkStaleness(
  champion: Champion | null,
  recentSuccessfulSharpes: readonly number[],
  policy: StalenessPolicy = DEFAULT_STALENESS_POLICY,
): StalenessReport {
  const window = recentSuccessfulSharpes.slice(-policy.interval);
  const base = { cohortMedian: null, cohortSize: 0, windowSize: window.length };
  if (champion === null) return { ...base, stale: false, reason: 'no champion exists' };
  if (window.length < policy.minCohortSize) {
    return { ...base, stale: false, reason: `insufficient data: ${window.length} successful iterations, need ${policy.minCohortSize}` };
  }
  const sorted = [...window].sort((a, b) => a - b);
  const threshold = quantileSorted(sorted, 1 - policy.cohortShare);
  const cohort = sorted.filter((sharpe) => sharpe >= threshold);
  if (cohort.length < policy.minCohortSize) {
    return { ...base, cohortSize: cohort.length, stale: false, reason: `cohort too small: ${cohort.length} < ${policy.minCohortSize}` };
  }
  const cohortMedian = quantileSorted(cohort, 0.5);
  const championSharpe = champion.metrics.sharpe ?? Number.NEGATIVE_INFINITY;
  const stale = championSharpe < cohortMedian;
  return {
    stale,
    cohortMedian,
    cohortSize: cohort.length,
    windowSize: window.length,
    reason: stale
      ? `champion Sharpe ${championSharpe.toFixed(3)} is below the top-cohort median ${cohortMedian.toFixed(3)}`
      : `champion Sharpe ${championSharpe.toFixed(3)} is at or above the top-cohort median ${cohortMedian.toFixed(3)}`,
  };
}
