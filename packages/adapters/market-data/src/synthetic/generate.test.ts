import { civilFromDays, weekday } from '@alphaloop/engine';
import { describeMarketDataContract } from '@alphaloop/ports/contracts';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MarketData } from '../market-data.js';
import { cachedMarket, fieldValues } from '../../test/support/markets.js';
import { measureEffects } from './effects.js';
import { DEFAULT_PARAMETERS, generateSyntheticMarket, resolveParameters, syntheticDataVersion, type SyntheticMarketOptions } from './generate.js';
import { Prng } from './prng.js';

/** Small markets keep the tests fast: 40 symbols over three years (~740 trading days). */
const SMALL: SyntheticMarketOptions = { seed: 7, symbols: 40, start: '2019-01-01', end: '2021-12-31' };
const market = (options: SyntheticMarketOptions = SMALL): MarketData => cachedMarket(options);

const cells = fieldValues;

describe('Prng', () => {
  it('is determined by its seed', () => {
    const a = new Prng('x');
    const b = new Prng('x');
    const c = new Prng('y');
    const draws = (p: Prng): number[] => Array.from({ length: 5 }, () => p.uint32());
    expect(draws(a)).toEqual(draws(b));
    expect(draws(new Prng('x'))).not.toEqual(draws(c));
    expect(new Prng('x').fork('a').next()).toBe(new Prng('x').fork('a').next());
  });

  it('draws uniforms in [0, 1) and standard normals', () => {
    const p = new Prng(3);
    let sum = 0;
    let sq = 0;
    let tails = 0;
    let outside = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = p.next();
      if (!(u >= 0 && u < 1)) outside++;
      const z = p.normal();
      sum += z;
      sq += z * z;
      if (Math.abs(z) > 3) tails++;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.02);
    expect(tails / n).toBeGreaterThan(0.0018); // P(|z| > 3) = 0.0027
    expect(tails / n).toBeLessThan(0.0036);
  });
});

