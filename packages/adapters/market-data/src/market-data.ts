import { columnMap, isoDate, validateFrame, type Frame, type MarketFrames, type PriceFrames } from '@alphaloop/engine';
import type { FieldDescription, MarketDataDescription, MarketDataError, MarketDataPort } from '@alphaloop/ports';
import type { CompileContext, FieldInfo } from '@alphaloop/strategy';
import { err, ok, okAsync, type Result, type ResultAsync } from 'neverthrow';
import { unavailable } from './errors.js';
import { describeUnknownField, FIELD_CATALOGUE, fieldSpecOf, INDUSTRY_KEY } from './fields.js';
import type { SyntheticMetadata } from './synthetic/metadata.js';
import type { MarketDataWarning } from './warnings.js';

export type MarketSource = 'synthetic' | 'wide-csv' | 'long-csv' | 'long-parquet';

export interface MarketMetadata {
  readonly name: string;
  readonly source: MarketSource;
  readonly dataVersion: string;
  /** Industry names; the `security_categories:industry` frame holds indices into this list (sorted by name). */
  readonly industries: readonly string[];
  /** Facts a user should know about this data (e.g. "adjusted prices equal raw prices"). */
  readonly notes: readonly string[];
  /** Generator parameters, planted effects and benchmark Sharpes (synthetic data only). */
  readonly synthetic: SyntheticMetadata | null;
}

export interface MarketDataInit {
  readonly name: string;
  readonly source: MarketSource;
  readonly dataVersion: string;
  /** Frames by key (canonical keys, or FinLab aliases: they are resolved). Must contain `price:close`. */
  readonly frames: ReadonlyMap<string, Frame>;
  /** Industry of each symbol (builds the `security_categories:industry` frame when it is not given). */
  readonly symbolIndustry?: ReadonlyMap<string, string>;
  readonly notes?: readonly string[];
  readonly synthetic?: SyntheticMetadata;
  /** What the loader found odd but did not refuse (symbols or dates that differ between files, …). */
  readonly warnings?: readonly MarketDataWarning[];
}

const ADJUSTED = [
  ['etl:adj_close', 'price:close'],
  ['etl:adj_open', 'price:open'],
  ['etl:adj_high', 'price:high'],
  ['etl:adj_low', 'price:low'],
] as const;

/**
 * A loaded or generated market: every field as a dates × symbols frame (NaN = missing), by canonical key
 * with FinLab aliases resolved. Implements the `MarketDataPort` and the engine's `MarketFrames` (so the
 * backtest adapter hands it straight to `backtestGraph`): `fields.get(key)` for `data.get(key)`, and
 * `prices` = the adjusted OHLC `sim` trades on, all on the adjusted close's grid (the trading calendar).
 *
 * Daily fields share the calendar; monthly revenue frames keep their own publication dates and the engine
 * puts them on the calendar as-of (a trading day sees the last value published on or before it).
 */
export class MarketData implements MarketDataPort, MarketFrames {
  /** Frames by canonical key (adjusted prices included: equal to the raw frames when no adjustment data exists). */
  readonly frames: ReadonlyMap<string, Frame>;
  /** Alias-resolving lookup, the engine's `MarketFrames.fields`. */
  readonly fields: { get(key: string): Frame | undefined; keys(): IterableIterator<string> };
  readonly prices: PriceFrames;
  /** The trading calendar (epoch days): the adjusted close's dates. */
  readonly calendar: Int32Array | readonly number[];
  readonly symbols: readonly string[];
  readonly metadata: MarketMetadata;
  readonly description: MarketDataDescription;
  /**
   * What the loader found odd but did not refuse, each with a one-line message naming its file (the CLI prints
   * them once at start-up); empty for the synthetic market.
   */
  readonly warnings: readonly MarketDataWarning[];
  private readonly symbolIndustry: ReadonlyMap<string, string>;
  private context: CompileContext | null = null;

