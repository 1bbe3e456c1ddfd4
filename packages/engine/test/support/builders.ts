import { epochDayOf } from '../../src/calendar.js';
import { frameFromRows, type Frame } from '../../src/frame.js';

export type Cell = number | boolean | null;

/** Epoch day of an ISO date. */
export const day = (iso: string): number => epochDayOf(iso);

/** A frame from ISO dates and row arrays (null = NaN). */
export const frame = (dates: readonly string[], symbols: readonly string[], rows: readonly (readonly Cell[])[]): Frame =>
  frameFromRows(dates.map(day), symbols, rows);

/** `n` consecutive weekdays starting at `start` (ISO). */
export function weekdays(start: string, n: number): string[] {
  const out: string[] = [];
  let d = day(start);
  while (out.length < n) {
    const wd = (((d + 3) % 7) + 7) % 7;
    if (wd < 5) {
      const dt = new Date(d * 86_400_000);
      out.push(dt.toISOString().slice(0, 10));
    }
    d++;
  }
  return out;
}
