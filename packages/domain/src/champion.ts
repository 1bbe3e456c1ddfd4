import { calmarOf, type StrategyMetrics } from './metrics.js';
import type { SuccessLevel } from './levels.js';
import type { StrategySource } from './iteration-record.js';
import type { SelectionEvidence } from './evidence.js';

/** The best strategy of a run so far. `version` increases by one on every replacement (compare-and-set). */
export interface Champion {
  readonly runId: string;
  readonly strategyId: string;
  readonly code: string;
  readonly source: StrategySource;
  /** In-sample metrics. */
  readonly metrics: StrategyMetrics;
  /** The in-sample folds and robust score it was promoted on (null for champions stored before folds existed). */
  readonly evidence: SelectionEvidence | null;
  /**
   * Its metrics on the locked holdout, measured once when it was promoted (null without a holdout). Never shown to
   * the search: strip it with `withoutHoldout` before a champion goes into feedback, a prompt or a mutation.
   */
  readonly holdout: StrategyMetrics | null;
  /** Iteration at which this strategy became champion. */
  readonly iteration: number;
  readonly version: number;
}

/** The champion as the search may see it: everything but the holdout. */
export function withoutHoldout(champion: Champion): Champion;
export function withoutHoldout(champion: Champion | null): Champion | null;
export function withoutHoldout(champion: Champion | null): Champion | null {
  return champion === null || champion.holdout === null ? champion : { ...champion, holdout: null };
}

/** The score a champion is compared on: its robust score, or its Sharpe for a champion stored before scores. */
export function championScore(champion: Champion): number {
  return champion.evidence?.score ?? champion.metrics.sharpe ?? 0;
}

export interface ChampionPolicy {
  /**
   * The first champion needs level 3, an in-sample Sharpe strictly above this and a positive robust score (its edge
   * is not one lucky fold); every later change compares robust scores.
   */
  readonly minSharpeForFirst: number;
  /** Iterations after a change during which the stricter relative threshold applies. */
  readonly probationPeriod: number;
  readonly probationThreshold: number;
  readonly postProbationThreshold: number;
  /** A challenger this much above the champion's score (absolute) also qualifies. */
  readonly additiveThreshold: number;
  /** The challenger's Calmar must keep at least this share of the champion's. */
  readonly calmarRetention: number;
  /** The challenger's drawdown may be at most this factor deeper (−0.15 × 1.10 = −0.165). */
  readonly drawdownTolerance: number;
}

export const DEFAULT_CHAMPION_POLICY: ChampionPolicy = {
  minSharpeForFirst: 0.5,
  probationPeriod: 2,
  probationThreshold: 0.1,
  postProbationThreshold: 0.05,
  additiveThreshold: 0.02,
  calmarRetention: 0.8,
  drawdownTolerance: 1.1,
};

export interface ChampionChallenger {
  readonly level: SuccessLevel;
  readonly metrics: StrategyMetrics;
  /** The robust in-sample score (`robustScore` of its folds); the hysteresis bars apply to it. */
  readonly score: number | null;
  readonly iteration: number;
}

export type ChampionRule = 'first' | 'relative' | 'absolute' | 'tie_break';

export interface ChampionDecision {
  readonly replace: boolean;
  /** The rule that admitted the challenger, when it was admitted. */
  readonly rule: ChampionRule | null;
  /** Human-readable reasons, in the order the checks ran. */
  readonly reasons: readonly string[];
}

const fmt = (value: number | null): string => (value === null ? 'missing' : value.toFixed(4));

function reject(reasons: string[], why: string): ChampionDecision {
  return { replace: false, rule: null, reasons: [...reasons, why] };
}

/**
 * Decides whether a challenger replaces the champion. Pure: the caller applies the decision with a
 * compare-and-set, and re-decides against the newer champion when another writer got there first.
 */
