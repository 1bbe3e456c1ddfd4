import { reindexFfill, sameDates, sameGrid, sameSymbols, validateFrame, type Dates, type Frame, type MarketFrames, type PriceFrames } from '@alphaloop/engine';
import type { CompileContext } from '@alphaloop/strategy';
import { err, ok, type Result } from 'neverthrow';
import { configError, type BacktestConfigError } from './options.js';

/**
 * The market as the adapter holds it: every field by key (canonical keys and the aliases the compile context
 * lists), each frame already on the close frame's grid, so no backtest re-aligns a lower-frequency field
 * (monthly revenue is put on the trading calendar once, here, exactly as the engine would per evaluation).
 */
export interface PreparedMarket extends MarketFrames {
  readonly fields: ReadonlyMap<string, Frame>;
  readonly prices: PriceFrames;
  readonly rows: number;
  readonly cols: number;
}

const PRICE_NAMES = ['close', 'open', 'high', 'low'] as const;
type PriceName = (typeof PRICE_NAMES)[number];

/** Validates the market and puts every field on the close frame's grid (frames already on it are not copied). */
export function prepareMarket(market: MarketFrames, context: CompileContext): Result<PreparedMarket, BacktestConfigError> {
  const grid = market.prices.close;
  const validGrid = validateFrame(grid, 'close');
  if (validGrid.isErr()) return err(configError(`the market's close price frame is invalid: ${validGrid.error.message}`));
  if (grid.dates.length === 0 || grid.symbols.length === 0) return err(configError('the market has no dates or no symbols'));
  const conformed = new Map<Frame, Frame>();
  const onGrid = (f: Frame, key: string): Result<Frame, BacktestConfigError> => {
    const known = conformed.get(f);
    if (known !== undefined) return ok(known);
    const valid = validateFrame(f, key);
    if (valid.isErr()) return err(configError(`the market's frame '${key}' is invalid: ${valid.error.message}`));
    const g = sameGrid(f, grid) ? f : reindexFfill(f, grid.dates, grid.symbols);
    conformed.set(f, g);
    return ok(g);
  };
  const names = new Set<string>(market.fields.keys === undefined ? [] : [...market.fields.keys()]);
  for (const field of context.fields) {
    names.add(field.key);
    for (const alias of field.aliases) names.add(alias);
  }
  const fields = new Map<string, Frame>();
  for (const name of names) {
    const f = market.fields.get(name);
    if (f === undefined) continue;
    const g = onGrid(f, name);
    if (g.isErr()) return err(g.error);
    fields.set(name, g.value);
  }
  const prices: { -readonly [K in PriceName]?: Frame } = { close: grid };
  for (const name of PRICE_NAMES.slice(1)) {
    const f = market.prices[name];
    if (f === undefined) continue;
    const valid = validateFrame(f, name);
    if (valid.isErr()) return err(configError(`the market's ${name} price frame is invalid: ${valid.error.message}`));
    prices[name] = f; // sim requires price frames on the close grid and says so when one is not
  }
  return ok({ fields, prices: prices as PriceFrames, rows: grid.dates.length, cols: grid.symbols.length });
}

/**
 * The market as plain, transferable data: frame values and dates live in `SharedArrayBuffer`s, so every worker
 * that receives this (as `workerData`) reads the same memory — nothing is copied per worker or per backtest.
 * Equal date vectors and symbol lists are stored once (and so are one object again in the worker, which
 * keeps the engine's same-grid checks O(1)).
 */
export interface SharedMarketData {
  /** Int32 epoch days. */
  readonly dates: readonly SharedArrayBuffer[];
  readonly symbols: readonly (readonly string[])[];
  readonly frames: readonly { readonly dates: number; readonly symbols: number; readonly values: SharedArrayBuffer }[];
  /** Field key → index in `frames`. */
  readonly fields: readonly (readonly [string, number])[];
  readonly prices: { readonly [K in PriceName]?: number };
}

function sharedCopy(values: Float64Array): SharedArrayBuffer {
  const buffer = values.buffer;
  if (buffer instanceof SharedArrayBuffer && values.byteOffset === 0 && values.byteLength === buffer.byteLength) return buffer;
  const shared = new SharedArrayBuffer(values.byteLength);
  new Float64Array(shared).set(values);
  return shared;
}

/** Copies each distinct frame of a prepared market once into shared memory. */
export function shareMarket(market: PreparedMarket): SharedMarketData {
  const dates: Dates[] = [];
  const sharedDates: SharedArrayBuffer[] = [];
  const symbols: (readonly string[])[] = [];
  const frames: { dates: number; symbols: number; values: SharedArrayBuffer }[] = [];
  const frameIndex = new Map<Frame, number>();
  const datesIndex = (d: Dates): number => {
    const i = dates.findIndex((x) => sameDates(x, d));
    if (i >= 0) return i;
    dates.push(d);
    const shared = new SharedArrayBuffer(d.length * Int32Array.BYTES_PER_ELEMENT);
    new Int32Array(shared).set(d);
    sharedDates.push(shared);
    return dates.length - 1;
  };
  const symbolsIndex = (s: readonly string[]): number => {
    const i = symbols.findIndex((x) => sameSymbols(x, s));
    if (i >= 0) return i;
    symbols.push([...s]);
    return symbols.length - 1;
  };
  const indexOf = (f: Frame): number => {
    const known = frameIndex.get(f);
    if (known !== undefined) return known;
    frames.push({ dates: datesIndex(f.dates), symbols: symbolsIndex(f.symbols), values: sharedCopy(f.values) });
    frameIndex.set(f, frames.length - 1);
    return frames.length - 1;
  };
  const prices: { [K in PriceName]?: number } = {};
  for (const name of PRICE_NAMES) {
    const f = market.prices[name];
    if (f !== undefined) prices[name] = indexOf(f);
  }
  const fields: (readonly [string, number])[] = [];
  for (const [key, f] of market.fields) fields.push([key, indexOf(f)]);
  return { dates: sharedDates, symbols, frames, fields, prices };
}

/** Bytes of shared memory a shared market occupies. */
export function sharedBytes(data: SharedMarketData): number {
  const frames = new Set(data.frames.map((f) => f.values));
  let bytes = 0;
  for (const b of frames) bytes += b.byteLength;
  for (const d of data.dates) bytes += d.byteLength;
  return bytes;
}

/** The worker's view of a shared market: typed arrays over the shared buffers (no copy). */
export function openSharedMarket(data: SharedMarketData): PreparedMarket {
  const dates = data.dates.map((b) => new Int32Array(b));
  const frames: Frame[] = data.frames.map((f) => ({
    dates: dates[f.dates] as Int32Array,
    symbols: data.symbols[f.symbols] as readonly string[],
    values: new Float64Array(f.values),
  }));
  const frame = (i: number | undefined): Frame | undefined => (i === undefined ? undefined : frames[i]);
  const close = frame(data.prices.close) as Frame;
  const prices: { -readonly [K in PriceName]?: Frame } = { close };
  for (const name of PRICE_NAMES.slice(1)) {
    const f = frame(data.prices[name]);
    if (f !== undefined) prices[name] = f;
  }
  const fields = new Map<string, Frame>();
  for (const [key, i] of data.fields) {
    const f = frames[i];
    if (f !== undefined) fields.set(key, f);
  }
  return { fields, prices: prices as PriceFrames, rows: close.dates.length, cols: close.symbols.length };
}
