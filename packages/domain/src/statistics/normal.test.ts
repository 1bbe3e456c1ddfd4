import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from './normal.js';

/** |actual − expected| / |expected| ≤ tolerance. */
function expectRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(tolerance);
}

// Φ(x) computed with mpmath at 40 digits (ncdf) at the double nearest x, rounded to the nearest double.
const CDF_REFERENCE: readonly (readonly [number, number])[] = [
  [-37, 5.725571222524577e-300],
  [-36.7, 3.651529302803418e-295], // x² is not a double here: the split of e^(−x²/2) matters
  [-30, 4.906713927148187e-198],
  [-25.3, 1.5971151302422e-141],
  [-20, 2.7536241186062337e-89],
  [-10, 7.619853024160525e-24],
  [-9.1, 4.5165914914354566e-20],
  [-8, 6.220960574271784e-16],
  [-5, 2.866515718791939e-07],
  [-3, 0.0013498980316300946],
  [-2.2, 0.013903447513498604],
  [-2.1, 0.017864420562816553],
  [-1.45, 0.07352925960964836], // z = |x|/√2 = 1.025: continued fraction
  [-1.4, 0.08075665923377107], // z = 0.990: series
  [-1, 0.15865525393145705],
  [-0.5, 0.3085375387259869],
  [-0.1, 0.460172162722971],
];
// 1 − Φ(x) for positive x, to check that the upper side is 1 − tail.
const UPPER_REFERENCE: readonly (readonly [number, number])[] = [
  [0.3, 0.3820885778110474],
  [1, 0.15865525393145705],
  [2, 0.02275013194817921],
  [2.1, 0.017864420562816553],
  [2.2, 0.013903447513498604],
  [1.45, 0.07352925960964836],
  [1.4, 0.08075665923377107],
  [3, 0.0013498980316300946],
];

// Φ⁻¹(p), by Newton iterations on mpmath ncdf at 40 digits, rounded to the nearest double.
const QUANTILE_REFERENCE: readonly (readonly [number, number])[] = [
  [1e-300, -37.0470962993612],
  [1e-100, -21.273453560965326],
  [1e-10, -6.361340902404057],
  [0.001, -3.0902323061678136],
  [0.01, -2.326347874040841],
  [0.02, -2.053748910631823], // Acklam's lower tail
  [0.025, -1.9599639845400543], // Acklam's central region
  [0.1, -1.2815515655446004],
  [0.3, -0.5244005127080408],
  [0.975, 1.9599639845400543],
  [0.99, 2.326347874040841],
];

describe('normalCdf', () => {
  it.each(CDF_REFERENCE)('Φ(%d) matches the 40-digit reference to 5e-15 relative, far tail included', (x, expected) => {
    expectRelative(normalCdf(x), expected, 5e-15);
  });

  it.each(UPPER_REFERENCE)('1 − Φ(%d) matches the reference (the upper side is 1 − the tail)', (x, tail) => {
    expect(Math.abs(normalCdf(x) - (1 - tail))).toBeLessThanOrEqual(2 * Number.EPSILON);
    expectRelative(normalCdf(-x), tail, 5e-15);
  });

  it('is exactly ½ at 0, saturates at the ends, and keeps NaN', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(8)).toBe(1 - 6.220960574271784e-16);
    expect([normalCdf(-40), normalCdf(-Infinity), normalCdf(40), normalCdf(Infinity)]).toEqual([0, 0, 1, 1]);
    expect(normalCdf(Number.NaN)).toBeNaN();
  });

  it('is symmetric, Φ(−x) = 1 − Φ(x), and increasing', () => {
    fc.assert(
      fc.property(fc.double({ min: -9, max: 9, noNaN: true }), fc.double({ min: 1e-3, max: 1, noNaN: true }), (x, step) => {
        expect(Math.abs(normalCdf(-x) - (1 - normalCdf(x)))).toBeLessThanOrEqual(2 * Number.EPSILON);
        expect(normalCdf(x + step)).toBeGreaterThanOrEqual(normalCdf(x));
      }),
    );
  });
});

describe('normalQuantile', () => {
  it.each(QUANTILE_REFERENCE)('Φ⁻¹(%d) matches the reference to 1e-14 relative', (p, expected) => {
    expectRelative(normalQuantile(p), expected, 1e-14);
  });

  it('is 0 at ½, ±∞ at 0 and 1, NaN outside [0, 1]', () => {
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    for (const p of [-0.1, -1e-300, 1.1, 2, Number.NaN, Infinity, -Infinity]) expect(normalQuantile(p)).toBeNaN();
  });

  it('is antisymmetric: Φ⁻¹(1 − p) = −Φ⁻¹(p)', () => {
    expect(normalQuantile(0.75)).toBe(-normalQuantile(0.25));
    expect(normalQuantile(0.999)).toBe(-normalQuantile(1 - 0.999));
  });

  it('falls back on the first guess where the refinement overflows (subnormal p)', () => {
    // Φ⁻¹(5e-324) = −38.4674056…; Acklam alone is good to ~1e-9 relative.
    expectRelative(normalQuantile(5e-324), -38.46740568, 2e-9);
    expectRelative(normalQuantile(1e-320), -38.26912540, 2e-9);
  });

  it('inverts normalCdf over the whole range, to the accuracy of Φ plus the rounding of x', () => {
    fc.assert(
      fc.property(fc.double({ min: -300, max: -1e-3, noNaN: true }), (exponent) => {
        const p = 10 ** exponent; // log-uniform in (1e-300, 0.998)
        const x = normalQuantile(p);
        // Φ's own error (< 3e-15), plus the rounding of x: Φ moves by a relative |x|·dx, and dx ≈ |x|·2⁻⁵³.
        expectRelative(normalCdf(x), p, 5e-15 + 4e-16 * x * x);
      }),
      { numRuns: 300 },
    );
  });
});
