// The seeded synthetic market the engine benchmarks run on (backtest.ts, ops.ts): plain typed arrays, no
// dependency on the market-data adapter, so the benchmark measures the engine alone.
import type { Frame, MarketFrames } from '@alphaloop/engine';

/** splitmix32-style seeded generator; Gaussian by Box–Muller. No Math.random: the market is reproducible. */
function generator(seed: number): { u: () => number; n: () => number } {
  let s = seed >>> 0;
  const u = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (((z ^ (z >>> 16)) >>> 0) + 0.5) / 4294967296;
  };
  let spare = Number.NaN;
  const n = (): number => {
    if (!Number.isNaN(spare)) {
      const v = spare;
      spare = Number.NaN;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(u()));
    const a = 2 * Math.PI * u();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
  return { u, n };
}

/**
 * A Taiwan-style daily market: weekday calendar from 2008-01-02; per symbol a market beta and one of 20
 * sectors; ±10% daily limit; 20% of symbols list late, 5% delist, ~0.3% of days suspended (runs of 1–5
 * days); open/high/low around the close; volume log-normal. NaN = not trading.
 */
export function syntheticMarket(symbols: number, days: number, seed = 20240601): MarketFrames {
  const { u, n } = generator(seed);
  const dates = new Int32Array(days);
  for (let d = 13880, i = 0; i < days; d++) if ((((d + 3) % 7) + 7) % 7 < 5) dates[i++] = d; // 13880 = 2008-01-02
  const names = Array.from({ length: symbols }, (_, j) => String(1101 + j));
  const size = symbols * days;
  const close = new Float64Array(size);
  const open = new Float64Array(size);
  const high = new Float64Array(size);
  const low = new Float64Array(size);
  const volume = new Float64Array(size);
  const price = new Float64Array(symbols);
  const beta = new Float64Array(symbols);
  const sector = new Int32Array(symbols);
  const vol = new Float64Array(symbols);
  const listed = new Int32Array(symbols);
  const delisted = new Int32Array(symbols);
  const suspendedUntil = new Int32Array(symbols);
  const liquidity = new Float64Array(symbols);
  for (let j = 0; j < symbols; j++) {
    price[j] = 10 + u() * 190;
    beta[j] = 0.5 + u();
    sector[j] = Math.floor(u() * 20);
    vol[j] = 0.01 + u() * 0.025;
    listed[j] = u() < 0.2 ? Math.floor(u() * days * 0.75) : 0;
    delisted[j] = u() < 0.05 ? (listed[j] as number) + Math.floor(u() * (days - (listed[j] as number))) : days;
    liquidity[j] = Math.exp(11 + 2 * n());
  }
  const sectorMove = new Float64Array(20);
  for (let t = 0; t < days; t++) {
    const m = 0.0003 + 0.011 * n();
    for (let k = 0; k < 20; k++) sectorMove[k] = 0.006 * n();
    const o = t * symbols;
    for (let j = 0; j < symbols; j++) {
      const i = o + j;
      const p0 = (price[j] as number);
      let r = (beta[j] as number) * m + (sectorMove[sector[j] as number] as number) + (vol[j] as number) * n();
      r = Math.max(-0.1, Math.min(0.1, r));
      if (t >= (listed[j] as number) && t < (delisted[j] as number) && (suspendedUntil[j] as number) <= t && u() < 0.003) suspendedUntil[j] = t + 1 + Math.floor(u() * 5);
      if (t < (listed[j] as number) || t >= (delisted[j] as number) || t < (suspendedUntil[j] as number)) {
        close[i] = open[i] = high[i] = low[i] = volume[i] = Number.NaN;
        continue;
      }
      const p1 = p0 * (1 + r);
      price[j] = p1;
      const op = p0 * (1 + Math.max(-0.1, Math.min(0.1, r * u() + 0.003 * n())));
      close[i] = p1;
      open[i] = op;
      high[i] = Math.min(p0 * 1.1, Math.max(op, p1) * (1 + Math.abs(0.006 * n())));
      low[i] = Math.max(p0 * 0.9, Math.min(op, p1) * (1 - Math.abs(0.006 * n())));
      volume[i] = Math.round((liquidity[j] as number) * Math.exp(0.5 * n()) * (1 + 5 * Math.abs(r)));
    }
  }
  const f = (values: Float64Array): Frame => ({ dates, symbols: names, values });
  const prices = { close: f(close), open: f(open), high: f(high), low: f(low) };
  return {
    fields: new Map<string, Frame>([
      ['price:close', prices.close],
      ['price:open', prices.open],
      ['price:high', prices.high],
      ['price:low', prices.low],
      ['price:volume', f(volume)],
    ]),
    prices,
  };
}
