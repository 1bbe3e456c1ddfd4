import { correlationOnOverlap } from './correlation.js';

/**
 * The effective number of independent trials. A search that tries many near-identical strategies has
 * not made that many independent trials; López de Prado recommends clustering the trials by the
 * correlation of their return streams and using the number of clusters as N in the Deflated Sharpe Ratio
 * (López de Prado & Lewis 2019, "Detection of false investment strategies using unsupervised learning
 * methods"). We use the simplest deterministic clustering that does that: leader clustering.
 */
export interface ClusterableTrial {
  readonly id: string;
  /** Per-period Sharpe of the trial; it orders the trials and becomes the cluster's Sharpe when the trial leads. */
  readonly sharpe: number;
  /** Per-period returns aligned on the same periods as the other trials'; NaN where there is none. */
  readonly returns: ArrayLike<number>;
}

export interface TrialRepresentative {
  readonly id: string;
  readonly sharpe: number;
  /** Trials in the cluster, the representative included. */
  readonly members: number;
}

export interface TrialClusters {
  /** The effective number of independent trials. */
  readonly count: number;
  /** One per cluster, its leader (the best Sharpe in it), in descending Sharpe order. */
  readonly representatives: readonly TrialRepresentative[];
  /** One sentence describing the method, to show users. */
  readonly method: string;
}

export interface ClusterOptions {
  /** A trial joins a cluster when its correlation with the leader is at least this; default 0.9. */
  readonly minCorrelation?: number;
}

export const DEFAULT_MIN_CORRELATION = 0.9;
/** Fewer shared periods than this and a correlation says little (a dozen, as for monthly data over a year). */
export const MIN_CORRELATION_OVERLAP = 12;

/** Descending Sharpe (NaN last), then ascending id, so the clusters do not depend on the input order. */
function strongerFirst(a: ClusterableTrial, b: ClusterableTrial): number {
  const sharpeA = Number.isNaN(a.sharpe) ? Number.NEGATIVE_INFINITY : a.sharpe;
  const sharpeB = Number.isNaN(b.sharpe) ? Number.NEGATIVE_INFINITY : b.sharpe;
  if (sharpeA !== sharpeB) return sharpeB - sharpeA;
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

/**
 * Two trials behave alike when they share at least MIN_CORRELATION_OVERLAP periods and either both are
 * flat there or their correlation reaches `minCorrelation`. A pair we cannot compare (too little overlap,
 * one flat and one not) is not alike: when in doubt a trial counts as independent, which makes the
 * deflation stricter, never laxer.
 */
function behaveAlike(leader: ClusterableTrial, trial: ClusterableTrial, minCorrelation: number): boolean {
  const { overlap, correlation, bothFlat } = correlationOnOverlap(leader.returns, trial.returns);
  return overlap >= MIN_CORRELATION_OVERLAP && (bothFlat || correlation >= minCorrelation);
}

/**
 * Greedy leader clustering: in descending Sharpe order, each trial joins the first cluster whose leader it
 * behaves alike with, or else leads a new cluster. Deterministic, one pass, and each leader is the trial a
 * selection by Sharpe would have picked from its cluster.
 */
export function clusterTrials(trials: readonly ClusterableTrial[], options: ClusterOptions = {}): TrialClusters {
  const minCorrelation = options.minCorrelation ?? DEFAULT_MIN_CORRELATION;
  const clusters: { readonly leader: ClusterableTrial; members: number }[] = [];
  for (const trial of [...trials].sort(strongerFirst)) {
    const home = clusters.find((cluster) => behaveAlike(cluster.leader, trial, minCorrelation));
    if (home === undefined) clusters.push({ leader: trial, members: 1 });
    else home.members += 1;
  }
  return {
    count: clusters.length,
    representatives: clusters.map(({ leader, members }) => ({ id: leader.id, sharpe: leader.sharpe, members })),
    method:
      `Greedy leader clustering: in descending Sharpe order, each trial joins the first cluster whose leader's returns ` +
      `correlate with its own at ${minCorrelation} or more (Pearson, over at least ${MIN_CORRELATION_OVERLAP} shared periods; ` +
      `two flat streams count as alike), otherwise it leads a new cluster, and a trial that cannot be compared counts as independent.`,
  };
}

/**
 * Sample variance (n − 1) of the representatives' Sharpe ratios: V in the Deflated Sharpe Ratio. Non-finite
 * Sharpes (a trial that produced no returns) are left out; NaN when fewer than 2 remain.
 */
export function trialSharpeVariance(representatives: readonly { readonly sharpe: number }[]): number {
  const sharpes = representatives.map((representative) => representative.sharpe).filter((sharpe) => Number.isFinite(sharpe));
  if (sharpes.length < 2) return Number.NaN;
  const mean = sharpes.reduce((sum, sharpe) => sum + sharpe, 0) / sharpes.length;
  return sharpes.reduce((sum, sharpe) => sum + (sharpe - mean) ** 2, 0) / (sharpes.length - 1);
}
