import { daysFromCivil, weekday, type Frame, type MarketFrames } from '@alphaloop/engine';
import type { CompileContext, FieldInfo } from '@alphaloop/strategy';

export interface TestMarket {
  readonly market: MarketFrames & { readonly fields: ReadonlyMap<string, Frame> };
  readonly context: CompileContext;
  readonly frames: ReadonlyMap<string, Frame>;
}

/** mulberry32: a small seeded generator, so every test market is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const FIELDS: readonly FieldInfo[] = [
  { key: 'price:close', aliases: ['price:收盤價'] },
  { key: 'price:open', aliases: ['price:開盤價'] },
  { key: 'price:high', aliases: ['price:最高價'] },
  { key: 'price:low', aliases: ['price:最低價'] },
  { key: 'price:volume', aliases: ['price:成交股數'] },
  { key: 'monthly_revenue:revenue', aliases: ['monthly_revenue:當月營收'] },
  // declared to the compiler but absent from the frames: a strategy using it compiles and then lacks data
  { key: 'fundamental_features:roe', aliases: ['fundamental_features:ROE稅後'] },
];

/**
 * A small Taiwan-style market on weekdays from 2020-01-01: random-walk closes with a few suspensions
 * (NaN), OHLC and volume on the trading calendar, and monthly revenue on its own publication dates (the 10th),
 * which the adapter puts on the calendar once.
 */
export function testMarket(options: { dates?: number; symbols?: number; seed?: number; complete?: boolean } = {}): TestMarket {
  const n = options.dates ?? 320;
  const m = options.symbols ?? 12;
  const random = prng(options.seed ?? 7);
  const dates: number[] = [];
  for (let d = daysFromCivil(2020, 1, 1); dates.length < n; d++) if (weekday(d) >= 1 && weekday(d) <= 5) dates.push(d);
  const calendar = Int32Array.from(dates);
  const symbols = Array.from({ length: m }, (_, i) => String(1101 + i));
  const close = new Float64Array(n * m);
  const open = new Float64Array(n * m);
  const high = new Float64Array(n * m);
  const low = new Float64Array(n * m);
  const volume = new Float64Array(n * m);
  for (let s = 0; s < m; s++) {
    let p = 20 + 80 * random();
    const drift = (random() - 0.45) * 0.002;
    for (let d = 0; d < n; d++) {
      const i = d * m + s;
      const o = p * (1 + (random() - 0.5) * 0.01);
      p = Math.max(1, p * (1 + drift + (random() - 0.5) * 0.04));
      if (random() < 0.005) {
        for (const f of [close, open, high, low, volume]) f[i] = Number.NaN; // suspended
        continue;
      }
      close[i] = p;
      open[i] = o;
      high[i] = Math.max(o, p) * (1 + random() * 0.01);
      low[i] = Math.min(o, p) * (1 - random() * 0.01);
      volume[i] = Math.round(1e5 + random() * 5e6);
    }
  }
  const monthDates: number[] = [];
  for (let y = 2019; y <= 2030; y++) for (let mo = 1; mo <= 12; mo++) monthDates.push(daysFromCivil(y, mo, 10));
  const revenueDates = monthDates.filter((d) => d <= (calendar[n - 1] as number));
  const revenue = new Float64Array(revenueDates.length * m);
  for (let i = 0; i < revenue.length; i++) revenue[i] = 1e6 * (1 + random());
  const frame = (values: Float64Array): Frame => ({ dates: calendar, symbols, values });
  const frames = new Map<string, Frame>([
    ['price:close', frame(close)],
    ['price:open', frame(open)],
    ['price:high', frame(high)],
    ['price:low', frame(low)],
    ['price:volume', frame(volume)],
    ['monthly_revenue:revenue', { dates: Int32Array.from(revenueDates), symbols, values: revenue }],
  ]);
  if (options.complete === true) {
    // every field the factor library can ask for: ROE on quarterly disclosure dates, P/E daily
    const quarterDates = monthDates.filter((d, i) => i % 3 === 1 && d <= (calendar[n - 1] as number));
    const roe = new Float64Array(quarterDates.length * m).map(() => (random() - 0.3) * 30);
    frames.set('fundamental_features:roe', { dates: Int32Array.from(quarterDates), symbols, values: roe });
    frames.set('price_earning_ratio:pe', frame(close.map((c) => (Number.isNaN(c) ? c : 5 + (c % 30)))));
  }
  const price = (key: string): Frame => frames.get(key) as Frame;
  return {
    market: {
      fields: frames,
      prices: { close: price('price:close'), open: price('price:open'), high: price('price:high'), low: price('price:low') },
    },
    context: { fields: options.complete === true ? [...FIELDS, { key: 'price_earning_ratio:pe', aliases: ['price_earning_ratio:本益比'] }] : FIELDS, dateCount: n },
    frames,
  };
}

/** Strategies that trade on the test market (written as an LLM would). */
export const STRATEGIES = {
  momentum: `const close = data.get('price:close');
const momentum = close / close.shift(20) - 1;
return sim(momentum.isLargest(3), { resample: 'M' });`,
  breakout: `const close = data.get('price:收盤價');
const high = data.get('price:high');
const entry = close > high.rolling(20).max().shift(1);
const volumeOk = data.get('price:volume').average(10) > 200000;
const position = close.pctChange(10).where(entry && volumeOk).isLargest(4);
return sim(position, { resample: 'W', stopLoss: 0.08, trailStop: 0.1 });`,
  revenue: `const revenue = data.get('monthly_revenue:revenue');
const growth = revenue / revenue.shift(40) - 1;
return sim(growth.rank() > 0.7, { resample: 'M', tradeAt: 'open' });`,
  /** Time-series operations on computed series: each such input is a whole frame in the evaluator. */
  heavy: `const close = data.get('price:close');
const r = close.pctChange(1);
const vol = r.rolling(20).std();
const trend = r.average(10).shift(1);
return sim(vol.shift(1) < vol.average(60) && trend > 0 && r.abs().average(5) < 0.05, { resample: 'W' });`,
  /** Never true: the strategy never holds a position. */
  neverHolds: `const close = data.get('price:close');
return close < 0;`,
  /** Compiles (the field is declared) but the market has no frame for it. */
  missingData: `const roe = data.get('fundamental_features:roe');
return roe.isLargest(3);`,
  /** Two errors: an unknown method and an unknown name. */
  twoErrors: `const close = data.get('price:close');
const a = close.frobnicate(3);
return sim(unknownThing, { resample: 'M' });`,
} as const;

/**
 * A market with a daily frame for every field a context declares (prices positive, other fields any sign),
 * so that every strategy that compiles against the context finds its data.
 */
export function marketFor(fields: readonly FieldInfo[], options: { dates?: number; symbols?: number; seed?: number } = {}): TestMarket {
  const base = testMarket({ ...options, complete: false });
  const close = base.frames.get('price:close') as Frame;
  const random = prng((options.seed ?? 7) + 1);
  const frames = new Map<string, Frame>(base.frames);
  for (const field of fields) {
    if (frames.has(field.key)) continue;
    const values = close.values.map((c) => (Number.isNaN(c) ? c : field.key.startsWith('price:') ? c * (0.5 + random()) : (random() - 0.3) * 100));
    frames.set(field.key, { dates: close.dates, symbols: close.symbols, values });
  }
  return { market: { ...base.market, fields: frames }, context: { fields, dateCount: close.dates.length }, frames };
}
