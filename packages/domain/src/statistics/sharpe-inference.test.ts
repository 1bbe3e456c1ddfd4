import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deflatedSharpe, expectedMaxSharpe, minTrackRecordLength, probabilisticSharpe } from './sharpe-inference.js';

const DAYS_PER_YEAR = 250;

/**
 * The worked example of the research notes (the DSR paper's illustration): N = 100 trials, V = 0.5
 * annualised, T = 1,250 daily returns, SR = 2.5 annualised, skewness −3, raw kurtosis 10. Reference
 * figures below come from the same formulas evaluated with mpmath at 40 digits.
 */
const example = {
  sharpe: 2.5 / Math.sqrt(DAYS_PER_YEAR), // 0.1581 daily
  observations: 1250,
  skewness: -3,
  kurtosis: 10,
  trials: 100,
  trialVariance: 0.5 / DAYS_PER_YEAR,
};

describe('the worked example', () => {
  it('expected maximum Sharpe of 100 trials: 0.1132 daily, 1.789 annualised', () => {
    const expectedMax = expectedMaxSharpe(example.trials, example.trialVariance);
    expect(expectedMax).toBeCloseTo(0.113172001865132, 13);
    expect(expectedMax * Math.sqrt(DAYS_PER_YEAR)).toBeCloseTo(1.789, 3);
  });

  it('DSR = 0.9004 (z = 1.2838)', () => {
    const { dsr, expectedMax } = deflatedSharpe(example);
    expect(dsr).toBeCloseTo(0.90039683444939, 12);
    expect(dsr).toBeCloseTo(0.9004, 4);
    expect(expectedMax).toBe(expectedMaxSharpe(example.trials, example.trialVariance));
  });

  it('PSR(0) ≈ 0.999997', () => {
    const psr = probabilisticSharpe({ ...example, benchmark: 0 });
    expect(psr).toBeCloseTo(0.99999685950790, 13);
    expect(1 - psr).toBeCloseTo(3.1404921e-6, 12);
  });

  it('MinTRL ≈ 167 days at 95 % confidence against SR* = 0 (the only usual α that gives 167)', () => {
    const at = (confidence: number) => minTrackRecordLength({ ...example, benchmark: 0, confidence });
    expect(at(0.95)).toBeCloseTo(166.6432886765356, 10);
    expect(Math.ceil(at(0.95))).toBe(167);
    expect(at(0.9)).toBeCloseTo(101.5521825760420, 10);
    expect(at(0.975)).toBeCloseTo(236.1881916411536, 10);
    expect(at(0.99)).toBeCloseTo(332.3360168631227, 10);
  });
});

