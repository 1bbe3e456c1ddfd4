import type { SelectionEvidence } from './evidence.js';
import type { StrategySource } from './iteration-record.js';
import type { StrategyMetrics } from './metrics.js';
import { correlationOnOverlap } from './statistics/correlation.js';

/**
 * The quality-diversity archive (MAP-Elites): the search's memory of the best strategy of each kind of behaviour.
 * Everything here is in-sample: the archive is where the search starts from, so the holdout never reaches it.
 */

/** The factor family a strategy leans on most (its score's family, else its first filter's; `multi` for a sum of ranked terms). */
export const FACTOR_FAMILIES = ['momentum', 'value', 'quality', 'risk', 'entry', 'multi', 'other'] as const;
export type FactorFamily = (typeof FACTOR_FAMILIES)[number];

/** What a backtest measures of a strategy's behaviour besides its metrics. */
export interface StrategyTraits {
  readonly family: FactorFamily;
  /** Mean number of names held on in-sample days with a position (null when it never held one). */
  readonly averageHoldings: number | null;
}

/**
 * Cell edges, chosen so that the kinds of strategy a quant tells apart land in different cells:
 * - turnover (one-way, multiple of equity per year): < 2 holds for half a year or more, 2–6 about a quarter,
 *   6–20 about a month, ≥ 20 trades within weeks (daily rebalancing, tight stops);
 * - holdings: 1–5 concentrated, 6–15, 16–40, more than 40 broad.
 * Behaviour is measured, not read off the code: two strategies that trade alike compete in one cell whatever
 * their source looks like, and a small code change that makes a strategy trade differently opens a new cell.
 */
export const TURNOVER_EDGES: readonly number[] = [2, 6, 20];
export const HOLDINGS_EDGES: readonly number[] = [5.5, 15.5, 40.5];
const TURNOVER_LABELS = ['slow', 'quarterly', 'monthly', 'fast'] as const;
const HOLDINGS_LABELS = ['1-5', '6-15', '16-40', '41+'] as const;

const bucket = (value: number, edges: readonly number[]): number => {
  let i = 0;
  while (i < edges.length && value >= (edges[i] as number)) i += 1;
  return i;
};

/** The cell key `family/holdings/turnover` (e.g. `momentum/16-40/monthly`); null when turnover or holdings are unknown. */
export function cellOf(turnover: number | null, traits: StrategyTraits): string | null {
  if (turnover === null || !Number.isFinite(turnover) || traits.averageHoldings === null || !Number.isFinite(traits.averageHoldings)) return null;
  const t = TURNOVER_LABELS[bucket(turnover, TURNOVER_EDGES)];
  const h = HOLDINGS_LABELS[bucket(traits.averageHoldings, HOLDINGS_EDGES)];
  return `${traits.family}/${h}/${t}`;
}

/** A measured strategy offered to the archive (level 3 only: a failed strategy never becomes a parent). */
export interface ArchiveCandidate {
  readonly strategyId: string;
  readonly code: string;
  readonly source: StrategySource;
  /** In-sample metrics and evidence; `evidence.score` is what it holds its cell by. */
  readonly metrics: StrategyMetrics;
  readonly evidence: SelectionEvidence;
  readonly traits: StrategyTraits;
  /** The in-sample daily returns on the market calendar, for the novelty test. */
  readonly dailyReturns: Float64Array;
  /** The iteration that measured it (for an elite: that placed it). */
  readonly iteration: number;
}

/** The best strategy of one cell. */
export interface ArchiveElite extends ArchiveCandidate {
  readonly cell: string;
  /** How many strategies have been derived from it (its parent weight falls with them). */
  readonly children: number;
}

export interface ArchivePolicy {
  /** A candidate correlated at least this much with its cell's elite or its parent must beat it by the margin. */
  readonly noveltyCorrelation: number;
  /** The margin a near-copy needs: a score `relative` above, or `additive` above (the champion policy's rule). */
  readonly relativeMargin: number;
  readonly additiveMargin: number;
  /** Share of parent picks that ignore the weights (uniform over the elites). */
  readonly uniformShare: number;
  /** Share of factor-graph iterations that cross two elites of different cells over. */
  readonly crossoverShare: number;
  /** Iterations without an archive improvement after which the search explores (0 = never). */
  readonly stagnationWindow: number;
  /** While stagnating, the share of iterations that start a new strategy from the factor library. */
  readonly exploreShare: number;
}