export function decideChampion(
  champion: Champion | null,
  challenger: ChampionChallenger,
  policy: ChampionPolicy = DEFAULT_CHAMPION_POLICY,
): ChampionDecision {
  const reasons: string[] = [];
  const score = challenger.score;
  if (challenger.level !== 3 || challenger.metrics.sharpe === null) {
    return reject(reasons, `level ${challenger.level} is not PROFITABLE (level 3 with a Sharpe)`);
  }
  if (score === null) return reject(reasons, 'no robust score: no in-sample fold has a Sharpe');
  if (champion === null) {
    const sharpe = challenger.metrics.sharpe;
    if (sharpe <= policy.minSharpeForFirst) return reject(reasons, `no champion yet and Sharpe ${fmt(sharpe)} is not above ${policy.minSharpeForFirst}`);
    if (score <= 0) return reject(reasons, `no champion yet and robust score ${fmt(score)} is not positive (Sharpe ${fmt(sharpe)} rests on a lucky fold)`);
    return { replace: true, rule: 'first', reasons: [`first champion: Sharpe ${fmt(sharpe)} > ${policy.minSharpeForFirst}, robust score ${fmt(score)} > 0`] };
  }

  const championValue = championScore(champion);
  const sinceChange = challenger.iteration - champion.iteration;
  const onProbation = sinceChange <= policy.probationPeriod;
  const relative = onProbation ? policy.probationThreshold : policy.postProbationThreshold;
  const relativeBar = championValue * (1 + relative);
  const absoluteBar = championValue + policy.additiveThreshold;
  let rule: ChampionRule | null = null;
  if (score >= relativeBar) rule = 'relative';
  else if (score >= absoluteBar) rule = 'absolute';

  if (rule === null) {
    if (score === championValue) return tieBreak(champion, challenger, reasons);
    return reject(
      reasons,
      `robust score ${fmt(score)} below both bars: ${fmt(relativeBar)} (+${relative * 100}%${onProbation ? ', probation' : ''}) and ${fmt(absoluteBar)} (+${policy.additiveThreshold})`,
    );
  }
  reasons.push(
    rule === 'relative'
      ? `robust score ${fmt(score)} ≥ ${fmt(relativeBar)} (champion ${fmt(championValue)} +${relative * 100}%${onProbation ? ', probation' : ''})`
      : `robust score ${fmt(score)} ≥ ${fmt(absoluteBar)} (champion ${fmt(championValue)} +${policy.additiveThreshold} absolute)`,
  );

  const newCalmar = calmarOf(challenger.metrics);
  const oldCalmar = calmarOf(champion.metrics);
  if (newCalmar !== null && oldCalmar !== null) {
    const calmarBar = oldCalmar * policy.calmarRetention;
    if (newCalmar < calmarBar) {
      return reject(reasons, `Calmar ${fmt(newCalmar)} keeps less than ${policy.calmarRetention * 100}% of ${fmt(oldCalmar)} (needs ≥ ${fmt(calmarBar)})`);
    }
    reasons.push(`Calmar ${fmt(newCalmar)} ≥ ${fmt(calmarBar)}`);
  } else {
    reasons.push('Calmar check skipped: a Calmar ratio is missing');
  }

  const newDrawdown = challenger.metrics.maxDrawdown;
  const oldDrawdown = champion.metrics.maxDrawdown;
  if (newDrawdown !== null && oldDrawdown !== null) {
    const drawdownBar = oldDrawdown * policy.drawdownTolerance;
    if (newDrawdown < drawdownBar) {
      return reject(reasons, `drawdown ${fmt(newDrawdown)} deeper than allowed ${fmt(drawdownBar)}`);
    }
    reasons.push(`drawdown ${fmt(newDrawdown)} ≥ ${fmt(drawdownBar)}`);
  } else {
    reasons.push('drawdown check skipped: a drawdown is missing');
  }
  return { replace: true, rule, reasons };
}

function tieBreak(champion: Champion, challenger: ChampionChallenger, reasons: string[]): ChampionDecision {
  // Drawdowns are negative: the shallower one is the larger number; missing counts as the deepest.
  const newDrawdown = challenger.metrics.maxDrawdown ?? Number.NEGATIVE_INFINITY;
  const oldDrawdown = champion.metrics.maxDrawdown ?? Number.NEGATIVE_INFINITY;
  if (newDrawdown > oldDrawdown) {
    return {
      replace: true,
      rule: 'tie_break',
      reasons: [...reasons, `equal score; drawdown ${fmt(challenger.metrics.maxDrawdown)} shallower than ${fmt(champion.metrics.maxDrawdown)}`],
    };
  }
  return reject(reasons, `equal score and drawdown ${fmt(challenger.metrics.maxDrawdown)} not shallower than ${fmt(champion.metrics.maxDrawdown)}`);
}
