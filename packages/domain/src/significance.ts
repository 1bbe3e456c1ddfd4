import type { Champion } from './champion.js';
import type { IterationRecord } from './iteration-record.js';
import { clusterTrials, trialSharpeVariance } from './statistics/trial-clusters.js';
import { deflatedSharpe, minTrackRecordLength, probabilisticSharpe } from './statistics/sharpe-inference.js';

/** A champion whose Deflated Sharpe Ratio is below this is labelled "not significant" wherever it is shown. */
export const SIGNIFICANCE_LEVEL = 0.95;
/** Two trials whose in-sample monthly returns correlate at least this much count as one independent trial. */
export const TRIAL_CORRELATION = 0.9;

/** One distinct strategy the run measured: its per-day Sharpe and its aligned monthly returns. */
export interface Trial {
  readonly strategyId: string;
  readonly sharpe: number;
  readonly monthlyReturns: readonly number[];
}

/** How far a champion's in-sample Sharpe survives the number of strategies the run tried (all per day, not annualised). */
export interface ChampionSignificance {
  /** Distinct strategies measured with a return profile (duplicates are never trials). */
  readonly trials: number;
  /** Clusters of trials with near-identical returns: the N of the DSR. */
  readonly effectiveTrials: number;
  readonly clustering: string;
  /** Variance of the cluster representatives' per-day Sharpes (the V of the DSR); 0 with fewer than two clusters. */
  readonly trialSharpeVariance: number;
  readonly observations: number;
  readonly sharpe: number;
  readonly skewness: number;
  /** Raw kurtosis. */
  readonly kurtosis: number;
  /** PSR against a zero Sharpe. */
  readonly psr: number;
  /** SR₀: the best per-day Sharpe luck alone would show among `effectiveTrials` trials. */
  readonly expectedMaxSharpe: number;
  /** PSR(SR₀). */
  readonly dsr: number;
  /** Days of track record needed for PSR(0) to reach 95 %. */
  readonly minTrackRecordDays: number;
  readonly significant: boolean;
}

/** The run's distinct measured strategies, first measurement of each (records without a profile are not trials). */
export function trialsOf(records: readonly IterationRecord[]): Trial[] {
  const seen = new Map<string, Trial>();
  for (const record of records) {
    const profile = record.evidence?.profile;
    if (record.strategyId === null || profile === null || profile === undefined || seen.has(record.strategyId)) continue;
    seen.set(record.strategyId, { strategyId: record.strategyId, sharpe: profile.sharpe, monthlyReturns: record.evidence?.monthlyReturns ?? [] });
  }
  return [...seen.values()];
}

/**
 * PSR, DSR and MinTRL of a champion (Bailey & López de Prado 2012, 2014), with N the number of clusters of the run's
 * trials whose monthly returns correlate ≥ 0.9 (López de Prado's advice to count independent trials) and V the
 * variance of the clusters' representative Sharpes. Null when the champion has no return profile.
 */
export function championSignificance(champion: Champion, trials: readonly Trial[]): ChampionSignificance | null {
  const profile = champion.evidence?.profile;
  if (profile === null || profile === undefined) return null;
  const withChampion = trials.some((t) => t.strategyId === champion.strategyId)
    ? trials
    : [...trials, { strategyId: champion.strategyId, sharpe: profile.sharpe, monthlyReturns: champion.evidence?.monthlyReturns ?? [] }];
  const clusters = clusterTrials(
    withChampion.map((t) => ({ id: t.strategyId, sharpe: t.sharpe, returns: t.monthlyReturns })),
    { minCorrelation: TRIAL_CORRELATION },
  );
  const variance = clusters.count >= 2 ? trialSharpeVariance(clusters.representatives) : 0;
  const trialVariance = Number.isFinite(variance) ? variance : 0;
  const shape = { sharpe: profile.sharpe, skewness: profile.skewness, kurtosis: profile.kurtosis };
  const deflated = deflatedSharpe({ ...shape, observations: profile.observations, trials: clusters.count, trialVariance });
  return {
    trials: withChampion.length,
    effectiveTrials: clusters.count,
    clustering: clusters.method,
    trialSharpeVariance: trialVariance,
    observations: profile.observations,
    ...shape,
    psr: probabilisticSharpe({ ...shape, benchmark: 0, observations: profile.observations }),
    expectedMaxSharpe: deflated.expectedMax,
    dsr: deflated.dsr,
    minTrackRecordDays: minTrackRecordLength({ ...shape, benchmark: 0, confidence: SIGNIFICANCE_LEVEL }),
    significant: deflated.dsr >= SIGNIFICANCE_LEVEL,
  };
}

/** How many times the run looked at its holdout: every record that carries holdout metrics is one look. */
export function holdoutLooks(records: readonly IterationRecord[]): number {
  return records.filter((r) => r.holdoutMetrics !== null).length;
}
