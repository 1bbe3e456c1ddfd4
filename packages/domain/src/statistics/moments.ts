/**
 * The first four moments of a return stream, in the form the Sharpe-ratio statistics need them
 * (Bailey & López de Prado 2012, "The Sharpe Ratio Efficient Frontier": population skewness and raw kurtosis).
 */
export interface ReturnMoments {
  /** Returns that were used (NaN entries are skipped). */
  readonly observations: number;
  readonly mean: number;
  /** Sample standard deviation (divides by n − 1). */
  readonly std: number;
  /** Per-period mean / std, NOT annualised. */
  readonly sharpe: number;
  /** Population skewness m3 / m2^(3/2). */
  readonly skewness: number;
  /** RAW population kurtosis m4 / m2² (3 for a normal distribution), as in the PSR paper — not excess kurtosis. */
  readonly kurtosis: number;
}

/**
 * Moments of the non-NaN entries. Fewer than 2 observations → every field but `observations` is NaN; a
 * stream whose values are all equal has its mean and std 0, but NaN Sharpe, skewness and kurtosis (they
 * are undefined, and a made-up number would be worse than a missing one).
 * Two passes (mean first, then central sums) so that a large mean does not swamp the variance.
 */
export function returnMoments(returns: ArrayLike<number>): ReturnMoments {
  let count = 0;
  let sum = 0;
  let lowest = Number.POSITIVE_INFINITY;
  let highest = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < returns.length; i += 1) {
    const value = returns[i] as number;
    if (Number.isNaN(value)) continue;
    count += 1;
    sum += value;
    lowest = Math.min(lowest, value);
    highest = Math.max(highest, value);
  }
  const undefinedShape = { sharpe: Number.NaN, skewness: Number.NaN, kurtosis: Number.NaN };
  if (count < 2) return { observations: count, mean: Number.NaN, std: Number.NaN, ...undefinedShape };
  // Tested on the values themselves: a rounded mean would leave ~1e-34 of "variance" and a Sharpe of 1e16.
  if (lowest === highest) return { observations: count, mean: lowest, std: 0, ...undefinedShape };
  const mean = sum / count;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < returns.length; i += 1) {
    const value = returns[i] as number;
    if (Number.isNaN(value)) continue;
    const deviation = value - mean;
    const square = deviation * deviation;
    m2 += square;
    m3 += square * deviation;
    m4 += square * square;
  }
  const std = Math.sqrt(m2 / (count - 1));
  const populationVariance = m2 / count;
  return {
    observations: count,
    mean,
    std,
    sharpe: mean / std,
    skewness: m3 / count / populationVariance ** 1.5,
    kurtosis: m4 / count / (populationVariance * populationVariance),
  };
}
