import type { Resample } from '@alphaloop/strategy';
import { monthEnd, quarterEnd, weekday } from '../calendar.js';
import type { Dates, Frame } from '../frame.js';

/** One rebalance: on trading day `execIndex`, move to the targets of position row `row`. */
export interface Rebalance {
  /** Index into the price calendar of the execution day (the first trading day after the signal day). */
  readonly execIndex: number;
  /** Row of the position frame whose weights are traded. */
  readonly row: number;
  /** The rebalance timestamp (epoch day) the row was taken at. */
  readonly timestamp: number;
}

/** Number of calendar dates ≤ t, i.e. the index of the first trading day strictly after t's signal day. */
export function upperBound(calendar: Dates, t: number): number {
  let lo = 0;
  let hi = calendar.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((calendar[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Calendar timestamps of a string resample between `from` and `to` (inclusive), FinLab/pandas anchors. */
export function resampleTimestamps(resample: Resample, from: number, to: number): number[] {
  const out: number[] = [];
  switch (resample) {
    case 'D':
      for (let t = from; t <= to; t++) out.push(t);
      break;
    case 'W': {
      // pandas 'W' = 'W-SUN': Sundays (weekday 6)
      for (let t = from + ((6 - weekday(from) + 7) % 7); t <= to; t += 7) out.push(t);
      break;
    }
    case 'M':
      for (let t = monthEnd(from); t <= to; t = monthEnd(t + 1)) out.push(t);
      break;
    case 'Q':
      for (let t = quarterEnd(from); t <= to; t = quarterEnd(t + 1)) out.push(t);
      break;
  }
  return out;
}

/**
 * The last trading-day index of the run (FinLab §3.2.1): if the position is "up to date"
 * (last + (last − third-to-last) > last price date) the run goes to the last price date, otherwise it stops
 * at the position's last timestamp (the last trading day ≤ it).
 */
export function runEndIndex(position: Frame, calendar: Dates): number {
  const n = position.dates.length;
  const lastPrice = calendar[calendar.length - 1] as number;
  if (n < 3) return calendar.length - 1;
  const last = position.dates[n - 1] as number;
  const third = position.dates[n - 3] as number;
  if (last + (last - third) > lastPrice) return calendar.length - 1;
  return upperBound(calendar, last) - 1;
}

/**
 * Rebalances by FinLab's rules (research/finlab.md §3.2–3.3):
 * - string resample: calendar timestamps (D every day, W Sundays, M month ends, Q quarter ends) from the
 *   first position date to the last price date; the position row used is the last row at or before each
 *   timestamp (reindex with ffill);
 * - `null`: the position rows whose (NaN → 0) weights differ from the previous row, plus the first row if it
 *   has any non-NaN value;
 * then each timestamp executes on the first trading day strictly after its signal day (the last trading day
 * ≤ it); timestamps that execute on the same day collapse to the last one. `values` are the position
 * weights on price columns (rows × cols; NaN counts as 0), `firstRowHasValue` whether row 0 has a non-NaN cell.
 */
export function buildSchedule(
  positionDates: Dates,
  values: Float64Array,
  cols: number,
  firstRowHasValue: boolean,
  calendar: Dates,
  resample: Resample | null,
): Rebalance[] {
  const rows = positionDates.length;
  if (rows === 0 || calendar.length === 0) return [];
  const candidates: { row: number; timestamp: number }[] = [];
  if (resample === null) {
    for (let r = 0; r < rows; r++) {
      let changed: boolean;
      if (r === 0) changed = firstRowHasValue;
      else {
        changed = false;
        const o = r * cols;
        const p = o - cols;
        for (let s = 0; s < cols; s++) {
          const a = values[o + s] as number;
          const b = values[p + s] as number;
          if ((a === a ? a : 0) !== (b === b ? b : 0)) {
            changed = true;
            break;
          }
        }
      }
      if (changed) candidates.push({ row: r, timestamp: positionDates[r] as number });
    }
  } else {
    const p0 = positionDates[0] as number;
    const present = calendar[calendar.length - 1] as number;
    let row = -1;
    for (const t of resampleTimestamps(resample, p0, present)) {
      while (row + 1 < rows && (positionDates[row + 1] as number) <= t) row++;
      if (row >= 0) candidates.push({ row, timestamp: t });
    }
  }
  const out: Rebalance[] = [];
  for (const c of candidates) {
    const execIndex = upperBound(calendar, c.timestamp);
    if (execIndex >= calendar.length) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last.execIndex === execIndex) out[out.length - 1] = { execIndex, ...c };
    else out.push({ execIndex, ...c });
  }
  return out;
}

/**
 * The rows of a position on `positionDates` that `sim` reads with this resample: the rebalance rows of a
 * string resample (they depend on the dates only), or null when every row is read (`resample: null` compares
 * each row with the previous one). Lets the evaluator compute only these rows of the position.
 */
export function positionRowsRead(positionDates: Dates, calendar: Dates, resample: Resample | null): Int32Array | null {
  if (resample === null) return null;
  const schedule = buildSchedule(positionDates, new Float64Array(0), 0, false, calendar, resample);
  const rows = new Int32Array(schedule.length);
  let n = 0;
  for (const r of schedule) if (n === 0 || r.row > (rows[n - 1] as number)) rows[n++] = r.row;
  return rows.subarray(0, n);
}
