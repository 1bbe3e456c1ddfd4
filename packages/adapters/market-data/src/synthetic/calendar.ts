import { civilFromDays, daysFromCivil, weekday } from '@alphaloop/engine';
import type { Prng } from './prng.js';

/**
 * A Taiwan-style trading calendar: weekdays from `start` to `end` (epoch days, inclusive) minus holidays —
 * the fixed ones (1 Jan, 28 Feb, 4–5 Apr, 1 May, 10 Oct when they fall on a weekday) and, each year, a
 * seeded Lunar New Year break (6 weekdays starting between 21 Jan and 12 Feb), a Dragon Boat day (June), a
 * Mid-Autumn day (September) and three typhoon or bridge days. About 245 trading days a year.
 */
export function tradingCalendar(start: number, end: number, random: Prng): Int32Array {
  const holidays = new Set<number>();
  const first = civilFromDays(start).year;
  const last = civilFromDays(end).year;
  for (let year = first; year <= last; year++) {
    for (const [month, day] of [[1, 1], [2, 28], [4, 4], [4, 5], [5, 1], [10, 10]] as const) holidays.add(daysFromCivil(year, month, day));
    let lunar = daysFromCivil(year, 1, 21) + random.int(23);
    for (let k = 0; k < 6; lunar++) {
      if (weekday(lunar) < 5) {
        holidays.add(lunar);
        k++;
      }
    }
    holidays.add(daysFromCivil(year, 6, 1) + random.int(28));
    holidays.add(daysFromCivil(year, 9, 1) + random.int(28));
    // typhoon days and bridge holidays
    for (let k = 0; k < 3; k++) holidays.add(daysFromCivil(year, 1, 1) + random.int(365));
  }
  const days: number[] = [];
  for (let d = start; d <= end; d++) if (weekday(d) < 5 && !holidays.has(d)) days.push(d);
  return Int32Array.from(days);
}

/** Index of the first calendar day ≥ `day` (calendar.length when none). */
export function firstOnOrAfter(calendar: Int32Array, day: number): number {
  let lo = 0;
  let hi = calendar.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((calendar[mid] as number) < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
