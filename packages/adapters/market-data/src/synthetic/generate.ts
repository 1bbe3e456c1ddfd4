import { daysFromCivil, epochDayOf, civilFromDays, type Frame } from '@alphaloop/engine';
import { err, ok, type Result } from 'neverthrow';
import { unavailable, type MarketDataError } from '../errors.js';
import { sha256, stableJson } from '../hash.js';
import { parseDateCell } from '../loaders/cells.js';
import { MarketData } from '../market-data.js';
import { firstOnOrAfter, tradingCalendar } from './calendar.js';
import type { EffectStrengths, PlantedEffect, SyntheticMetadata, SyntheticParameters } from './metadata.js';
import { exponentialOfNormal, Prng } from './prng.js';

/**
 * The generator's version: part of every synthetic data version (so caches of derived figures keyed on it
 * change with the model). /2: open, high and low follow a Brownian path between the closes (see `intradayPrices`).
 */
export const GENERATOR = 'alphaloop-synthetic-tw/2';

/**
 * The name the random streams are seeded with. Kept at the first version's name on purpose: version 2 changed
 * only how open/high/low are derived from the same draws, so a seed gives the same closes (and volumes,
 * revenue, P/E, P/B, listings) as under version 1; only open, high, low and turnover differ.
 */
const STREAM_SEED = 'alphaloop-synthetic-tw/1';

/**
 * Overnight share of a day's variance: the open is the point at time f of a Brownian bridge from the previous
 * close to the close, and the trading session carries the remaining 1 − f. Equity studies usually put the
 * close-to-open share of daily variance at roughly a fifth to a third; 0.25 is in that range. It sets how often
 * a stop is gapped through (filled at the open instead of at its level) against touched during the session.
 */
export const OVERNIGHT_VARIANCE_SHARE = 0.25;

export interface SyntheticMarketOptions {
  /** Any number or text; the same seed and options give the same market, value for value. Default 42. */
  readonly seed?: number | string;
  /** Number of symbols (default 300, at most 8000). */
  readonly symbols?: number;
  /** First and last calendar day, ISO (default 2012-01-02 … 2024-12-31). */
  readonly start?: string;
  readonly end?: string;
  /** Number of industries (1–20, default 20). */
  readonly industries?: number;
  /** Strength of each planted effect (target monthly IC); 0 switches an effect off. */
  readonly effects?: Partial<EffectStrengths>;
  readonly marketDrift?: number;
  readonly marketVolatility?: readonly [number, number];
  readonly lateListings?: number;
  readonly delistings?: number;
  readonly suspensionRate?: number;
}

export const DEFAULT_EFFECTS: EffectStrengths = { momentum: 0.06, reversal: 0.03, revenueGrowth: 0.05, lowVolatility: 0.02 };

export const DEFAULT_PARAMETERS: SyntheticParameters = {
  seed: '42',
  symbols: 300,
  start: '2012-01-02',
  end: '2024-12-31',
  industries: 20,
  effects: DEFAULT_EFFECTS,
  marketDrift: 0.13,
  marketVolatility: [0.009, 0.02],
  lateListings: 0.15,
  delistings: 0.08,
  suspensionRate: 0.0008,
};

/** Industry names with their relative weights (the number of symbols in each). */
const INDUSTRIES: readonly (readonly [string, number])[] = [
  ['Semiconductors', 3], ['Electronic Components', 2.5], ['Computers & Peripherals', 2], ['Optoelectronics', 1.5],
  ['Communications & Internet', 1.2], ['Biotech & Medical', 1.5], ['Electric Machinery', 1.2], ['Construction', 1.2],
  ['Financials', 1.2], ['Other Electronics', 1], ['Electronics Distribution', 0.8], ['Textiles', 0.8], ['Steel', 0.8],
  ['Chemicals', 0.8], ['Plastics', 0.6], ['Food', 0.6], ['Shipping', 0.6], ['Information Services', 0.6],
  ['Automotive', 0.5], ['Tourism', 0.5],
];