describe('probabilisticSharpe', () => {
  const normal = { skewness: 0, kurtosis: 3 };

  it('is Φ((SR − SR*)·√(T − 1) / √(1 − γ₃·SR + (γ₄ − 1)/4·SR²))', () => {
    // normal returns: z = 0.1·√100 / √(1 + 0.1²/2) = 0.99750934
    expect(probabilisticSharpe({ ...normal, sharpe: 0.1, benchmark: 0, observations: 101 })).toBeCloseTo(0.84074132780135, 13);
    // skewness −1, kurtosis 6: factor = 1 + 0.05 + 1.25·0.0025
    expect(probabilisticSharpe({ sharpe: 0.05, benchmark: 0.01, observations: 500, skewness: -1, kurtosis: 6 })).toBeCloseTo(0.80804197344979, 13);
  });

  it('is ½ when the Sharpe equals the benchmark, and below ½ under it', () => {
    expect(probabilisticSharpe({ ...normal, sharpe: 0.08, benchmark: 0.08, observations: 300 })).toBe(0.5);
    expect(probabilisticSharpe({ ...normal, sharpe: -0.05, benchmark: 0, observations: 300 })).toBeLessThan(0.5);
  });

  it('penalises negative skewness and fat tails for a positive Sharpe', () => {
    const base = { sharpe: 0.1, benchmark: 0, observations: 250 };
    const normalPsr = probabilisticSharpe({ ...base, ...normal });
    expect(probabilisticSharpe({ ...base, skewness: -2, kurtosis: 3 })).toBeLessThan(normalPsr);
    expect(probabilisticSharpe({ ...base, skewness: 2, kurtosis: 3 })).toBeGreaterThan(normalPsr);
    expect(probabilisticSharpe({ ...base, skewness: 0, kurtosis: 12 })).toBeLessThan(normalPsr);
  });

  it('is NaN with fewer than 2 observations or a non-positive variance factor', () => {
    expect(probabilisticSharpe({ ...normal, sharpe: 0.1, benchmark: 0, observations: 1 })).toBeNaN();
    expect(probabilisticSharpe({ ...normal, sharpe: 0.1, benchmark: 0, observations: 2 })).toBeCloseTo(0.53972896850911, 13);
    // 1 − 2·1 + (5 − 1)/4·1² = 0
    expect(probabilisticSharpe({ sharpe: 1, benchmark: 0, observations: 100, skewness: 2, kurtosis: 5 })).toBeNaN();
    expect(probabilisticSharpe({ sharpe: 1, benchmark: 0, observations: 100, skewness: 3, kurtosis: 5 })).toBeNaN();
  });

  // Where 1 − (γ₃/2)(SR + SR*) + ((γ₄ − 1)/4)·SR·SR* > 0 — always for daily Sharpes of realistic size —
  // PSR rises with SR (its derivative has that sign); it always falls with the benchmark.
  const realistic = fc.record({
    sharpe: fc.double({ min: -0.2, max: 0.2, noNaN: true }),
    benchmark: fc.double({ min: -0.2, max: 0.2, noNaN: true }),
    observations: fc.integer({ min: 2, max: 2000 }),
    skewness: fc.double({ min: -2, max: 2, noNaN: true }),
    excessOverBound: fc.double({ min: 0, max: 5, noNaN: true }),
    step: fc.double({ min: 1e-4, max: 0.1, noNaN: true }),
  });
  const psrOf = (r: { observations: number; skewness: number; excessOverBound: number }, sharpe: number, benchmark: number) =>
    probabilisticSharpe({ sharpe, benchmark, observations: r.observations, skewness: r.skewness, kurtosis: 1 + r.skewness ** 2 + r.excessOverBound });

  it('increases with the Sharpe ratio', () => {
    fc.assert(
      fc.property(realistic, (r) => {
        const lower = psrOf(r, r.sharpe, r.benchmark);
        const higher = psrOf(r, r.sharpe + r.step, r.benchmark);
        expect(higher).toBeGreaterThanOrEqual(lower);
        if (lower > 1e-12 && higher < 1 - 1e-12) expect(higher).toBeGreaterThan(lower);
      }),
    );
  });

  it('decreases as the benchmark rises', () => {
    fc.assert(
      fc.property(realistic, (r) => {
        const lower = psrOf(r, r.sharpe, r.benchmark + r.step);
        const higher = psrOf(r, r.sharpe, r.benchmark);
        expect(lower).toBeLessThanOrEqual(higher);
        if (lower > 1e-12 && higher < 1 - 1e-12) expect(lower).toBeLessThan(higher);
      }),
    );
  });
});

describe('expectedMaxSharpe', () => {
  it('is √V·[(1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))]', () => {
    expect(expectedMaxSharpe(2, 1)).toBeCloseTo(0.51975534428059, 13);
    expect(expectedMaxSharpe(10, 1)).toBeCloseTo(1.57459830134575, 13);
    expect(expectedMaxSharpe(1000, 1)).toBeCloseTo(3.25512151365273, 13);
    expect(expectedMaxSharpe(1000, 4)).toBeCloseTo(2 * 3.25512151365273, 13);
  });

  it('is 0 for one trial or none: there is nothing to beat', () => {
    expect([expectedMaxSharpe(1, 0.5), expectedMaxSharpe(0, 0.5), expectedMaxSharpe(-3, 0.5)]).toEqual([0, 0, 0]);
    expect(expectedMaxSharpe(1.5, 1)).not.toBe(0);
  });
});

