import { describe, expect, it } from 'vitest';
import { championScore, decideChampion, DEFAULT_CHAMPION_POLICY, withoutHoldout, type Champion, type ChampionChallenger } from './champion.js';
import { metricsFrom, type RawMetrics } from './metrics.js';

const champion = (raw: RawMetrics, iteration = 0): Champion => ({
  runId: 'r',
  strategyId: 'c',
  code: 'x',
  source: 'llm',
  metrics: metricsFrom(raw),
  evidence: null,
  holdout: null,
  iteration,
  version: 1,
});
const challenger = (raw: RawMetrics, iteration = 10, level: 0 | 1 | 2 | 3 = 3): ChampionChallenger => ({
  level,
  metrics: metricsFrom(raw),
  score: raw.sharpe ?? null,
  iteration,
});

describe('decideChampion', () => {
  it('keeps the documented default numbers', () => {
    expect(DEFAULT_CHAMPION_POLICY).toEqual({
      minSharpeForFirst: 0.5,
      probationPeriod: 2,
      probationThreshold: 0.1,
      postProbationThreshold: 0.05,
      additiveThreshold: 0.02,
      calmarRetention: 0.8,
      drawdownTolerance: 1.1,
    });
  });

  it('needs level 3 with a Sharpe', () => {
    expect(decideChampion(null, challenger({ sharpe: 2 }, 0, 2)).replace).toBe(false);
    expect(decideChampion(null, challenger({ totalReturn: 1 }, 0, 3)).replace).toBe(false);
    expect(decideChampion(null, challenger({ sharpe: 2 }, 0, 2)).reasons).toEqual(['level 2 is not PROFITABLE (level 3 with a Sharpe)']);
  });

  it('crowns the first champion only above Sharpe 0.5 (strictly)', () => {
    expect(decideChampion(null, challenger({ sharpe: 0.5 }))).toEqual({
      replace: false,
      rule: null,
      reasons: ['no champion yet and Sharpe 0.5000 is not above 0.5'],
    });
    expect(decideChampion(null, challenger({ sharpe: 0.5001 }))).toEqual({
      replace: true,
      rule: 'first',
      reasons: ['first champion: Sharpe 0.5001 > 0.5, robust score 0.5001 > 0'],
    });
  });

  describe('probation (within 2 iterations of a change): +10% relative or +0.02 absolute', () => {
    const current = champion({ sharpe: 1 }, 8);
    it('admits +10% at the edge of probation', () => {
      expect(decideChampion(current, challenger({ sharpe: 1.1 }, 10))).toMatchObject({ replace: true, rule: 'relative' });
    });
    it('admits +0.02 absolute even when +10% is not reached', () => {
      expect(decideChampion(current, challenger({ sharpe: 1.02 }, 9))).toMatchObject({ replace: true, rule: 'absolute' });
    });
    it('rejects below both bars and says which', () => {
      const decision = decideChampion(current, challenger({ sharpe: 1.0199 }, 10));
      expect(decision.replace).toBe(false);
      expect(decision.reasons).toEqual(['robust score 1.0199 below both bars: 1.1000 (+10%, probation) and 1.0200 (+0.02)']);
    });
  });

  describe('after probation: +5% relative or +0.02 absolute', () => {
    it('uses 5% from the third iteration after the change', () => {
      const current = champion({ sharpe: 1 }, 7);
      expect(decideChampion(current, challenger({ sharpe: 1.05 }, 10))).toMatchObject({ replace: true, rule: 'relative' });
      expect(decideChampion(current, challenger({ sharpe: 1.05 }, 9))).toMatchObject({ replace: true, rule: 'absolute' });
      expect(decideChampion(current, challenger({ sharpe: 1.0499 }, 10))).toMatchObject({ replace: true, rule: 'absolute' });
      expect(decideChampion(current, challenger({ sharpe: 1.0199 }, 10)).reasons).toEqual(['robust score 1.0199 below both bars: 1.0500 (+5%) and 1.0200 (+0.02)']);
    });
    it('explains the rule that admitted the challenger', () => {
      const current = champion({ sharpe: 1 }, 0);
      expect(decideChampion(current, challenger({ sharpe: 1.5 })).reasons[0]).toBe('robust score 1.5000 ≥ 1.0500 (champion 1.0000 +5%)');
      expect(decideChampion(champion({ sharpe: 1 }, 9), challenger({ sharpe: 1.5 })).reasons[0]).toBe('robust score 1.5000 ≥ 1.1000 (champion 1.0000 +10%, probation)');
      expect(decideChampion(champion({ sharpe: 1 }, 0), challenger({ sharpe: 1.03 })).reasons[0]).toBe('robust score 1.0300 ≥ 1.0200 (champion 1.0000 +0.02 absolute)');
    });
  });

  describe('multi-objective guard', () => {
    const current = champion({ sharpe: 1, calmar: 1, maxDrawdown: -0.15 }, 0);
    it('keeps 80% of the Calmar ratio', () => {
      expect(decideChampion(current, challenger({ sharpe: 2, calmar: 0.8, maxDrawdown: -0.15 })).replace).toBe(true);
      const rejected = decideChampion(current, challenger({ sharpe: 2, calmar: 0.79, maxDrawdown: -0.15 }));
      expect(rejected.replace).toBe(false);
      expect(rejected.reasons[1]).toBe('Calmar 0.7900 keeps less than 80% of 1.0000 (needs ≥ 0.8000)');
    });
    it('uses CAGR / |drawdown| when Calmar is not reported', () => {
      const withCagr = champion({ sharpe: 1, cagr: 0.3, maxDrawdown: -0.15 }, 0);
      expect(decideChampion(withCagr, challenger({ sharpe: 2, cagr: 0.1, maxDrawdown: -0.15 })).replace).toBe(false);
    });
    it('allows the drawdown to be at most 10% deeper (−0.15 → ≥ −0.165)', () => {
      expect(decideChampion(current, challenger({ sharpe: 2, calmar: 1, maxDrawdown: -0.165 })).replace).toBe(true);
      const rejected = decideChampion(current, challenger({ sharpe: 2, calmar: 1, maxDrawdown: -0.1651 }));
      expect(rejected.replace).toBe(false);
      expect(rejected.reasons[2]).toBe('drawdown -0.1651 deeper than allowed -0.1650');
    });
    it('skips a check when a value is missing, and says so', () => {
      const decision = decideChampion(champion({ sharpe: 1 }, 0), challenger({ sharpe: 2 }));
      expect(decision.replace).toBe(true);
      expect(decision.reasons.slice(1)).toEqual(['Calmar check skipped: a Calmar ratio is missing', 'drawdown check skipped: a drawdown is missing']);
      const passed = decideChampion(current, challenger({ sharpe: 2, calmar: 1, maxDrawdown: -0.1 }));
      expect(passed.reasons.slice(1)).toEqual(['Calmar 1.0000 ≥ 0.8000', 'drawdown -0.1000 ≥ -0.1650']);
    });
  });

  describe('tie-break on equal Sharpe', () => {
    const current = champion({ sharpe: 1, maxDrawdown: -0.2 }, 0);
    it('prefers the shallower drawdown', () => {
      expect(decideChampion(current, challenger({ sharpe: 1, maxDrawdown: -0.1 }))).toEqual({
        replace: true,
        rule: 'tie_break',
        reasons: ['equal score; drawdown -0.1000 shallower than -0.2000'],
      });
    });
    it('keeps the champion on a deeper or equal drawdown', () => {
      expect(decideChampion(current, challenger({ sharpe: 1, maxDrawdown: -0.3 })).replace).toBe(false);
      expect(decideChampion(current, challenger({ sharpe: 1, maxDrawdown: -0.2 })).reasons).toEqual([
        'equal score and drawdown -0.2000 not shallower than -0.2000',
      ]);
      expect(decideChampion(current, challenger({ sharpe: 1 })).replace).toBe(false);
    });
    it('treats a champion without drawdown as the deepest', () => {
      expect(decideChampion(champion({ sharpe: 1 }, 0), challenger({ sharpe: 1, maxDrawdown: -0.9 })).replace).toBe(true);
    });
  });

  it('applies a custom policy', () => {
    const strict = { ...DEFAULT_CHAMPION_POLICY, postProbationThreshold: 0.5, additiveThreshold: 1 };
    expect(decideChampion(champion({ sharpe: 1 }, 0), challenger({ sharpe: 1.4 }), strict).replace).toBe(false);
    expect(decideChampion(champion({ sharpe: 1 }, 0), challenger({ sharpe: 1.5 }), strict).replace).toBe(true);
    expect(decideChampion(null, challenger({ sharpe: 0.7 }), { ...strict, minSharpeForFirst: 0.8 }).replace).toBe(false);
  });

  describe('robust score', () => {
    it('compares the challenger\'s robust score, not its whole-period Sharpe', () => {
      const lucky = { level: 3 as const, metrics: metricsFrom({ sharpe: 2 }), score: -0.1, iteration: 10 };
      expect(decideChampion(null, lucky)).toEqual({
        replace: false,
        rule: null,
        reasons: ['no champion yet and robust score -0.1000 is not positive (Sharpe 2.0000 rests on a lucky fold)'],
      });
      expect(decideChampion(null, { ...lucky, score: 0 }).replace).toBe(false);
      expect(decideChampion(null, { ...lucky, score: 0.0001 })).toMatchObject({ replace: true, rule: 'first' });
      expect(decideChampion(champion({ sharpe: 1 }, 0), { ...lucky, score: 1.06 })).toMatchObject({ replace: true, rule: 'relative' });
    });

    it('measures the champion by its stored robust score when it has one', () => {
      const scored: Champion = { ...champion({ sharpe: 3 }, 0), evidence: { folds: [], score: 1, profile: null, monthlyReturns: [], suspicious: [] } };
      expect(championScore(scored)).toBe(1);
      expect(championScore(champion({ sharpe: 3 }, 0))).toBe(3);
      expect(championScore(champion({}, 0))).toBe(0);
      expect(decideChampion(scored, challenger({ sharpe: 1.06 })).replace).toBe(true);
    });

    it('refuses a challenger without a robust score', () => {
      expect(decideChampion(null, { level: 3, metrics: metricsFrom({ sharpe: 2 }), score: null, iteration: 1 }).reasons).toEqual([
        'no robust score: no in-sample fold has a Sharpe',
      ]);
    });
  });

  it('strips the holdout from a champion the search may see, and nothing else', () => {
    const withHoldout: Champion = { ...champion({ sharpe: 1 }, 0), holdout: metricsFrom({ sharpe: 7.777 }) };
    expect(withoutHoldout(withHoldout)).toEqual({ ...withHoldout, holdout: null });
    expect(withoutHoldout(null)).toBeNull();
    const plain = champion({ sharpe: 1 }, 0);
    expect(withoutHoldout(plain)).toBe(plain);
  });
});
