import { describe, expect, it } from 'vitest';
import { editDistance, MAX_SUGGESTED_LENGTH, normaliseName, quotedList, suggest } from './suggest.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0], ['a', '', 1], ['', 'abc', 3], ['kitten', 'sitting', 3], ['average', 'averag', 1], ['abc', 'abc', 0], ['ab', 'ba', 2],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it('stops early past the limit', () => {
    expect(editDistance('abcdefgh', 'zzzzzzzz', 2)).toBe(3);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
    expect(editDistance('abc', 'abd', 1)).toBe(1);
  });
});

describe('suggest', () => {
  it('matches across case, underscores and dashes first', () => {
    expect(suggest('stop_loss', ['stopLoss', 'takeProfit'])).toEqual(['stopLoss']);
    expect(suggest('is_largest', ['isLargest', 'isSmallest'])[0]).toBe('isLargest');
    expect(normaliseName('Stop-Loss Value')).toBe('stoplossvalue');
  });

  it('offers close spellings, nearest first, and only near the best', () => {
    expect(suggest('averag', ['average', 'abs', 'rank'])).toEqual(['average']);
    expect(suggest('clsoe', ['close', 'open', 'volume'])).toEqual(['close']);
    expect(suggest('zzzzzz', ['close', 'open'])).toEqual([]);
  });

  it('finds substrings of longer names', () => {
    expect(suggest('movingAverage', ['average', 'rank'])).toEqual(['average']);
  });

  it('compares names longer than MAX_SUGGESTED_LENGTH only exactly (edit distance is length × length)', () => {
    const long = 'a'.repeat(MAX_SUGGESTED_LENGTH + 1);
    expect(suggest(`${long}b`, [`${long}c`, 'close'])).toEqual([]);
    expect(suggest(long.toUpperCase(), [long, 'close'])).toEqual([long]);
    expect(suggest('clsoe', [long, 'close'])).toEqual(['close']);
  });

  it('dedupes and caps the list', () => {
    expect(suggest('ab', ['ab1', 'ab2', 'ab3', 'ab4', 'ab1'], 2)).toEqual(['ab1', 'ab2']);
  });
});

describe('quotedList', () => {
  it('joins with commas and a conjunction', () => {
    expect(quotedList([])).toBe('');
    expect(quotedList(['a'])).toBe("'a'");
    expect(quotedList(['a', 'b'])).toBe("'a' or 'b'");
    expect(quotedList(['a', 'b', 'c'], 'and')).toBe("'a', 'b' and 'c'");
    expect(quotedList(['x'.repeat(100), "it's\n"])).toBe(`'${'x'.repeat(60)}…' (100 characters) or 'it\\'s\\n'`);
  });
});
