import { err, ok, type Result } from 'neverthrow';
import { engineError, type EngineError } from './errors.js';

/** Epoch days (days since 1970-01-01), strictly increasing. */
export type Dates = Int32Array | readonly number[];

/**
 * A dates × symbols matrix. `values` is row-major: cell (d, s) is `values[d * symbols.length + s]`.
 * NaN marks a missing value (suspension, not listed, not enough history). Bool frames hold 0/1 and never NaN.
 */
export interface Frame {
  readonly dates: Dates;
  readonly symbols: readonly string[];
  readonly values: Float64Array;
}

export const rowCount = (f: Frame): number => f.dates.length;
export const colCount = (f: Frame): number => f.symbols.length;

/** Checks the invariants (strictly increasing integer dates, unique symbols, values sized dates × symbols). */
export function validateFrame(f: Frame, what = 'frame'): Result<Frame, EngineError> {
  const n = f.dates.length;
  const m = f.symbols.length;
  if (f.values.length !== n * m) {
    return err(engineError('invalid_input', `${what}: values has ${f.values.length} cells, expected ${n} dates × ${m} symbols`));
  }
  for (let i = 0; i < n; i++) {
    const d = f.dates[i] as number;
    if (!Number.isInteger(d)) return err(engineError('invalid_input', `${what}: date ${i} is not an integer epoch day`));
    if (i > 0 && d <= (f.dates[i - 1] as number)) {
      return err(engineError('invalid_input', `${what}: dates must be strictly increasing (index ${i})`));
    }
  }
  if (new Set(f.symbols).size !== m) return err(engineError('invalid_input', `${what}: duplicate symbols`));
  return ok(f);
}

/** Builds a frame from row arrays (tests, small inputs). `null`/`undefined` cells become NaN. */
export function frameFromRows(
  dates: readonly number[],
  symbols: readonly string[],
  rows: readonly (readonly (number | boolean | null | undefined)[])[],
): Frame {
  const m = symbols.length;
  const values = new Float64Array(dates.length * m);
  for (let d = 0; d < dates.length; d++) {
    const row = rows[d] ?? [];
    for (let s = 0; s < m; s++) {
      const v = row[s];
      values[d * m + s] = v === null || v === undefined ? Number.NaN : typeof v === 'boolean' ? (v ? 1 : 0) : v;
    }
  }
  return { dates: Int32Array.from(dates), symbols: [...symbols], values };
}

/** Row `d` of a frame as a plain array (tests, debugging). */
export function frameRow(f: Frame, d: number): number[] {
  const m = f.symbols.length;
  return Array.from(f.values.subarray(d * m, d * m + m));
}

/** Column `s` of a frame as a plain array (tests, debugging). */
export function frameColumn(f: Frame, s: number): number[] {
  const m = f.symbols.length;
  const out: number[] = [];
  for (let d = 0; d < f.dates.length; d++) out.push(f.values[d * m + s] as number);
  return out;
}

export function sameDates(a: Dates, b: Dates): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function sameSymbols(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when two frames share one grid (same dates and symbols in the same order). */
export const sameGrid = (a: Frame, b: Frame): boolean => sameDates(a.dates, b.dates) && sameSymbols(a.symbols, b.symbols);

/**
 * For each target date, the index of the last source date ≤ it (−1 when none). Both sorted ascending.
 * This is pandas `reindex(method='ffill')` on the row index: the source row's values are taken as they are
 * (a NaN in the source row stays NaN; it is not filled from older rows).
 */
export function asOfRows(source: Dates, target: Dates): Int32Array {
  const out = new Int32Array(target.length);
  let j = -1;
  for (let i = 0; i < target.length; i++) {
    const t = target[i] as number;
    while (j + 1 < source.length && (source[j + 1] as number) <= t) j++;
    out[i] = j;
  }
  return out;
}

/** For each target symbol, its column in `source` (−1 when absent). */
export function columnMap(source: readonly string[], target: readonly string[]): Int32Array {
  const index = new Map<string, number>();
  source.forEach((s, i) => index.set(s, i));
  const out = new Int32Array(target.length);
  for (let i = 0; i < target.length; i++) out[i] = index.get(target[i] as string) ?? -1;
  return out;
}

/**
 * Re-keys a frame onto another grid: each target date takes the last source row at or before it (as-of,
 * forward fill of rows), symbols absent from the source are NaN, dates before the first source row are NaN.
 * This is how lower-frequency data (monthly revenue dated on its publication day, quarterly items dated on
 * disclosure) is put on the trading calendar.
 */
export function reindexFfill(f: Frame, dates: Dates, symbols: readonly string[]): Frame {
  const rows = asOfRows(f.dates, dates);
  const cols = columnMap(f.symbols, symbols);
  const m = symbols.length;
  const sm = f.symbols.length;
  const out = new Float64Array(dates.length * m);
  const src = f.values;
  for (let i = 0; i < dates.length; i++) {
    const r = rows[i] as number;
    const o = i * m;
    if (r < 0) {
      out.fill(Number.NaN, o, o + m);
      continue;
    }
    const base = r * sm;
    for (let s = 0; s < m; s++) {
      const c = cols[s] as number;
      out[o + s] = c < 0 ? Number.NaN : (src[base + c] as number);
    }
  }
  return { dates, symbols, values: out };
}

/** The result of aligning two frames by FinLab's rule (research/finlab.md §10). */
export interface Alignment {
  readonly dates: Int32Array;
  readonly symbols: readonly string[];
  /** Per result date, the row of the left / right frame to read (as-of, never −1). */
  readonly rowsA: Int32Array;
  readonly rowsB: Int32Array;
  /** Per result symbol, the column of the left / right frame. */
  readonly colsA: Int32Array;
  readonly colsB: Int32Array;
}

/**
 * FinLab's alignment of two frames with different indexes: dates = union of both date sets restricted to
 * dates ≥ the later of the two first dates (the longer history is cut); symbols = intersection in the left
 * frame's order; each side is read as of the date (its last original row ≤ the date; NaNs are not filled).
 */
export function alignFrames(a: Frame, b: Frame): Alignment {
  const da = a.dates;
  const db = b.dates;
  const start = Math.max(da.length > 0 ? (da[0] as number) : Infinity, db.length > 0 ? (db[0] as number) : Infinity);
  const union: number[] = [];
  let i = 0;
  let j = 0;
  while (i < da.length || j < db.length) {
    const x = i < da.length ? (da[i] as number) : Infinity;
    const y = j < db.length ? (db[j] as number) : Infinity;
    const v = x <= y ? x : y;
    if (x === v) i++;
    if (y === v) j++;
    if (v >= start) union.push(v);
  }
  const dates = Int32Array.from(union);
  const inB = new Set(b.symbols);
  const symbols = a.symbols.filter((s) => inB.has(s));
  return {
    dates,
    symbols,
    rowsA: asOfRows(da, dates),
    rowsB: asOfRows(db, dates),
    colsA: columnMap(a.symbols, symbols),
    colsB: columnMap(b.symbols, symbols),
  };
}
