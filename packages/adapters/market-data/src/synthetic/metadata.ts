/**
 * What a synthetic market records about itself: the generator parameters (which, with the seed, determine
 * every value), the planted effects with their strengths, and — once measured with the engine — the
 * Sharpe ratios of the oracle strategy and of the template strategy.
 */

/** Strength of each planted effect: the target information coefficient (IC) of its signal, monthly (weekly for reversal). */
export interface EffectStrengths {
  /** 12-1 momentum: log return from 252 to 21 trading days ago. */
  readonly momentum: number;
  /** Short-term reversal: minus the log return of the last 5 trading days (its IC is for the next 5 days). */
  readonly reversal: number;
  /** Revenue-growth drift: the last published year-over-year revenue growth. */
  readonly revenueGrowth: number;
  /** Low volatility: minus the stock's (latent) volatility, seen through e.g. a 60-day std of returns. */
  readonly lowVolatility: number;
}

export interface SyntheticParameters {
  readonly seed: string;
  readonly symbols: number;
  /** ISO dates, inclusive. */
  readonly start: string;
  readonly end: string;
  readonly industries: number;
  readonly effects: EffectStrengths;
  /** Market drift (annual, arithmetic) and daily volatility in the calm and the turbulent regime. */
  readonly marketDrift: number;
  readonly marketVolatility: readonly [number, number];
  /** Share of symbols listed after the start, and share delisted before the end. */
  readonly lateListings: number;
  readonly delistings: number;
  /** Probability that a listed stock starts a suspension on a given day (mean length 5 days). */
  readonly suspensionRate: number;
}

export interface PlantedEffect {
  readonly name: keyof EffectStrengths;
  /** Target monthly IC (Pearson correlation of the signal's z-score with the next 21-day return). */
  readonly strength: number;
  /** The signal in the strategy language (a float frame expression, higher = better). */
  readonly signal: string;
  readonly description: string;
}

export interface StrategyBenchmark {
  readonly source: string;
  /** FinLab daily Sharpe (rf 2%) over the whole range. */
  readonly sharpe: number;
  readonly cagr: number;
  readonly maxDrawdown: number;
}

export interface Benchmarks {
  /** A strategy in the strategy language built on the planted signals: roughly the edge there is to find. */
  readonly oracle: StrategyBenchmark;
  /** The loop's starting strategy (`templateStrategy`): a better strategy must beat it. */
  readonly template: StrategyBenchmark;
  /** Equal weight of every listed stock, rebalanced monthly: the market's own Sharpe. */
  readonly market: StrategyBenchmark;
}

export interface SyntheticMetadata {
  /** Generator name and version: a new version may generate different values for the same seed. */
  readonly generator: string;
  readonly parameters: SyntheticParameters;
  readonly effects: readonly PlantedEffect[];
  /** Null until measured (`measureBenchmarks`). */
  readonly benchmarks: Benchmarks | null;
}
