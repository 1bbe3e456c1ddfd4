import { describe, expect, it } from 'vitest';
import { alignFrames, frameRow, reindexFfill, validateFrame } from './frame.js';
import { binaryFrame } from './kernels/elementwise.js';
import { civilFromDays, daysFromCivil, isoDate, monthEnd, quarterEnd, weekday } from './calendar.js';
import { day, frame } from '../test/support/builders.js';

describe('calendar', () => {
  it('round-trips epoch days and knows weekdays and period ends', () => {
    for (let d = -800; d < 30000; d += 37) {
      const c = civilFromDays(d);
      expect(daysFromCivil(c.year, c.month, c.day)).toBe(d);
      expect(isoDate(d)).toBe(new Date(d * 86_400_000).toISOString().slice(0, 10));
      expect(weekday(d)).toBe((new Date(d * 86_400_000).getUTCDay() + 6) % 7);
    }
    expect(isoDate(monthEnd(day('2024-02-10')))).toBe('2024-02-29');
    expect(isoDate(quarterEnd(day('2024-11-02')))).toBe('2024-12-31');
  });
});

describe('frames and FinLab alignment (finlab.md §10)', () => {
  it('validates shape, order and symbols', () => {
    expect(validateFrame({ dates: [2, 1], symbols: ['a'], values: new Float64Array(2) }).isErr()).toBe(true);
    expect(validateFrame({ dates: [1], symbols: ['a', 'a'], values: new Float64Array(2) }).isErr()).toBe(true);
    expect(validateFrame({ dates: [1], symbols: ['a'], values: new Float64Array(2) }).isErr()).toBe(true);
  });

  it('union of dates from the later start, intersection of symbols, as-of rows (NaN not filled)', () => {
    const daily = frame(['2023-06-08', '2023-06-09', '2023-06-12', '2023-06-13'], ['1101', '2330', '9999'], [
      [1, 10, 5], [2, 20, 5], [3, 30, 5], [4, 40, 5],
    ]);
    const revenue = frame(['2023-05-10', '2023-06-10'], ['2330', '1101'], [[100, 7], [200, null]]);
    const al = alignFrames(daily, revenue);
    expect(Array.from(al.dates).map(isoDate)).toEqual(['2023-06-08', '2023-06-09', '2023-06-10', '2023-06-12', '2023-06-13']);
    expect(al.symbols).toEqual(['1101', '2330']);
    const sum = binaryFrame('add', daily, revenue);
    expect(sum.symbols).toEqual(['1101', '2330']);
    expect(frameRow(sum, 0)).toEqual([8, 110]); // May revenue, daily row 06-08
    expect(frameRow(sum, 2)).toEqual([Number.NaN, 220]); // Saturday 06-10: daily row of Friday, new revenue (NaN stays NaN)
    expect(frameRow(sum, 4)).toEqual([Number.NaN, 240]);
    const later = alignFrames(revenue, daily);
    expect(Array.from(later.dates).map(isoDate)[0]).toBe('2023-06-08'); // the longer history is cut
  });

  it('reindexFfill puts publication-dated data on the trading calendar', () => {
    const revenue = frame(['2023-05-10', '2023-06-10'], ['A'], [[1], [2]]);
    const r = reindexFfill(revenue, [day('2023-05-09'), day('2023-06-09'), day('2023-06-12')], ['A', 'B']);
    expect(Array.from(r.values)).toEqual([Number.NaN, Number.NaN, 1, Number.NaN, 2, Number.NaN]);
  });
});
