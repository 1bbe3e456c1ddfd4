/** One contiguous part of the in-sample period and the strategy's Sharpe on it. */
export interface FoldSharpe {
  /** First and last trading day of the fold, ISO `YYYY-MM-DD`. */
  readonly start: string;
  readonly end: string;
  /** Annualised Sharpe on the fold; null when it is not computable (no position held, one day). */
  readonly sharpe: number | null;
}

/** Per-period (daily, not annualised) shape of the in-sample excess returns, what PSR and DSR need. */
export interface ReturnProfile {
  readonly observations: number;
  readonly sharpe: number;
  readonly skewness: number;
  /** Raw kurtosis (3 for a normal distribution). */
  readonly kurtosis: number;
}

/**
 * What selection may look at besides the in-sample metrics — all of it from the in-sample period: the folds,
 * the robust score built from them, the return profile, the monthly returns (to tell near-identical trials
 * apart) and the suspicious figures. Never anything from the holdout.
 */
export interface SelectionEvidence {
  readonly folds: readonly FoldSharpe[];
  /** `robustScore` of the folds: what the champion policy compares. */
  readonly score: number | null;
  readonly profile: ReturnProfile | null;
  /** In-sample calendar-month returns, oldest first (months without a curve point are left out). */
  readonly monthlyReturns: readonly number[];
  readonly suspicious: readonly string[];
}

/** How much a spread of fold Sharpes costs: half a standard deviation. */
export const FOLD_SPREAD_PENALTY = 0.5;

/**
 * The selection score: mean fold Sharpe minus half their sample standard deviation. It uses every fold (a median
 * of four keeps only two) and charges an edge that lives in one lucky period: folds [0.5, 0.5, 0.5, 2.5] score
 * 0.5, not their mean 1.0, while steady folds keep their Sharpe. A fold without a Sharpe (nothing held) counts as
 * 0: it earned nothing. Null when there are no folds or no fold has a Sharpe.
 */
export function robustScore(folds: readonly FoldSharpe[], penalty: number = FOLD_SPREAD_PENALTY): number | null {
  if (folds.length === 0 || folds.every((f) => f.sharpe === null)) return null;
  const values = folds.map((f) => f.sharpe ?? 0);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return mean;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return mean - penalty * Math.sqrt(variance);
}
