import { monthEnd, reindexFfill, type Frame } from '@alphaloop/engine';
import type { MarketData } from '../market-data.js';
import type { EffectStrengths } from './metadata.js';

export interface MeasuredEffect {
  readonly name: keyof EffectStrengths;
  /** Mean over months of the cross-sectional Pearson correlation of the signal's z-score with the next 21-day simple return. */
  readonly ic: number;
  /** ic / (standard deviation of the ICs / √samples). */
  readonly tStat: number;
  /** Number of cross-sections averaged. */
  readonly samples: number;
}

/**
 * Measures each planted signal's information coefficient on the observable data (adjusted closes and
 * published revenue growth): at each month's last trading day against the return of the next 21 trading
 * days (the weekly reversal: every 5 trading days against the next 5). Works on any market with `etl:adj_close` (revenue growth when `monthly_revenue:revenue_yoy`
 * exists), so it also tells whether real data shows the same effects.
 */
export function measureEffects(market: MarketData): MeasuredEffect[] {
  const close = market.prices.close;
  const D = close.dates.length;
  const S = close.symbols.length;
  const px = close.values;
  const yoyFrame = market.frame('monthly_revenue:revenue_yoy');
  const yoy: Frame | null = yoyFrame === undefined ? null : reindexFfill(yoyFrame, close.dates, close.symbols);
  const signals: Record<keyof EffectStrengths, (t: number, i: number) => number> = {
    momentum: (t, i) => (t >= 252 ? Math.log((px[(t - 21) * S + i] as number) / (px[(t - 252) * S + i] as number)) : Number.NaN),
    reversal: (t, i) => (t >= 5 ? -Math.log((px[t * S + i] as number) / (px[(t - 5) * S + i] as number)) : Number.NaN),
    revenueGrowth: (t, i) => (yoy === null ? Number.NaN : Math.log1p((yoy.values[t * S + i] as number) / 100)),
    lowVolatility: (t, i) => {
      if (t < 60) return Number.NaN;
      let n = 0;
      let sum = 0;
      let sq = 0;
      for (let k = t - 59; k <= t; k++) {
        const r = Math.log((px[k * S + i] as number) / (px[(k - 1) * S + i] as number));
        if (Number.isFinite(r)) {
          n++;
          sum += r;
          sq += r * r;
        }
      }
      return n >= 40 ? -Math.sqrt((sq - (sum * sum) / n) / (n - 1)) : Number.NaN;
    },
  };
  const monthEnds: number[] = [];
  for (let t = 0; t + 21 < D; t++) if (monthEnd(close.dates[t] as number) !== monthEnd(close.dates[t + 1] as number)) monthEnds.push(t);
  const weekly: number[] = [];
  for (let t = 5; t + 5 < D; t += 5) weekly.push(t);
  const out: MeasuredEffect[] = [];
  for (const name of Object.keys(signals) as (keyof EffectStrengths)[]) {
    const signal = signals[name];
    const h = name === 'reversal' ? 5 : 21;
    const ics: number[] = [];
    for (const t of name === 'reversal' ? weekly : monthEnds) {
      const xs: number[] = [];
      const ys: number[] = [];
      for (let i = 0; i < S; i++) {
        const x = signal(t, i);
        const y = (px[(t + h) * S + i] as number) / (px[t * S + i] as number) - 1;
        if (Number.isFinite(x) && Number.isFinite(y)) {
          xs.push(x);
          ys.push(y);
        }
      }
      if (xs.length >= 10) ics.push(correlation(xs, ys));
    }
    const n = ics.length;
    const mean = n > 0 ? ics.reduce((a, b) => a + b, 0) / n : Number.NaN;
    const sd = n > 1 ? Math.sqrt(ics.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : Number.NaN;
    out.push({ name, ic: mean, tStat: mean / (sd / Math.sqrt(n)), samples: n });
  }
  return out;
}

function correlation(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i] as number;
    my += ys[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}