  private constructor(frames: ReadonlyMap<string, Frame>, metadata: MarketMetadata, symbolIndustry: ReadonlyMap<string, string>, warnings: readonly MarketDataWarning[]) {
    this.frames = frames;
    this.warnings = warnings;
    this.metadata = metadata;
    this.symbolIndustry = symbolIndustry;
    const close = frames.get('etl:adj_close') as Frame;
    this.calendar = close.dates;
    this.symbols = close.symbols;
    const open = frames.get('etl:adj_open');
    const high = frames.get('etl:adj_high');
    const low = frames.get('etl:adj_low');
    this.prices = { close, ...(open === undefined ? {} : { open }), ...(high === undefined ? {} : { high }), ...(low === undefined ? {} : { low }) };
    this.fields = {
      get: (key: string) => frames.get(canonicalKey(key)),
      keys: () => frames.keys(),
    };
    const fieldDescriptions = describeFields([...frames.keys()]);
    const n = close.dates.length;
    this.description = {
      name: metadata.name,
      dataVersion: metadata.dataVersion,
      fields: fieldDescriptions,
      startDate: n > 0 ? isoDate(close.dates[0] as number) : '',
      endDate: n > 0 ? isoDate(close.dates[n - 1] as number) : '',
      dateCount: n,
      symbolCount: close.symbols.length,
    };
  }

  /**
   * Builds a market from frames. Validates every frame (strictly increasing dates, unique symbols, sizes),
   * requires `price:close`, uses the raw prices as adjusted ones when no `etl:adj_*` frame is given (and
   * says so in `metadata.notes`), and puts adjusted open/high/low on the adjusted close's grid by exact date (a
   * raw price standing in for an adjusted one too, so `price:open` and `etl:adj_open` stay one frame).
   */
  static create(init: MarketDataInit): Result<MarketData, MarketDataError> {
    const frames = new Map<string, Frame>();
    for (const [name, frame] of init.frames) {
      const key = canonicalKey(name);
      if (frames.has(key)) return err(unavailable(`field '${key}' is given twice (as '${name}' and under another alias)`));
      const valid = validateFrame(frame, key);
      if (valid.isErr()) return err(unavailable(`invalid frame: ${valid.error.message}`));
      frames.set(key, frame);
    }
    const notes = [...(init.notes ?? [])];
    if (!frames.has('price:close')) {
      return err(unavailable("the market has no close price ('price:close' / 'price:收盤價' / a 'close' column)"));
    }
    const derived: string[] = [];
    for (const [adjusted, raw] of ADJUSTED) {
      const source = frames.get(raw);
      if (!frames.has(adjusted) && source !== undefined) {
        frames.set(adjusted, source);
        derived.push(adjusted);
      }
    }
    if (derived.length > 0) notes.push(`no adjustment data: ${derived.join(', ')} equal the raw prices`);
    const grid = frames.get('etl:adj_close') as Frame;
    for (const [adjusted, raw] of ADJUSTED.slice(1)) {
      const f = frames.get(adjusted);
      if (f !== undefined && !sameGridAs(f, grid)) {
        const onGrid = reindexExact(f, grid);
        frames.set(adjusted, onGrid);
        if (derived.includes(adjusted)) frames.set(raw, onGrid);
      }
    }
    const symbolIndustry = init.symbolIndustry ?? new Map<string, string>();
    const industries = [...new Set(symbolIndustry.values())].sort();
    if (!frames.has(INDUSTRY_KEY) && symbolIndustry.size > 0 && grid.dates.length > 0) {
      frames.set(INDUSTRY_KEY, industryFrame(grid, symbolIndustry, industries));
    }
    const metadata: MarketMetadata = {
      name: init.name,
      source: init.source,
      dataVersion: init.dataVersion,
      industries,
      notes,
      synthetic: init.synthetic ?? null,
    };
    return ok(new MarketData(frames, metadata, symbolIndustry, init.warnings ?? []));
  }

