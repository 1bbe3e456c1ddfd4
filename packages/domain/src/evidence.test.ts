import { describe, expect, it } from 'vitest';
import { FOLD_SPREAD_PENALTY, robustScore, type FoldSharpe } from './evidence.js';

const folds = (...sharpes: (number | null)[]): FoldSharpe[] => sharpes.map((sharpe, i) => ({ start: `201${i}-01-02`, end: `201${i}-12-31`, sharpe }));

describe('robustScore', () => {
  it('keeps a steady strategy at its Sharpe', () => {
    expect(robustScore(folds(1, 1, 1, 1))).toBe(1);
  });

  it('charges an edge that lives in one lucky fold: mean minus half the sample deviation', () => {
    expect(FOLD_SPREAD_PENALTY).toBe(0.5);
    expect(robustScore(folds(0.5, 0.5, 0.5, 2.5))).toBeCloseTo(0.5, 12);
    // mean 1.5, sample sd 1 → 1.5 − 0.5
    expect(robustScore(folds(1, 2, 1, 2).map((f, i) => ({ ...f, sharpe: [0.5, 1.5, 2.5, 1.5][i] ?? null })))).toBeCloseTo(1.5 - 0.5 * Math.sqrt(2 / 3), 12);
    expect(robustScore(folds(0, 2), 1)).toBeCloseTo(1 - Math.SQRT2, 12);
  });

  it('counts a fold without a Sharpe as zero, and has no score without any', () => {
    expect(robustScore(folds(1, null))).toBeCloseTo(0.5 - 0.5 * Math.SQRT1_2, 12);
    expect(robustScore(folds(null, null))).toBeNull();
    expect(robustScore([])).toBeNull();
    expect(robustScore(folds(0.8))).toBe(0.8);
  });

  it('never scores above the mean fold Sharpe', () => {
    for (const s of [folds(0.1, 0.9, -0.3, 1.4), folds(2, 2.1, 1.9, 2.2)]) {
      const mean = s.reduce((a, f) => a + (f.sharpe ?? 0), 0) / s.length;
      expect(robustScore(s)).toBeLessThanOrEqual(mean);
    }
  });
});
