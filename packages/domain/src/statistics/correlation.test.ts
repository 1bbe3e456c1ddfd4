import { describe, expect, it } from 'vitest';
import { correlationOnOverlap } from './correlation.js';

describe('correlationOnOverlap', () => {
  it('is Pearson’s correlation (NumPy corrcoef), exactly ±1 for scaled copies', () => {
    const a = [0.01, -0.02, 0.03, 0.005, -0.01, 0.04];
    const b = [0.02, -0.01, 0.01, 0, -0.03, 0.02];
    const result = correlationOnOverlap(a, b);
    expect(result.correlation).toBeCloseTo(0.7689344462428835, 14);
    expect(result).toMatchObject({ overlap: 6, bothFlat: false });
    expect(correlationOnOverlap(a, a).correlation).toBe(1);
    expect(correlationOnOverlap(a, a.map((v) => v * 2)).correlation).toBe(1);
    expect(correlationOnOverlap(a, a.map((v) => -v)).correlation).toBe(-1);
  });

  it('stays accurate for streams far from zero (centred sums, not raw products)', () => {
    const a = [0.01, -0.02, 0.03, 0.005, -0.01, 0.04];
    const b = [0.02, -0.01, 0.01, 0, -0.03, 0.02];
    const shifted = correlationOnOverlap(a.map((v) => v + 1e6), b.map((v) => v - 1e6));
    expect(shifted.correlation).toBeCloseTo(0.7689344462428835, 8);
  });

  it('uses only the periods where both streams are finite, up to the shorter length', () => {
    const a = [Number.NaN, 0.01, -0.02, 0.03, 0.005, -0.01, 0.04, 7];
    const b = [5, 0.02, -0.01, 0.01, 0, -0.03, 0.02, Infinity, 9];
    const result = correlationOnOverlap(a, b);
    expect(result.overlap).toBe(6);
    expect(result.correlation).toBeCloseTo(0.7689344462428835, 14);
    expect(correlationOnOverlap(b, a)).toEqual(result);
  });

  it('is NaN when either stream is flat on the overlap, and says when both are', () => {
    expect(correlationOnOverlap([0, 0, 0, 0], [1, 2, 3, 4])).toEqual({ overlap: 4, correlation: Number.NaN, bothFlat: false });
    // seven times 0.1 has no exact mean: a variance test would see rounding noise, not 0
    const sevenTenths = Array.from({ length: 7 }, () => 0.1);
    expect(correlationOnOverlap([1, 2, 3, 4, 5, 6, 8], sevenTenths)).toEqual({ overlap: 7, correlation: Number.NaN, bothFlat: false });
    expect(correlationOnOverlap([0, 0, 0], [0.1, 0.1, 0.1])).toEqual({ overlap: 3, correlation: Number.NaN, bothFlat: true });
    // flat where they overlap, though not elsewhere: the first overlapping period sets the level
    expect(correlationOnOverlap([9, Number.NaN, 1, 1, 1], [Number.NaN, 3, 2, 2, 2])).toEqual({ overlap: 3, correlation: Number.NaN, bothFlat: true });
  });

  it('is NaN without any shared period', () => {
    expect(correlationOnOverlap([Number.NaN, 1], [2, Number.NaN])).toEqual({ overlap: 0, correlation: Number.NaN, bothFlat: false });
    expect(correlationOnOverlap([], [1, 2])).toEqual({ overlap: 0, correlation: Number.NaN, bothFlat: false });
  });
});
