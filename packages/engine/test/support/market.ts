import type { MarketFrames } from '../../src/evaluate/evaluate.js';
import { frameFromRows, type Frame } from '../../src/frame.js';
import { epochDayOf } from '../../src/calendar.js';

/** A small deterministic market for tests: weekdays, a suspension, a late listing and a delisting, and a
 * monthly revenue frame dated on the 10th (a different grid). */
export function smallMarket(rows = 80, cols = 6, seed = 7): MarketFrames {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const dates: number[] = [];
  for (let d = epochDayOf('2023-01-02'); dates.length < rows; d++) if ((((d + 3) % 7) + 7) % 7 < 5) dates.push(d);
  const symbols = Array.from({ length: cols }, (_, i) => String(1101 + i));
  const close: (number | null)[][] = [];
  const open: (number | null)[][] = [];
  const high: (number | null)[][] = [];
  const low: (number | null)[][] = [];
  const volume: (number | null)[][] = [];
  const last = symbols.map(() => 50 + rnd() * 50);
  for (let t = 0; t < rows; t++) {
    const c: (number | null)[] = [];
    const o: (number | null)[] = [];
    const h: (number | null)[] = [];
    const l: (number | null)[] = [];
    const v: (number | null)[] = [];
    for (let j = 0; j < cols; j++) {
      const missing = (j === 1 && t >= 10 && t < 14) || (j === 2 && t < 20) || (j === 3 && t >= rows - 15);
      const prev = last[j] as number;
      const px = prev * (1 + (rnd() - 0.5) * 0.08);
      if (missing) {
        c.push(null); o.push(null); h.push(null); l.push(null); v.push(null);
        continue;
      }
      last[j] = px;
      const op = prev * (1 + (rnd() - 0.5) * 0.02);
      c.push(px);
      o.push(op);
      h.push(Math.max(op, px) * (1 + rnd() * 0.02));
      l.push(Math.min(op, px) * (1 - rnd() * 0.02));
      v.push(Math.floor(rnd() * 1e6));
    }
    close.push(c); open.push(o); high.push(h); low.push(l); volume.push(v);
  }
  const mk = (r: (number | null)[][]): Frame => frameFromRows(dates, symbols, r);
  const revDates: number[] = [];
  const revRows: number[][] = [];
  for (let m = 0; m < 6; m++) {
    revDates.push(epochDayOf(`2023-0${m + 1}-10`));
    revRows.push(symbols.map(() => Math.floor(1e6 * (1 + rnd()))));
  }
  const prices = { close: mk(close), open: mk(open), high: mk(high), low: mk(low) };
  const fields = new Map<string, Frame>([
    ['price:close', prices.close],
    ['price:open', prices.open],
    ['price:high', prices.high],
    ['price:low', prices.low],
    ['price:volume', mk(volume)],
    ['monthly_revenue:revenue', frameFromRows(revDates, symbols, revRows)],
    ['price_earning_ratio:pe', mk(close.map((r) => r.map((c, j) => (c === null ? null : (c / (2 + j)) * (j === 4 ? -1 : 1)))))],
    ['fundamental_features:roe', frameFromRows(revDates.slice(0, 3), symbols, revRows.slice(0, 3).map((r) => r.map((v, j) => (v % 31) - 10 + j)))],
  ]);
  return { fields, prices };
}