/** Typical daily residual (industry + own) volatility: the unit in which effect strengths become daily alphas. */
const SIGMA_REF = 0.021;
const MONTH_DAYS = 21;
const WEEK_DAYS = 5;

export const PLANTED_SIGNALS: Readonly<Record<keyof EffectStrengths, { signal: string; description: string }>> = {
  momentum: {
    signal: "data.get('etl:adj_close').shift(21) / data.get('etl:adj_close').shift(252) - 1",
    description: '12-1 momentum: the return from 12 months to 1 month ago predicts the next month (per unit z-score, a daily alpha)',
  },
  reversal: {
    signal: "-data.get('etl:adj_close').pctChange(5)",
    description: "short-term reversal: last week's winners give back part of it the next week (strength = weekly IC)",
  },
  revenueGrowth: {
    signal: "data.get('monthly_revenue:revenue_yoy')",
    description: 'revenue-growth drift: from the trading day after publication (10th of the next month), prices drift with the published year-over-year growth',
  },
  lowVolatility: {
    signal: "-data.get('etl:adj_close').pctChange(1).rolling(60).std()",
    description: 'low-volatility premium: calm stocks earn more per unit of risk (and as much or more in total) than volatile ones',
  },
};

/** The parameters actually used (defaults filled in), or an error naming the bad option. */
export function resolveParameters(options: SyntheticMarketOptions = {}): Result<SyntheticParameters, MarketDataError> {
  const p: SyntheticParameters = {
    seed: String(options.seed ?? DEFAULT_PARAMETERS.seed),
    symbols: options.symbols ?? DEFAULT_PARAMETERS.symbols,
    start: options.start ?? DEFAULT_PARAMETERS.start,
    end: options.end ?? DEFAULT_PARAMETERS.end,
    industries: options.industries ?? DEFAULT_PARAMETERS.industries,
    effects: { ...DEFAULT_EFFECTS, ...options.effects },
    marketDrift: options.marketDrift ?? DEFAULT_PARAMETERS.marketDrift,
    marketVolatility: options.marketVolatility ?? DEFAULT_PARAMETERS.marketVolatility,
    lateListings: options.lateListings ?? DEFAULT_PARAMETERS.lateListings,
    delistings: options.delistings ?? DEFAULT_PARAMETERS.delistings,
    suspensionRate: options.suspensionRate ?? DEFAULT_PARAMETERS.suspensionRate,
  };
  const bad = (m: string): Result<SyntheticParameters, MarketDataError> => err(unavailable(`synthetic market: ${m}`));
  if (!(Number.isInteger(p.symbols) && p.symbols >= 1 && p.symbols <= 8000)) return bad(`symbols must be an integer in 1..8000, got ${p.symbols}`);
  if (!(Number.isInteger(p.industries) && p.industries >= 1 && p.industries <= INDUSTRIES.length)) {
    return bad(`industries must be an integer in 1..${INDUSTRIES.length}, got ${p.industries}`);
  }
  const start = epochDayOf(p.start);
  const end = epochDayOf(p.end);
  if (Number.isNaN(start) || parseDateCell(p.start) !== start) return bad(`start '${p.start}' is not a YYYY-MM-DD date`);
  if (Number.isNaN(end) || parseDateCell(p.end) !== end) return bad(`end '${p.end}' is not a YYYY-MM-DD date`);
  if (end - start < 28) return bad(`end ${p.end} must be at least four weeks after start ${p.start}`);
  for (const [name, v] of Object.entries(p.effects)) if (!(Number.isFinite(v) && Math.abs(v) <= 0.5)) return bad(`effect ${name} must be in [-0.5, 0.5], got ${v}`);
  const [calm, turbulent] = p.marketVolatility;
  if (!(calm > 0 && turbulent > 0 && calm < 0.2 && turbulent < 0.2)) return bad('market volatilities must be in (0, 0.2)');
  if (!(Math.abs(p.marketDrift) < 1)) return bad('marketDrift must be in (-1, 1)');
  for (const [name, v] of [['lateListings', p.lateListings], ['delistings', p.delistings], ['suspensionRate', p.suspensionRate]] as const) {
    if (!(v >= 0 && v <= 1)) return bad(`${name} must be in [0, 1], got ${v}`);
  }
  return ok(p);
}

