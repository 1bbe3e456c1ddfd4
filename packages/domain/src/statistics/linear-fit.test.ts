import { describe, expect, it } from 'vitest';
import { fitLine } from './linear-fit.js';

describe('fitLine', () => {
  it('is ordinary least squares', () => {
    expect(fitLine([0, 1, 2, 3], [1, 3, 5, 7])).toEqual({ slope: 2, intercept: 1 });
    expect(fitLine([1, 2, 3], [1, 0, 1]).slope).toBeCloseTo(0, 15);
    // x̄ = 2, ȳ = 4/3: Σ(x−x̄)(y−ȳ) = −1, Σ(x−x̄)² = 2 → slope −½, intercept ȳ − slope·x̄ = 4/3 + 1
    const down = fitLine([1, 2, 3], [2, 1, 1]);
    expect(down.slope).toBeCloseTo(-0.5, 15);
    expect(down.intercept).toBeCloseTo(4 / 3 + 1, 15);
  });

  it('stays accurate far from zero (deviations, not raw products)', () => {
    // x̄ = 1/3, ȳ = 1e8 − 1: Σ(x−x̄)(y−ȳ) = −48/30, Σ(x−x̄)² = 186/900 → slope −240/31
    const fit = fitLine([0.1, 0.2, 0.7], [1e8, 1e8 + 1, 1e8 - 4]);
    expect(fit.slope).toBeCloseTo(-240 / 31, 12);
    expect(fit.intercept).toBeCloseTo(1e8 - 1 + (240 / 31) / 3, 6);
  });

  it('is NaN when x does not vary or there is no point', () => {
    expect(fitLine([2, 2, 2], [1, 2, 3])).toEqual({ slope: Number.NaN, intercept: Number.NaN });
    expect(fitLine([], [])).toEqual({ slope: Number.NaN, intercept: Number.NaN });
  });
});