describe('deflatedSharpe', () => {
  it('is PSR(SR₀), and PSR(0) when there is a single trial', () => {
    const single = deflatedSharpe({ ...example, trials: 1 });
    expect(single).toEqual({ dsr: probabilisticSharpe({ ...example, benchmark: 0 }), expectedMax: 0 });
  });

  const search = fc.record({
    sharpe: fc.double({ min: -0.2, max: 0.3, noNaN: true }),
    observations: fc.integer({ min: 30, max: 3000 }),
    skewness: fc.double({ min: -2, max: 1, noNaN: true }),
    excessOverBound: fc.double({ min: 0, max: 6, noNaN: true }),
    trials: fc.integer({ min: 2, max: 5000 }),
    moreTrials: fc.integer({ min: 1, max: 5000 }),
    trialVariance: fc.double({ min: 1e-6, max: 0.01, noNaN: true }),
  });

  it('never exceeds PSR(0) once there is more than one trial, and falls as the trials grow', () => {
    fc.assert(
      fc.property(search, (s) => {
        const input = { ...s, kurtosis: 1 + s.skewness ** 2 + s.excessOverBound };
        const few = deflatedSharpe(input);
        const many = deflatedSharpe({ ...input, trials: s.trials + s.moreTrials });
        expect(few.expectedMax).toBeGreaterThan(0);
        expect(few.dsr).toBeLessThanOrEqual(probabilisticSharpe({ ...input, benchmark: 0 }));
        expect(many.expectedMax).toBeGreaterThan(few.expectedMax);
        expect(many.dsr).toBeLessThanOrEqual(few.dsr);
      }),
    );
  });
});

describe('minTrackRecordLength', () => {
  const normal = { skewness: 0, kurtosis: 3 };

  it('is 1 + (1 − γ₃·SR + (γ₄ − 1)/4·SR²)·(z_α / (SR − SR*))²', () => {
    // 1 + 1.005·(1.64485362695147 / 0.1)²
    expect(minTrackRecordLength({ ...normal, sharpe: 0.1, benchmark: 0, confidence: 0.95 })).toBeCloseTo(272.90711713658914, 10);
  });

  it('is Infinity when the Sharpe does not beat the benchmark', () => {
    expect(minTrackRecordLength({ ...normal, sharpe: 0.1, benchmark: 0.1, confidence: 0.95 })).toBe(Number.POSITIVE_INFINITY);
    expect(minTrackRecordLength({ ...normal, sharpe: 0.05, benchmark: 0.1, confidence: 0.95 })).toBe(Number.POSITIVE_INFINITY);
    // even at 50 % confidence (z = 0), where the formula alone would give 0/0
    expect(minTrackRecordLength({ ...normal, sharpe: 0.1, benchmark: 0.1, confidence: 0.5 })).toBe(Number.POSITIVE_INFINITY);
  });

  it('is NaN for a confidence outside (0, 1) or a non-positive variance factor', () => {
    for (const confidence of [0, 1, -0.5, 1.5, Number.NaN]) {
      expect(minTrackRecordLength({ ...normal, sharpe: 0.1, benchmark: 0, confidence })).toBeNaN();
    }
    expect(minTrackRecordLength({ sharpe: 1, benchmark: 0, skewness: 2, kurtosis: 5, confidence: 0.95 })).toBeNaN();
    expect(minTrackRecordLength({ ...normal, sharpe: 0.1, benchmark: 0, confidence: 0.5 })).toBe(1);
  });

  it('is the track record at which PSR reaches the confidence', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.3, noNaN: true }),
        fc.double({ min: -0.1, max: 0.1, noNaN: true }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: 0.55, max: 0.999, noNaN: true }), // at 0.5 MinTRL is 1 row, where PSR is undefined
        (sharpe, gap, skewness, excess, confidence) => {
          const shape = { sharpe, skewness, kurtosis: 1 + skewness ** 2 + excess };
          const benchmark = sharpe - Math.abs(gap) - 1e-3;
          const length = minTrackRecordLength({ ...shape, benchmark, confidence });
          fc.pre(length >= 2); // PSR needs 2 observations; a very clear edge can need "fewer"
          expect(probabilisticSharpe({ ...shape, benchmark, observations: length })).toBeCloseTo(confidence, 10);
        },
      ),
    );
  });
});