export const DEFAULT_ARCHIVE_POLICY: ArchivePolicy = {
  noveltyCorrelation: 0.95,
  relativeMargin: 0.05,
  additiveMargin: 0.02,
  uniformShare: 0.2,
  crossoverShare: 0.2,
  stagnationWindow: 100,
  exploreShare: 0.5,
};

/** Correlations of the candidate's daily returns (null when not computable: no elite, no parent, flat streams). */
export interface NoveltyCorrelations {
  readonly elite: number | null;
  readonly parent: number | null;
}

export type ArchiveDecision =
  | { readonly kind: 'inserted'; readonly cell: string; readonly correlation: NoveltyCorrelations; readonly reason: string }
  | { readonly kind: 'replaced'; readonly cell: string; readonly previous: string; readonly correlation: NoveltyCorrelations; readonly reason: string }
  | { readonly kind: 'rejected'; readonly cell: string | null; readonly correlation: NoveltyCorrelations; readonly reason: string };

const fmt = (v: number): string => v.toFixed(4);

/** Pearson correlation of two daily return streams; two flat streams count as identical (1), one flat as unknown. */
export function returnCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const c = correlationOnOverlap(a, b);
  if (c.bothFlat) return 1;
  return Number.isFinite(c.correlation) ? c.correlation : null;
}

/** The score a near-copy must reach to displace `incumbent`: either margin suffices (as for the champion). */
export function noveltyBar(incumbent: number, policy: ArchivePolicy = DEFAULT_ARCHIVE_POLICY): number {
  return Math.min(incumbent + policy.additiveMargin, incumbent >= 0 ? incumbent * (1 + policy.relativeMargin) : Number.POSITIVE_INFINITY);
}

/**
 * Whether a candidate takes its cell. It needs a cell and a score; it takes an empty cell or beats the elite's
 * score. A near-copy — daily returns correlated ≥ `noveltyCorrelation` with the cell's elite or with its parent —
 * must beat the score of what it copies by the margin (`noveltyBar`): re-measuring one strategy with a tweak that
 * changes nothing is not progress. Pure: the caller applies the decision.
 */
export function considerForArchive(
  current: ArchiveElite | null,
  candidate: ArchiveCandidate & { readonly cell: string | null },
  parent: { readonly strategyId: string; readonly score: number | null; readonly dailyReturns: Float64Array | null } | null,
  policy: ArchivePolicy = DEFAULT_ARCHIVE_POLICY,
): ArchiveDecision {
  const score = candidate.evidence.score;
  const eliteCorrelation = current === null ? null : returnCorrelation(candidate.dailyReturns, current.dailyReturns);
  const parentCorrelation = parent?.dailyReturns == null ? null : returnCorrelation(candidate.dailyReturns, parent.dailyReturns);
  const correlation: NoveltyCorrelations = { elite: eliteCorrelation, parent: parentCorrelation };
  const cell = candidate.cell;
  if (cell === null) return { kind: 'rejected', cell, correlation, reason: 'no cell: turnover or holdings unknown' };
  if (score === null || !Number.isFinite(score)) return { kind: 'rejected', cell, correlation, reason: 'no robust score' };
  if (current !== null && current.strategyId === candidate.strategyId) return { kind: 'rejected', cell, correlation, reason: 'already the elite of its cell' };

  const copiesParent = parent !== null && parent.score !== null && parentCorrelation !== null && parentCorrelation >= policy.noveltyCorrelation;
  if (copiesParent && parent.score !== null) {
    const bar = noveltyBar(parent.score, policy);
    if (score < bar) {
      return { kind: 'rejected', cell, correlation, reason: `near-copy of its parent (correlation ${fmt(parentCorrelation)} ≥ ${policy.noveltyCorrelation}): score ${fmt(score)} below ${fmt(bar)}` };
    }
  }
  if (current === null) return { kind: 'inserted', cell, correlation, reason: `new cell ${cell}: score ${fmt(score)}` };

  const incumbent = current.evidence.score ?? Number.NEGATIVE_INFINITY;
  const copiesElite = eliteCorrelation !== null && eliteCorrelation >= policy.noveltyCorrelation;
  const bar = copiesElite ? noveltyBar(incumbent, policy) : incumbent;
  const beats = copiesElite ? score >= bar : score > bar;
  if (!beats) {
    const why = copiesElite ? `near-copy of the elite (correlation ${fmt(eliteCorrelation)} ≥ ${policy.noveltyCorrelation}): score ${fmt(score)} below ${fmt(bar)}` : `score ${fmt(score)} not above the elite's ${fmt(incumbent)}`;
    return { kind: 'rejected', cell, correlation, reason: why };
  }
  return { kind: 'replaced', cell, previous: current.strategyId, correlation, reason: `score ${fmt(score)} beats the elite's ${fmt(incumbent)}${copiesElite ? ' by the margin' : ''}` };
}

