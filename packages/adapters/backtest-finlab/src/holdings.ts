import type { TradesTable } from '@alphaloop/engine';

/**
 * The archive's holdings axis: the mean number of names held on the in-sample trading days on which at least one
 * is held; null when none ever is. Measured from what the simulation held (after stops, resampling and the position
 * limit), not from the targets the strategy asked for.
 *
 * Read off the sim's trades table: trade i holds its symbol on calendar days [entryIndex, exitIndex) — bought at
 * the entry day's trade price, sold at the exit day's (a split or a flip closes and reopens on one day, so the name
 * is counted once) — and an open trade to `lastDay`. A symbol has at most one trade open at a time, so the
 * trades open on a day are the names held that day. Counting uses a difference array over the in-sample days:
 * O(trades + days), one Int32Array, no allocation per trade or per day.
 *
 * @param lastDay calendar index of the run's last day (an open trade is held through it)
 * @param inSampleEnd first calendar index of the holdout (the calendar's length without one): later days never count
 */
export function averageHoldings(trades: TradesTable, lastDay: number, inSampleEnd: number): number | null {
  const days = Math.max(0, Math.min(inSampleEnd, lastDay + 1));
  const change = new Int32Array(days + 1);
  for (let i = 0; i < trades.count; i++) {
    const from = trades.entryIndex[i] as number;
    const exit = trades.exitIndex[i] as number;
    const to = Math.min(exit < 0 ? lastDay + 1 : exit, days);
    if (from < 0 || from >= to) continue;
    change[from] = (change[from] as number) + 1;
    change[to] = (change[to] as number) - 1;
  }
  let held = 0;
  let total = 0;
  let daysHeld = 0;
  for (let d = 0; d < days; d++) {
    held += change[d] as number;
    if (held > 0) {
      total += held;
      daysHeld++;
    }
  }
  return daysHeld === 0 ? null : total / daysHeld;
}
