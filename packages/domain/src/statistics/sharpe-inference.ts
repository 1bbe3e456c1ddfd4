import { normalCdf, normalQuantile } from './normal.js';

/**
 * How much a measured Sharpe ratio can be trusted: the Probabilistic Sharpe Ratio (Bailey & López de
 * Prado 2012, "The Sharpe Ratio Efficient Frontier"), the Deflated Sharpe Ratio (Bailey & López de Prado
 * 2014, "The Deflated Sharpe Ratio") and the minimum track record length.
 *
 * Units: every Sharpe ratio here is per period (daily Sharpe for daily returns, NOT annualised), the
 * kurtosis is RAW (3 for a normal distribution — add 3 to an excess kurtosis), and so is the variance of
 * the trials' Sharpe ratios (an annualised variance V becomes V / 250 for daily returns).
 */

/** The shape of a return stream, as `returnMoments` measures it. */
export interface SharpeShape {
  readonly sharpe: number;
  readonly skewness: number;
  readonly kurtosis: number;
}

/** Euler–Mascheroni constant, in the expected maximum of N Gaussian draws. */
const EULER_GAMMA = 0.5772156649015329;

/**
 * T·Var(SR̂) for non-normal returns: 1 − γ₃·SR̂ + ((γ₄ − 1)/4)·SR̂² (Mertens 2002, as used by
 * Bailey & López de Prado 2012). It uses the measured Sharpe, not the benchmark.
 */
function sharpeVarianceFactor(shape: SharpeShape): number {
  return 1 - shape.skewness * shape.sharpe + ((shape.kurtosis - 1) / 4) * shape.sharpe * shape.sharpe;
}

/**
 * PSR(SR*) = Φ((SR̂ − SR*)·√(T − 1) / √(1 − γ₃·SR̂ + ((γ₄ − 1)/4)·SR̂²)): the probability that the true
 * Sharpe exceeds the benchmark SR* (Bailey & López de Prado 2012, the PSR). NaN when it is undefined:
 * fewer than 2 observations, or moments that make the variance factor non-positive.
 */
export function probabilisticSharpe(input: SharpeShape & { readonly benchmark: number; readonly observations: number }): number {
  const factor = sharpeVarianceFactor(input);
  if (!(input.observations >= 2 && factor > 0)) return Number.NaN;
  return normalCdf(((input.sharpe - input.benchmark) * Math.sqrt(input.observations - 1)) / Math.sqrt(factor));
}

/**
 * SR₀ = √V·[(1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))]: the expected maximum Sharpe of N independent
 * trials whose true Sharpe is 0 and whose estimates have variance V (Bailey & López de Prado 2014, from
 * the expected maximum of N Gaussian draws). One trial (or none) has nothing to beat: 0.
 */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (trials <= 1) return 0;
  const quantiles = (1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) + EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E));
  return Math.sqrt(variance) * quantiles;
}

export interface DeflatedSharpe {
  /** DSR = PSR(SR₀): the probability that the true Sharpe is above what the best of `trials` luck-only trials would show. */
  readonly dsr: number;
  /** SR₀, per period. */
  readonly expectedMax: number;
}

/**
 * DSR = PSR(SR₀) with SR₀ = expectedMaxSharpe(trials, trialVariance) (Bailey & López de Prado
 * 2014). `trials` should be the number of independent trials (see `clusterTrials`), `trialVariance` the
 * variance of their Sharpe ratios, per period.
 */
export function deflatedSharpe(
  input: SharpeShape & { readonly observations: number; readonly trials: number; readonly trialVariance: number },
): DeflatedSharpe {
  const expectedMax = expectedMaxSharpe(input.trials, input.trialVariance);
  return { dsr: probabilisticSharpe({ ...input, benchmark: expectedMax }), expectedMax };
}

/**
 * MinTRL = 1 + (1 − γ₃·SR̂ + ((γ₄ − 1)/4)·SR̂²)·(z_α / (SR̂ − SR*))²: the number of observations needed
 * for PSR(SR*) to reach `confidence` (Bailey & López de Prado 2012, MinTRL). Infinity when SR̂ ≤ SR* (no
 * track record is long enough); NaN for a confidence outside (0, 1) or a non-positive variance factor.
 */
export function minTrackRecordLength(input: SharpeShape & { readonly benchmark: number; readonly confidence: number }): number {
  const factor = sharpeVarianceFactor(input);
  if (!(input.confidence > 0 && input.confidence < 1 && factor > 0)) return Number.NaN;
  const edge = input.sharpe - input.benchmark;
  if (edge <= 0) return Number.POSITIVE_INFINITY;
  const z = normalQuantile(input.confidence);
  return 1 + factor * (z / edge) ** 2;
}