/** `synthetic-<16 hex>`: a hash of the generator version and every parameter (seed included). */
export function syntheticDataVersion(p: SyntheticParameters): string {
  return `synthetic-${sha256(stableJson({ generator: GENERATOR, parameters: p })).slice(0, 16)}`;
}

export function plantedEffects(effects: EffectStrengths): PlantedEffect[] {
  return (Object.keys(PLANTED_SIGNALS) as (keyof EffectStrengths)[]).map((name) => ({
    name,
    strength: effects[name],
    signal: PLANTED_SIGNALS[name].signal,
    description: PLANTED_SIGNALS[name].description,
  }));
}

/**
 * Generates a Taiwan-style market, entirely determined by the options (seed included). Fast: typed arrays,
 * one pass over days × symbols. See the package README for the model and the planted effects.
 */
export function generateSyntheticMarket(options: SyntheticMarketOptions = {}): Result<MarketData, MarketDataError> {
  return resolveParameters(options).andThen((p) => {
    const frames = simulate(p);
    const synthetic: SyntheticMetadata = { generator: GENERATOR, parameters: p, effects: plantedEffects(p.effects), benchmarks: null };
    return MarketData.create({
      name: `synthetic TW market (seed ${p.seed}, ${p.symbols} symbols, ${p.start}..${p.end})`,
      source: 'synthetic',
      dataVersion: syntheticDataVersion(p),
      frames: frames.frames,
      symbolIndustry: frames.symbolIndustry,
      notes: ['synthetic data: no dividends or splits are simulated, so adjusted prices equal raw prices'],
      synthetic,
    });
  });
}

