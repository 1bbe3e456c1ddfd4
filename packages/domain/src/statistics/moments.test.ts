import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { returnMoments } from './moments.js';

describe('returnMoments', () => {
  it('matches SciPy: sample std (ddof 1), per-period Sharpe, population skewness, RAW kurtosis', () => {
    // numpy mean / std(ddof=1); scipy.stats.skew(x); scipy.stats.kurtosis(x, fisher=False)
    const m = returnMoments([0.01, -0.02, 0.03, 0.005, -0.01, 0.04]);
    expect(m.observations).toBe(6);
    expect(m.mean).toBeCloseTo(0.009166666666666667, 15);
    expect(m.std).toBeCloseTo(0.022894686428659963, 15);
    expect(m.sharpe).toBeCloseTo(0.4003840233946893, 13);
    expect(m.skewness).toBeCloseTo(0.1173991666676569, 13);
    expect(m.kurtosis).toBeCloseTo(1.7043557164196839, 13);
    const skewed = returnMoments(Float64Array.from([1, 2, 3, 4, 100]));
    expect(skewed.mean).toBe(22);
    expect(skewed.std).toBeCloseTo(43.617656975128774, 12);
    expect(skewed.sharpe).toBeCloseTo(0.5043828927478755, 13);
    expect(skewed.skewness).toBeCloseTo(1.4975367033335198, 13);
    expect(skewed.kurtosis).toBeCloseTo(3.2467164893001637, 13);
  });

  it('skips NaN entries (and counts only what it used)', () => {
    const withGaps = returnMoments([Number.NaN, 0.01, -0.02, Number.NaN, 0.03, 0.005, -0.01, 0.04, Number.NaN]);
    expect(withGaps).toEqual(returnMoments([0.01, -0.02, 0.03, 0.005, -0.01, 0.04]));
    expect(withGaps.observations).toBe(6);
  });

  it('gives NaN moments below 2 observations', () => {
    const nan = { mean: Number.NaN, std: Number.NaN, sharpe: Number.NaN, skewness: Number.NaN, kurtosis: Number.NaN };
    expect(returnMoments([])).toEqual({ observations: 0, ...nan });
    expect(returnMoments([0.5, Number.NaN])).toEqual({ observations: 1, ...nan });
    expect(returnMoments([0.5, 0.25]).observations).toBe(2);
    expect(returnMoments([0.5, 0.25]).std).toBeCloseTo(Math.SQRT1_2 * 0.25, 15);
  });

  it('leaves Sharpe, skewness and kurtosis undefined for a stream without variation', () => {
    // 0.1 does not sum to an exact mean: a variance test would see ~1e-35 and report a Sharpe of ~1e16.
    const flat = returnMoments([0.1, 0.1, 0.1, Number.NaN, 0.1, 0.1, 0.1, 0.1]);
    expect(flat).toEqual({ observations: 7, mean: 0.1, std: 0, sharpe: Number.NaN, skewness: Number.NaN, kurtosis: Number.NaN });
    expect(returnMoments([0, 0, 0]).mean).toBe(0);
  });

  it('is the normal shape for a symmetric two-point stream: skewness 0, kurtosis 1', () => {
    const m = returnMoments([1, -1, 1, -1]);
    expect(m).toEqual({ observations: 4, mean: 0, std: Math.sqrt(4 / 3), sharpe: 0, skewness: 0, kurtosis: 1 });
  });

  it('Sharpe, skewness and kurtosis do not depend on the scale; kurtosis ≥ 1 + skewness²', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 3, maxLength: 60 }),
        fc.constantFrom(2, 0.5, 8),
        (values, scale) => {
          const m = returnMoments(values);
          fc.pre(m.std > 1e-6);
          const scaled = returnMoments(values.map((v) => v * scale));
          expect(scaled.sharpe).toBeCloseTo(m.sharpe, 9);
          expect(scaled.skewness).toBeCloseTo(m.skewness, 9);
          expect(scaled.kurtosis).toBeCloseTo(m.kurtosis, 9);
          expect(m.kurtosis).toBeGreaterThanOrEqual(1 + m.skewness * m.skewness - 1e-9);
        },
      ),
    );
  });
});