/** The logistic function. */
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * ShinkaEvolve's parent weights: sigmoid of the score standardised over the archive, times 1 / (1 + children).
 * Good cells are drawn more often, yet an elite drawn many times yields to ones not yet explored.
 */
export function parentWeights(elites: readonly ArchiveElite[]): number[] {
  if (elites.length === 0) return [];
  const scores = elites.map((e) => e.evidence.score ?? 0);
  const sorted = [...scores].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
  const scale = sd > 1e-12 ? sd : 1;
  return elites.map((e, i) => sigmoid(((scores[i] as number) - median) / scale) / (1 + e.children));
}

/**
 * Draws a parent: with probability `uniformShare` any elite alike, otherwise by `parentWeights`. Elites are
 * considered in cell order, so a draw depends on the archive's contents only, never on how it was loaded.
 */
export function chooseParent(elites: readonly ArchiveElite[], random: () => number, policy: ArchivePolicy = DEFAULT_ARCHIVE_POLICY): ArchiveElite | null {
  const ordered = [...elites].sort((a, b) => (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0));
  if (ordered.length === 0) return null;
  if (random() < policy.uniformShare) return ordered[Math.min(ordered.length - 1, Math.floor(random() * ordered.length))] ?? null;
  const weights = parentWeights(ordered);
  const total = weights.reduce((a, b) => a + b, 0);
  let draw = random() * total;
  for (let i = 0; i < ordered.length; i += 1) {
    draw -= weights[i] as number;
    if (draw < 0) return ordered[i] ?? null;
  }
  return ordered[ordered.length - 1] ?? null;
}

/** A mate for crossover: an elite of another cell, drawn by the same weights; null when the archive has one cell. */
export function chooseMate(elites: readonly ArchiveElite[], parent: ArchiveElite, random: () => number, policy: ArchivePolicy = DEFAULT_ARCHIVE_POLICY): ArchiveElite | null {
  return chooseParent(elites.filter((e) => e.cell !== parent.cell), random, policy);
}

/** The last iteration that improved the archive (an elite placed), or null for an empty archive. */
export function lastImprovement(elites: readonly ArchiveElite[]): number | null {
  let last: number | null = null;
  for (const e of elites) if (last === null || e.iteration > last) last = e.iteration;
  return last;
}

/** Whether the search has stagnated at `iteration`: `stagnationWindow` iterations or more since the archive last improved. */
export function isStagnating(elites: readonly ArchiveElite[], iteration: number, policy: ArchivePolicy = DEFAULT_ARCHIVE_POLICY): boolean {
  if (policy.stagnationWindow <= 0) return false;
  const last = lastImprovement(elites);
  return last !== null && iteration - last >= policy.stagnationWindow;
}

/** What the record keeps of the search step that produced it. */
export interface SearchStep {
  /** The strategy's behaviour cell (null when it has none: failed, or no turnover/holdings). */
  readonly cell: string | null;
  readonly family: FactorFamily | null;
  /** The cell of the parent it was derived from (null: template, exploration, LLM, or champion-only search). */
  readonly parentCell: string | null;
  /** The other parent of a crossover. */
  readonly mateId: string | null;
  /** Why the parent was chosen: `archive`, `champion`, `explore` (stagnation), `template`, `llm`. */
  readonly parentChoice: 'archive' | 'champion' | 'explore' | 'template' | 'llm';
  /** What the archive did with it (null when it was not offered: not level 3, or the search keeps no archive). */
  readonly archive: ArchiveDecision | null;
}