interface Simulated {
  readonly frames: Map<string, Frame>;
  readonly symbolIndustry: Map<string, string>;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/**
 * Open, high and low of one day (written to `out` as [open, high, low]), consistent with a Brownian path of the
 * log price from the previous close (log `lp`) to the close `c`: `overnight` is the variance between the
 * previous close and the open (f = `OVERNIGHT_VARIANCE_SHARE` of a day's variance, plus every full day a
 * suspension skipped), `session` the variance from the open to the close ((1 − f) of the day's variance). On a
 * listing day `lp` = log c.
 *
 * - open: the bridge from lp to log c at the open, log o ~ N(lp + F·(log c − lp), F(1 − F)·v) with
 *   v = overnight + session and F = overnight / v (from the normal `eo`);
 * - high / low: the exact laws of the maximum / minimum of the session's bridge from a = log o to b = log c with
 *   variance s² = session: P(max > m) = exp(−2(m − a)(m − b)/s²), so max = (a + b + √((a − b)² + 2s²E))/2 and
 *   min = (a + b − √((a − b)² + 2s²E′))/2 with E, E′ exponential of mean 1 (−ln Φ of the normals `eh`, `el`,
 *   i.e. −ln U with U uniform). The two are drawn independently: each marginal is exact, their dependence
 *   (a wide day tends to be wide both ways) is not modelled.
 *
 * Every price to the nearest 0.01 tick, inside the limit band [lo, hi], then high ≥ max(open, close) and
 * low ≤ min(open, close) enforced. Not the high rounded up and the low down: that widens every day by half a
 * tick on average, and a touched exit fills at its level as soon as the low reaches it, so a stop would fill at
 * prices the path never reached. Measured on the same paths (drift-free zero-effect market, 0.5 % exits): the
 * close after a stop 2.6 bp above its fill with outward rounding against 0.1 bp to the nearest tick (take profit
 * −2.7 against −0.4 bp); with ~0.74 exits per held stock-day, outward rounding cost a hold-everything book with
 * a touched stop 4.4 %/year.
 *
 * Exported for the tests of its law; not part of the package's API.
 */
export function intradayPrices(
  lp: number,
  c: number,
  overnight: number,
  session: number,
  lo: number,
  hi: number,
  eo: number,
  eh: number,
  el: number,
  out: Float64Array,
): void {
  const b = Math.log(c);
  const v = overnight + session;
  const o = clamp(round2(Math.exp(lp + (overnight / v) * (b - lp) + Math.sqrt((overnight * session) / v) * eo)), lo, hi);
  const a = Math.log(o);
  const d2 = (a - b) * (a - b);
  const top = o > c ? o : c;
  const bottom = o < c ? o : c;
  const hMax = Math.exp((a + b + Math.sqrt(d2 + 2 * session * exponentialOfNormal(eh))) / 2);
  const hMin = Math.exp((a + b - Math.sqrt(d2 + 2 * session * exponentialOfNormal(el))) / 2);
  out[0] = o;
  out[1] = Math.max(top, Math.min(hi, round2(hMax)));
  out[2] = Math.min(bottom, Math.max(lo, round2(hMin)));
}

/** Cross-sectional z-scores in place over the finite entries (clipped to ±3); non-finite entries become 0. */
function zscoreInPlace(x: Float64Array): void {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (Number.isFinite(v)) {
      n++;
      sum += v;
      sq += v * v;
    }
  }
  const mean = n > 0 ? sum / n : 0;
  const variance = n > 1 ? (sq - n * mean * mean) / (n - 1) : 0;
  const sd = variance > 1e-18 ? Math.sqrt(variance) : 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    x[i] = Number.isFinite(v) && sd > 0 ? clamp((v - mean) / sd, -3, 3) : 0;
  }
}