  describe(): ResultAsync<MarketDataDescription, MarketDataError> {
    return okAsync(this.description);
  }

  /** The frame of a key or alias (`price:收盤價` is `price:close`). */
  frame(key: string): Frame | undefined {
    return this.fields.get(key);
  }

  /** The canonical key of a key or alias present in this market, or undefined. */
  resolveKey(key: string): string | undefined {
    const k = canonicalKey(key);
    return this.frames.has(k) ? k : undefined;
  }

  industryOf(symbol: string): string | undefined {
    return this.symbolIndustry.get(symbol);
  }

  /** What the strategy compiler needs: the fields (keys and aliases) and the number of dates. */
  compileContext(): CompileContext {
    if (this.context === null) {
      const fields: FieldInfo[] = this.description.fields.map((f) => ({ key: f.key, aliases: f.aliases, description: f.description }));
      this.context = { fields, dateCount: this.description.dateCount };
    }
    return this.context;
  }

  /** The same market with new synthetic metadata (used to attach benchmark Sharpes). */
  withSynthetic(synthetic: SyntheticMetadata): MarketData {
    return new MarketData(this.frames, { ...this.metadata, synthetic }, this.symbolIndustry, this.warnings);
  }
}

/** A catalogue key for an alias (`price:收盤價` → `price:close`); unknown names are returned as they are. */
export function canonicalKey(name: string): string {
  return fieldSpecOf(name)?.key ?? name;
}

function describeFields(keys: readonly string[]): FieldDescription[] {
  const present = new Set(keys);
  const known: FieldDescription[] = FIELD_CATALOGUE.filter((f) => present.has(f.key)).map((f) => ({
    key: f.key,
    aliases: f.aliases,
    description: f.description,
    frequency: f.frequency,
  }));
  const unknown = keys.filter((k) => fieldSpecOf(k) === undefined).sort().map(describeUnknownField);
  return [...known, ...unknown];
}

function sameGridAs(a: Frame, b: Frame): boolean {
  if (a.dates.length !== b.dates.length || a.symbols.length !== b.symbols.length) return false;
  for (let i = 0; i < a.dates.length; i++) if (a.dates[i] !== b.dates[i]) return false;
  for (let i = 0; i < a.symbols.length; i++) if (a.symbols[i] !== b.symbols[i]) return false;
  return true;
}

/** Re-keys a price frame onto a grid by exact date (a date the frame lacks is NaN: prices are never forward-filled). */
export function reindexExact(f: Frame, grid: Frame): Frame {
  const rowOf = new Map<number, number>();
  for (let i = 0; i < f.dates.length; i++) rowOf.set(f.dates[i] as number, i);
  const cols = columnMap(f.symbols, grid.symbols);
  const m = grid.symbols.length;
  const sm = f.symbols.length;
  const out = new Float64Array(grid.dates.length * m).fill(Number.NaN);
  for (let i = 0; i < grid.dates.length; i++) {
    const r = rowOf.get(grid.dates[i] as number);
    if (r === undefined) continue;
    for (let s = 0; s < m; s++) {
      const c = cols[s] as number;
      if (c >= 0) out[i * m + s] = f.values[r * sm + c] as number;
    }
  }
  return { dates: grid.dates, symbols: grid.symbols, values: out };
}

function industryFrame(grid: Frame, symbolIndustry: ReadonlyMap<string, string>, industries: readonly string[]): Frame {
  const code = new Map(industries.map((name, i) => [name, i]));
  const values = new Float64Array(grid.symbols.length);
  grid.symbols.forEach((s, i) => {
    const name = symbolIndustry.get(s);
    values[i] = name === undefined ? Number.NaN : (code.get(name) as number);
  });
  return { dates: Int32Array.of(grid.dates[0] as number), symbols: grid.symbols, values };
}