describe('generateSyntheticMarket', () => {
  it('is fully determined by the seed and the options', () => {
    const a = market();
    const b = generateSyntheticMarket(SMALL)._unsafeUnwrap();
    for (const [key, frame] of a.frames) {
      const other = b.frames.get(key)?.values ?? new Float64Array(0);
      expect(other.length, key).toBe(frame.values.length);
      let differ = 0;
      for (let k = 0; k < other.length; k++) if (!Object.is(other[k], frame.values[k])) differ++;
      expect(differ, key).toBe(0);
    }
    expect(b.metadata.dataVersion).toBe(a.metadata.dataVersion);
    const other = market({ ...SMALL, seed: 8 });
    expect(other.metadata.dataVersion).not.toBe(a.metadata.dataVersion);
    expect(Array.from(cells(other, 'price:close').slice(0, 40))).not.toEqual(Array.from(cells(a, 'price:close').slice(0, 40)));
  });

  it('keeps the closes (and everything but open, high, low and turnover) of generator /1 for the same seed', () => {
    // SHA-256 of the Float64Array bytes, recorded with 'alphaloop-synthetic-tw/1' (touched-exits.test.ts checks the default market)
    const v1: Record<string, string> = {
      'price:close': '2ae55886346e5455fdf86fc0dd560dc5eb1cf39d061219a287833ba70ddd47e7',
      'price:volume': 'ca33768de2c4bcf0ae74548827e74917d71f0716606897c22fe76578d8e0ef77',
      'etl:market_value': 'b8a27305f346e2d1acd471f7649d34f2401b7e29fe72985e2f6f4a6557bfdf23',
      'price_earning_ratio:pe': 'cba2b5fcccebeb249951c424cfae530dbb476d088b8dc1940d1da0191d25b5a8',
      'monthly_revenue:revenue_yoy': '21a61d3a25065d3908c39072fab7f39128a404ef349ccaa2fe89a5d32b4115c4',
    };
    const m = market();
    for (const [key, hash] of Object.entries(v1)) {
      const v = cells(m, key);
      expect(createHash('sha256').update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)).digest('hex'), key).toBe(hash);
    }
    expect(m.metadata.dataVersion).not.toBe('synthetic-7f152fc987c0efde'); // this market's version under /1
  });

  it('hashes every parameter into the data version', () => {
    const p = resolveParameters(SMALL)._unsafeUnwrap();
    const v = syntheticDataVersion(p);
    expect(v).toMatch(/^synthetic-[0-9a-f]{16}$/);
    expect(syntheticDataVersion({ ...p, effects: { ...p.effects, momentum: 0 } })).not.toBe(v);
    expect(syntheticDataVersion({ ...p, suspensionRate: 0.001 })).not.toBe(v);
    expect(syntheticDataVersion(resolveParameters(SMALL)._unsafeUnwrap())).toBe(v);
  });

  it('has a weekday trading calendar with holidays', () => {
    const m = market();
    const dates = Array.from(m.calendar);
    expect(dates.every((d) => weekday(d) < 5)).toBe(true);
    expect(dates.every((d, i) => i === 0 || d > (dates[i - 1] as number))).toBe(true);
    const perYear = dates.length / 3;
    expect(perYear).toBeGreaterThan(238);
    expect(perYear).toBeLessThan(252);
    expect(dates.some((d) => civilFromDays(d).month === 10 && civilFromDays(d).day === 10)).toBe(false);
    expect(m.description).toMatchObject({ startDate: '2019-01-02', endDate: '2021-12-31', symbolCount: 40 });
  });

  it('keeps OHLC consistent, within ±10% of the previous close, on 0.01 ticks', () => {
    const m = market();
    const [open, high, low, close, volume, turnover] = ['price:open', 'price:high', 'price:low', 'price:close', 'price:volume', 'price:turnover'].map((k) => cells(m, k)) as Float64Array[];
    const S = m.symbols.length;
    let checked = 0;
    const violations: string[] = [];
    const fail = (what: string, s: number, t: number): void => {
      if (violations.length < 5) violations.push(`${what} at symbol ${s}, day ${t}`);
    };
    for (let s = 0; s < S; s++) {
      let prev = Number.NaN;
      for (let t = 0; t < m.calendar.length; t++) {
        const k = t * S + s;
        const c = close?.[k] as number;
        const trading = !Number.isNaN(c);
        for (const f of [open, high, low, volume, turnover]) if (Number.isNaN(f?.[k] as number) === trading) fail('NaN pattern', s, t);
        if (!trading) continue;
        const o = open?.[k] as number;
        const h = high?.[k] as number;
        const l = low?.[k] as number;
        if (!(l <= Math.min(o, c) && Math.max(o, c) <= h)) fail('OHLC order', s, t);
        if (Math.abs(c * 100 - Math.round(c * 100)) > 1e-6) fail('tick', s, t);
        if (!((volume?.[k] as number) > 0)) fail('volume', s, t);
        if (!Number.isNaN(prev)) {
          for (const p of [o, h, l, c]) if (p > prev * 1.1 + 1e-9 || p < prev * 0.9 - 0.01) fail('limit', s, t);
          checked++;
        }
        prev = c;
      }
    }
    expect(violations).toEqual([]);
    expect(checked).toBeGreaterThan(20_000);
  });

  it('has suspensions (NaN runs), late listings and delistings', () => {
    const m = market({ ...SMALL, symbols: 120, seed: 11 });
    const close = cells(m, 'price:close');
    const S = m.symbols.length;
    const D = m.calendar.length;
    let lateListed = 0;
    let delisted = 0;
    let suspensions = 0;
    for (let s = 0; s < S; s++) {
      const trading = Array.from({ length: D }, (_, t) => !Number.isNaN(close[t * S + s] as number));
      const first = trading.indexOf(true);
      const last = trading.lastIndexOf(true);
      if (first > 0) lateListed++;
      if (last < D - 1) delisted++;
      for (let t = first + 1; t <= last; t++) if (!trading[t] && trading[t - 1]) suspensions++;
    }
    expect(lateListed).toBeGreaterThan(3);
    expect(delisted).toBeGreaterThan(1);
    expect(suspensions).toBeGreaterThan(10);
  });

  it('dates monthly revenue on the 10th of the following month, with YoY and MoM in %', () => {
    const m = market();
    const revenue = m.frame('monthly_revenue:revenue');
    if (revenue === undefined) throw new Error('no revenue');
    const dates = Array.from(revenue.dates);
    expect(dates.every((d) => civilFromDays(d).day === 10)).toBe(true);
    expect(civilFromDays(dates[0] as number)).toMatchObject({ year: 2019, month: 1 });
    expect(dates.length).toBe(36);
    const S = m.symbols.length;
    const yoy = cells(m, 'monthly_revenue:revenue_yoy');
    const mom = cells(m, 'monthly_revenue:revenue_mom');
    for (let s = 0; s < S; s++) {
      for (let r = 12; r < dates.length; r++) {
        const now = revenue.values[r * S + s] as number;
        const yearAgo = revenue.values[(r - 12) * S + s] as number;
        const monthAgo = revenue.values[(r - 1) * S + s] as number;
        if (!Number.isNaN(now) && !Number.isNaN(yearAgo)) expect(yoy[r * S + s]).toBeCloseTo((now / yearAgo - 1) * 100, 1);
        if (!Number.isNaN(now) && !Number.isNaN(monthAgo)) expect(mom[r * S + s]).toBeCloseTo((now / monthAgo - 1) * 100, 1);
      }
    }
  });

  it('offers every field under its English key and its FinLab alias, adjusted prices equal to raw', () => {
    const m = market();
    const pairs = [
      ['price:close', 'price:收盤價'], ['price:open', 'price:開盤價'], ['price:high', 'price:最高價'], ['price:low', 'price:最低價'],
      ['price:volume', 'price:成交股數'], ['price:turnover', 'price:成交金額'], ['price_earning_ratio:pe', 'price_earning_ratio:本益比'],
      ['price_earning_ratio:pb', 'price_earning_ratio:股價淨值比'], ['monthly_revenue:revenue', 'monthly_revenue:當月營收'],
      ['monthly_revenue:revenue_yoy', 'monthly_revenue:去年同月增減(%)'], ['monthly_revenue:revenue_mom', 'monthly_revenue:上月比較增減(%)'],
      ['security_categories:industry', 'security_categories:category'],
    ];
    for (const [key, alias] of pairs) {
      expect(m.frame(key as string), key).toBeDefined();
      expect(m.frame(alias as string), alias).toBe(m.frame(key as string));
    }
    expect(m.frame('etl:market_value')).toBeDefined();
    for (const k of ['close', 'open', 'high', 'low'] as const) expect(m.prices[k]).toBe(m.frame(`price:${k}`));
    expect(m.frame('etl:adj_close')).toBe(m.frame('price:close'));
    expect(m.metadata.notes.join(' ')).toContain('adjusted prices equal raw prices');
    const aliases = m.description.fields.flatMap((f) => [f.key, ...f.aliases]);
    expect(new Set(aliases).size).toBe(aliases.length);
    expect(m.compileContext().dateCount).toBe(m.calendar.length);
  });

  it('assigns industries and codes them by sorted name', () => {
    const m = market();
    const codes = cells(m, 'security_categories:industry');
    m.symbols.forEach((s, i) => expect(m.metadata.industries[codes[i] as number]).toBe(m.industryOf(s)));
    expect([...m.metadata.industries].sort()).toEqual(m.metadata.industries);
    expect(m.metadata.industries.length).toBeGreaterThan(5);
  });

  it('records its parameters and planted effects', () => {
    const meta = market().metadata.synthetic;
    expect(meta?.parameters).toMatchObject({ seed: '7', symbols: 40, effects: DEFAULT_PARAMETERS.effects });
    expect(meta?.effects.map((e) => e.name)).toEqual(['momentum', 'reversal', 'revenueGrowth', 'lowVolatility']);
    expect(meta?.benchmarks).toBeNull();
  });

  it.each([
    [{ symbols: 0 }, 'symbols must be an integer'],
    [{ symbols: 2.5 }, 'symbols must be an integer'],
    [{ industries: 21 }, 'industries must be an integer'],
    [{ start: '2020-02-30' }, "start '2020-02-30' is not a YYYY-MM-DD date"],
    [{ start: '2020-01-01', end: '2020-01-10' }, 'at least four weeks'],
    [{ effects: { momentum: 2 } }, 'effect momentum must be in [-0.5, 0.5]'],
    [{ delistings: -0.1 }, 'delistings must be in [0, 1]'],
    [{ marketVolatility: [0, 0.02] as const }, 'market volatilities'],
  ])('rejects bad options %j', (options, reason) => {
    const e = generateSyntheticMarket(options)._unsafeUnwrapErr();
    expect(e.kind).toBe('market_data_unavailable');
    expect(e.message).toContain(reason);
  });

  it('plants the effects: with the same shocks, switching an effect on raises its measured IC', () => {
    const base: SyntheticMarketOptions = { seed: 5, symbols: 150, start: '2014-01-01', end: '2021-12-31' };
    const off = measureEffects(market({ ...base, effects: { momentum: 0, reversal: 0, revenueGrowth: 0, lowVolatility: 0 } }));
    const on = measureEffects(market({ ...base, effects: { momentum: 0.08, reversal: 0.08, revenueGrowth: 0.08, lowVolatility: 0.08 } }));
    for (const name of ['momentum', 'reversal', 'revenueGrowth', 'lowVolatility'] as const) {
      const a = off.find((e) => e.name === name)?.ic as number;
      const b = on.find((e) => e.name === name)?.ic as number;
      expect(b - a, name).toBeGreaterThan(0.02);
    }
    expect(on.find((e) => e.name === 'momentum')?.tStat).toBeGreaterThan(3);
  });
});

describeMarketDataContract('synthetic market', async () => market());