function simulate(p: SyntheticParameters): Simulated {
  const root = new Prng(`${STREAM_SEED}|${p.seed}`);
  const calendar = tradingCalendar(epochDayOf(p.start), epochDayOf(p.end), root.fork('calendar'));
  const D = calendar.length;
  const S = p.symbols;

  // ---- symbols, industries, static characteristics
  const setup = root.fork('setup');
  const codes = new Set<number>();
  while (codes.size < S) codes.add(1101 + setup.int(8899));
  const symbols = [...codes].sort((a, b) => a - b).map(String);
  const industries = INDUSTRIES.slice(0, p.industries);
  const totalWeight = industries.reduce((s, [, w]) => s + w, 0);
  const industryVol = industries.map(() => 0.8 + 0.4 * setup.next());
  const industryOf = new Int32Array(S);
  const sigmaBase = new Float64Array(S);
  const beta = new Float64Array(S);
  const price0 = new Float64Array(S);
  const cap0 = new Float64Array(S);
  const turnRate = new Float64Array(S);
  const salesToCap = new Float64Array(S);
  const margin = new Float64Array(S);
  const pb0 = new Float64Array(S);
  const listStart = new Int32Array(S);
  const listEnd = new Int32Array(S).fill(D);
  const symbolIndustry = new Map<string, string>();
  for (let i = 0; i < S; i++) {
    let u = setup.next() * totalWeight;
    let j = 0;
    while (j < industries.length - 1 && u >= (industries[j] as readonly [string, number])[1]) {
      u -= (industries[j] as readonly [string, number])[1];
      j++;
    }
    industryOf[i] = j;
    symbolIndustry.set(symbols[i] as string, (industries[j] as readonly [string, number])[0]);
    sigmaBase[i] = Math.exp(Math.log(0.018) + 0.3 * setup.normal()) * (industryVol[j] as number);
    beta[i] = clamp(0.55 + 0.45 * ((sigmaBase[i] as number) / 0.018) + 0.15 * setup.normal(), 0.3, 1.8);
    price0[i] = Math.exp(Math.log(40) + 0.8 * setup.normal());
    cap0[i] = Math.exp(Math.log(1.5e10) + 1.2 * setup.normal());
    turnRate[i] = Math.exp(Math.log(0.004) + 0.6 * setup.normal());
    salesToCap[i] = Math.exp(Math.log(0.8) + 0.6 * setup.normal());
    margin[i] = 0.07 + 0.05 * setup.normal();
    pb0[i] = Math.exp(Math.log(1.6) + 0.4 * setup.normal());
    if (setup.next() < p.lateListings && D > 400) listStart[i] = 40 + setup.int(Math.max(1, D - 400));
    if (setup.next() < p.delistings) {
      const from = (listStart[i] as number) + 250;
      if (from < D - 20) listEnd[i] = from + setup.int(D - 20 - from);
    }
  }

  // ---- monthly revenue (independent stream): months from two years before the start
  const startCivil = civilFromDays(calendar[0] as number);
  const endCivil = civilFromDays(calendar[D - 1] as number);
  const firstMonth = (startCivil.year - 2) * 12; // month index = year * 12 + (month - 1)
  const M = endCivil.year * 12 + (endCivil.month - 1) - firstMonth + 1;
  const revenue = new Float64Array(M * S); // thousand NTD
  const pubDay = new Int32Array(M);
  const pubIndex = new Int32Array(M); // trading-day index of publication; -1 before the calendar, D after it
  {
    const rv = root.fork('revenue');
    const season = Array.from({ length: 12 }, (_, m) => (m === 1 ? -0.12 : m === 11 ? 0.06 : m === 0 ? 0.02 : 0));
    for (let m = 0; m < M; m++) {
      const month = firstMonth + m + 1; // the following month
      pubDay[m] = daysFromCivil(Math.floor(month / 12), (month % 12) + 1, 10);
      const k = firstOnOrAfter(calendar, pubDay[m] as number);
      pubIndex[m] = (pubDay[m] as number) < (calendar[0] as number) ? -1 : k;
    }
    for (let i = 0; i < S; i++) {
      const meanGrowth = 0.004 + 0.004 * rv.normal();
      const seasonAmp = 0.5 + rv.next();
      let g = meanGrowth + 0.03 * rv.normal();
      let level = Math.log(((cap0[i] as number) * (salesToCap[i] as number)) / 12 / 1000) - 24 * meanGrowth;
      for (let m = 0; m < M; m++) {
        g = 0.92 * g + 0.08 * meanGrowth + 0.012 * rv.normal();
        level += g;
        const month = (firstMonth + m) % 12;
        revenue[m * S + i] = Math.max(1, Math.round(Math.exp(level + seasonAmp * (season[month] as number) + 0.06 * rv.normal())));
      }
    }
  }

  // ---- output buffers
  const N = D * S;
  const nan = (): Float64Array => new Float64Array(N).fill(Number.NaN);
  const open = nan();
  const high = nan();
  const low = nan();
  const close = nan();
  const volume = nan();
  const turnover = nan();
  const marketValue = nan();
  const pe = nan();
  const pb = nan();

  // ---- state
  const L = new Float64Array(N).fill(Number.NaN); // latent ("fair") log price
  const logSigmaBase = Float64Array.from(sigmaBase, (s) => Math.log(s));
  const logSigma = Float64Array.from(logSigmaBase);
  const lastLogClose = new Float64Array(S).fill(Number.NaN);
  const shares = new Float64Array(S);
  const lastClose = new Float64Array(S).fill(Number.NaN);
  const lastCloseDay = new Int32Array(S);
  const suspendLeft = new Int32Array(S);
  const eps = new Float64Array(S).fill(Number.NaN); // trailing-twelve-month EPS as published
  const bvps = new Float64Array(S).fill(Number.NaN);
  const marginNow = Float64Array.from(margin);
  const revSignal = new Float64Array(S).fill(Number.NaN); // z of the last published log YoY growth
  const zMom = new Float64Array(S);
  const zRev = new Float64Array(S);
  const zVol = new Float64Array(S);
  const zGrowth = new Float64Array(S);
  const alpha = new Float64Array(S);
  const cMom = (p.effects.momentum * SIGMA_REF) / Math.sqrt(MONTH_DAYS);
  const cRev = (p.effects.reversal * SIGMA_REF) / Math.sqrt(WEEK_DAYS);
  const cGrowth = (p.effects.revenueGrowth * SIGMA_REF) / Math.sqrt(MONTH_DAYS);
  const cVol = (p.effects.lowVolatility * SIGMA_REF) / Math.sqrt(MONTH_DAYS);
  const mu = p.marketDrift / 252;
  const [calmVol, turbulentVol] = p.marketVolatility;
  const industryReturn = new Float64Array(industries.length);
  const ohl = new Float64Array(3);
  const daily = root.fork('daily');
  const cross = root.fork('cross-section');
  // market and industry returns (their own stream): a calm/turbulent regime chain, shocks de-meaned so that
  // the realised market drift is the parameter's (a seed changes the path, not the market's average return)
  const common = root.fork('common');
  const regime = new Uint8Array(D);
  const marketShock = new Float64Array(D);
  const I = industries.length;
  const industryShock = new Float64Array(D * I);
  {
    let state = 0;
    for (let t = 0; t < D; t++) {
      if (common.next() < (state === 1 ? 0.04 : 0.008)) state = 1 - state;
      regime[t] = state;
      marketShock[t] = (state === 1 ? turbulentVol : calmVol) * common.normal();
      for (let j = 0; j < I; j++) industryShock[t * I + j] = 0.008 * (state === 1 ? 1.3 : 1) * common.normal();
    }
    const demean = (x: Float64Array, offset: number, stride: number): void => {
      let sum = 0;
      for (let k = offset; k < x.length; k += stride) sum += x[k] as number;
      const mean = sum / D;
      for (let k = offset; k < x.length; k += stride) x[k] = (x[k] as number) - mean;
    };
    demean(marketShock, 0, 1);
    for (let j = 0; j < I; j++) demean(industryShock, j, I);
  }

  /** Publishes month m's revenue: EPS, book value and the revenue-growth signal change from now on. */
  const publish = (m: number, t: number): void => {
    for (let i = 0; i < S; i++) {
      revSignal[i] = Number.NaN;
      if (t < (listStart[i] as number) || t >= (listEnd[i] as number)) continue;
      marginNow[i] = 0.9 * (marginNow[i] as number) + 0.1 * (margin[i] as number) + 0.01 * cross.normal();
      if (m >= 11) {
        let ttm = 0;
        for (let k = m - 11; k <= m; k++) ttm += revenue[k * S + i] as number;
        if ((shares[i] as number) > 0) eps[i] = (ttm * 1000 * (marginNow[i] as number)) / (shares[i] as number);
      }
      if (m >= 12) revSignal[i] = Math.log((revenue[m * S + i] as number) / (revenue[(m - 12) * S + i] as number));
      if ((shares[i] as number) > 0 && Number.isFinite(bvps[i] as number)) {
        const monthly = ((revenue[m * S + i] as number) * 1000 * (marginNow[i] as number)) / (shares[i] as number);
        bvps[i] = Math.max(0.2 * (price0[i] as number) / (pb0[i] as number), (bvps[i] as number) + 0.5 * monthly);
      }
    }
    zGrowth.set(revSignal);
    zscoreInPlace(zGrowth);
  };

  let nextMonth = 0;
  const listAt = (i: number): void => {
    const p0 = price0[i] as number;
    shares[i] = (cap0[i] as number) / p0;
    bvps[i] = p0 / (pb0[i] as number);
  };
  for (let i = 0; i < S; i++) if (listStart[i] === 0) listAt(i);
  // months published before the first trading day
  while (nextMonth < M && (pubIndex[nextMonth] as number) < 0) publish(nextMonth++, 0);

  for (let t = 0; t < D; t++) {
    const turbulent = regime[t] === 1;
    const mVol = turbulent ? turbulentVol : calmVol;
    const marketR = mu + (marketShock[t] as number);
    const idioScale = turbulent ? 1.3 : 1;
    const iv = 0.008 * idioScale;
    for (let j = 0; j < industries.length; j++) industryReturn[j] = industryShock[t * industries.length + j] as number;

    // planted signals as of yesterday's close, z-scored across the listed stocks
    for (let i = 0; i < S; i++) {
      const alive = t > (listStart[i] as number) && t < (listEnd[i] as number);
      const a = t - 22;
      const b = t - 253;
      const w = t - 6;
      zMom[i] = alive && b >= (listStart[i] as number) ? (L[a * S + i] as number) - (L[b * S + i] as number) : Number.NaN;
      zRev[i] = alive && w >= (listStart[i] as number) ? -((L[(t - 1) * S + i] as number) - (L[w * S + i] as number)) : Number.NaN;
      zVol[i] = alive ? -(logSigma[i] as number) : Number.NaN;
    }
    zscoreInPlace(zMom);
    zscoreInPlace(zRev);
    zscoreInPlace(zVol);
    for (let i = 0; i < S; i++) {
      alpha[i] = cMom * (zMom[i] as number) + cRev * (zRev[i] as number) + cVol * (zVol[i] as number) + cGrowth * (zGrowth[i] as number);
    }

    const row = t * S;
    for (let i = 0; i < S; i++) {
      // the same draws for every cell, listed or not: the paths do not depend on listings, delistings or effects
      const eSigma = daily.normal();
      const eReturn = daily.normal();
      const eo = daily.normal();
      const eh = daily.normal();
      const el = daily.normal();
      const ev = daily.normal();
      const u = daily.next();
      const uLength = daily.open01();
      if (t < (listStart[i] as number) || t >= (listEnd[i] as number)) continue;
      if (t === listStart[i] && t > 0) listAt(i);
      // volatility state: slow AR(1) around the stock's base level
      const ls = 0.995 * (logSigma[i] as number) + 0.005 * (logSigmaBase[i] as number) + 0.025 * eSigma;
      logSigma[i] = ls;
      const sigma = Math.exp(ls) * idioScale;
      const b = beta[i] as number;
      const variance = b * b * mVol * mVol + iv * iv + sigma * sigma;
      const r = b * marketR + (industryReturn[industryOf[i] as number] as number) + (alpha[i] as number) + sigma * eReturn - 0.5 * variance;
      const listing = t === listStart[i];
      const li = listing ? Math.log(price0[i] as number) : (L[row - S + i] as number) + r;
      L[row + i] = li;
      if ((suspendLeft[i] as number) > 0) {
        suspendLeft[i] = (suspendLeft[i] as number) - 1;
        continue;
      }
      if (!listing && u < p.suspensionRate) {
        suspendLeft[i] = Math.min(60, Math.floor(-Math.log(uLength) * 4)); // today + a geometric run, mean 5 days
        continue;
      }
      // published prices: ±10% around the previous close, 0.01 NTD ticks; open, high and low from a Brownian
      // path between the previous close and the close with the day's variance (see `intradayPrices`)
      const fair = Math.exp(li);
      const prev = lastClose[i] as number;
      let c: number;
      let lo: number;
      let hi: number;
      let move = 0;
      let logc: number;
      let lp: number;
      if (Number.isNaN(prev)) {
        c = Math.max(0.01, round2(fair));
        lo = round2(c * 0.9);
        hi = round2(c * 1.1);
        logc = Math.log(c);
        lp = logc;
      } else {
        lo = Math.max(0.01, Math.ceil(prev * 90 - 1e-9) / 100);
        hi = Math.floor(prev * 110 + 1e-9) / 100;
        c = clamp(round2(fair), lo, hi);
        lp = lastLogClose[i] as number;
        logc = Math.log(c);
        move = Math.abs(logc - lp) / sigma;
      }
      // overnight: f of today's variance plus one day's for each trading day skipped since the last close
      const skipped = Number.isNaN(prev) ? 0 : t - (lastCloseDay[i] as number) - 1;
      intradayPrices(lp, c, (OVERNIGHT_VARIANCE_SHARE + skipped) * variance, (1 - OVERNIGHT_VARIANCE_SHARE) * variance, lo, hi, eo, eh, el, ohl);
      const o = ohl[0] as number;
      const h = ohl[1] as number;
      const l = ohl[2] as number;
      const k = row + i;
      open[k] = o;
      high[k] = h;
      low[k] = l;
      close[k] = c;
      const sh = shares[i] as number;
      const v = Math.max(1000, Math.round((sh * (turnRate[i] as number) * Math.exp(0.5 * ev - 0.125 + 0.4 * (move < 5 ? move : 5))) / 1000) * 1000);
      volume[k] = v;
      turnover[k] = Math.round((v * (o + h + l + c)) / 4);
      marketValue[k] = Math.round(c * sh);
      const e = eps[i] as number;
      pe[k] = e > 0 ? round2(c / e) : Number.NaN;
      const bv = bvps[i] as number;
      pb[k] = bv > 0 ? round2(c / bv) : Number.NaN;
      lastLogClose[i] = logc;
      lastClose[i] = c;
      lastCloseDay[i] = t;
      // distress: a stock whose fair value falls below 1 NTD is delisted after today
      if (fair < 1 && (listEnd[i] as number) > t + 1) listEnd[i] = t + 1;
    }
    while (nextMonth < M && pubIndex[nextMonth] === t) publish(nextMonth++, t);
  }

  // ---- monthly revenue frames on publication days inside the calendar (listed stocks only)
  const months: number[] = [];
  for (let m = 0; m < M; m++) if ((pubIndex[m] as number) >= 0 && (pubIndex[m] as number) < D && m >= 12) months.push(m);
  const R = months.length;
  const revenueOut = new Float64Array(R * S).fill(Number.NaN);
  const yoy = new Float64Array(R * S).fill(Number.NaN);
  const mom = new Float64Array(R * S).fill(Number.NaN);
  months.forEach((m, r) => {
    const t = pubIndex[m] as number;
    for (let i = 0; i < S; i++) {
      if (t < (listStart[i] as number) || t >= (listEnd[i] as number)) continue;
      const now = revenue[m * S + i] as number;
      revenueOut[r * S + i] = now;
      yoy[r * S + i] = round2((now / (revenue[(m - 12) * S + i] as number) - 1) * 100);
      mom[r * S + i] = round2((now / (revenue[(m - 1) * S + i] as number) - 1) * 100);
    }
  });
  const revenueDates = Int32Array.from(months.map((m) => pubDay[m] as number));

  const daily_ = (values: Float64Array): Frame => ({ dates: calendar, symbols, values });
  const monthly = (values: Float64Array): Frame => ({ dates: revenueDates, symbols, values });
  const frames = new Map<string, Frame>([
    ['price:open', daily_(open)],
    ['price:high', daily_(high)],
    ['price:low', daily_(low)],
    ['price:close', daily_(close)],
    ['price:volume', daily_(volume)],
    ['price:turnover', daily_(turnover)],
    ['etl:market_value', daily_(marketValue)],
    ['price_earning_ratio:pe', daily_(pe)],
    ['price_earning_ratio:pb', daily_(pb)],
    ['monthly_revenue:revenue', monthly(revenueOut)],
    ['monthly_revenue:revenue_yoy', monthly(yoy)],
    ['monthly_revenue:revenue_mom', monthly(mom)],
  ]);
  return { frames, symbolIndustry };
}
