import { calmarOf, type StrategyMetrics } from './metrics.js';
import type { SuccessLevel } from './levels.js';
import type { StrategySource } from './iteration-record.js';

/** The best strategy of a run so far. `version` increases by one on every replacement (compare-and-set). */
export interface Champion {
  readonly runId: string;
  readonly strategyId: string;
  readonly code: string;
  readonly source: StrategySource;
  readonly metrics: StrategyMetrics;
  /** Iteration at which this strategy became champion. */
  readonly iteration: number;
  readonly version: number;
}

export interface ChampionPolicy {
  /** The first champion needs level 3 and a Sharpe strictly above this. */
  readonly minSharpeForFirst: number;
  /** Iterations after a change during which the stricter relative threshold applies. */
  readonly probationPeriod: number;
  readonly probationThreshold: number;
  readonly postProbationThreshold: number;
  /** A challenger this much above the champion's Sharpe (absolute) also qualifies. */
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
  const sharpe = challenger.metrics.sharpe;
  if (challenger.level !== 3 || sharpe === null) {
    return reject(reasons, `level ${challenger.level} is not PROFITABLE (level 3 with a Sharpe)`);
  }
  if (champion === null) {
    if (sharpe > policy.minSharpeForFirst) {
      return { replace: true, rule: 'first', reasons: [`first champion: Sharpe ${fmt(sharpe)} > ${policy.minSharpeForFirst}`] };
    }
    return reject(reasons, `no champion yet and Sharpe ${fmt(sharpe)} is not above ${policy.minSharpeForFirst}`);
  }

  const championSharpe = champion.metrics.sharpe ?? 0;
  const sinceChange = challenger.iteration - champion.iteration;
  const onProbation = sinceChange <= policy.probationPeriod;
  const relative = onProbation ? policy.probationThreshold : policy.postProbationThreshold;
  const relativeBar = championSharpe * (1 + relative);
  const absoluteBar = championSharpe + policy.additiveThreshold;
  let rule: ChampionRule | null = null;
  if (sharpe >= relativeBar) rule = 'relative';
  else if (sharpe >= absoluteBar) rule = 'absolute';

  if (rule === null) {
    if (sharpe === championSharpe) return tieBreak(champion, challenger, reasons);
    return reject(
      reasons,
      `Sharpe ${fmt(sharpe)} below both bars: ${fmt(relativeBar)} (+${relative * 100}%${onProbation ? ', probation' : ''}) and ${fmt(absoluteBar)} (+${policy.additiveThreshold})`,
    );
  }
  reasons.push(
    rule === 'relative'
      ? `Sharpe ${fmt(sharpe)} ≥ ${fmt(relativeBar)} (champion ${fmt(championSharpe)} +${relative * 100}%${onProbation ? ', probation' : ''})`
      : `Sharpe ${fmt(sharpe)} ≥ ${fmt(absoluteBar)} (champion ${fmt(championSharpe)} +${policy.additiveThreshold} absolute)`,
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
      reasons: [...reasons, `equal Sharpe; drawdown ${fmt(challenger.metrics.maxDrawdown)} shallower than ${fmt(champion.metrics.maxDrawdown)}`],
    };
  }
  return reject(reasons, `equal Sharpe and drawdown ${fmt(challenger.metrics.maxDrawdown)} not shallower than ${fmt(champion.metrics.maxDrawdown)}`);
}
