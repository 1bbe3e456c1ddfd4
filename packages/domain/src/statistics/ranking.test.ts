import { describe, expect, it } from 'vitest';
import { averageRank, indexOfMaximum } from './ranking.js';

describe('indexOfMaximum', () => {
  it('finds the largest value and gives ties to the first', () => {
    expect(indexOfMaximum([1, 3, 2])).toBe(1);
    expect(indexOfMaximum(Float64Array.from([5, 1, 5]))).toBe(0);
    expect(indexOfMaximum([-2, -1, -1, -3])).toBe(1);
    expect(indexOfMaximum([4])).toBe(0);
  });
});

describe('averageRank', () => {
  it('ranks 1 = lowest … n = highest, ties sharing the average of their ranks', () => {
    const values = [0.3, -0.1, 0.5, 0.3];
    expect(averageRank(values, -0.1)).toBe(1);
    expect(averageRank(values, 0.3)).toBe(2.5);
    expect(averageRank(values, 0.5)).toBe(4);
    expect(averageRank([7, 7, 7], 7)).toBe(2);
    expect(averageRank(values, 0)).toBe(1.5); // a value not in the list sits between its neighbours
  });
});
