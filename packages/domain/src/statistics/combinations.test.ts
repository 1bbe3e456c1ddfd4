import { describe, expect, it } from 'vitest';
import { forEachCombination } from './combinations.js';

const all = (count: number, size: number): number[][] => {
  const seen: number[][] = [];
  forEachCombination(count, size, (chosen) => seen.push([...chosen]));
  return seen;
};

describe('forEachCombination', () => {
  it('visits every subset once, in lexicographic order', () => {
    expect(all(4, 2)).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
    expect(all(5, 3)).toHaveLength(10);
    expect(all(5, 3)[9]).toEqual([2, 3, 4]);
  });

  it('has C(16, 8) = 12,870 halves of 16 blocks, all distinct', () => {
    const keys = new Set<string>();
    forEachCombination(16, 8, (chosen) => keys.add(chosen.join(',')));
    expect(keys.size).toBe(12_870);
  });

  it('handles the edges: choose none, choose all, choose too many or a negative number', () => {
    expect(all(3, 0)).toEqual([[]]);
    expect(all(3, 3)).toEqual([[0, 1, 2]]);
    expect(all(3, 4)).toEqual([]);
    expect(all(3, -1)).toEqual([]);
  });
});
