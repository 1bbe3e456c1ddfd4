import { isoDate, type Frame } from '@alphaloop/engine';
import { malformed, type MarketDataError } from '../errors.js';
import { fieldSpecOf, keyOfColumn, valueDomainOf, type ValueDomain } from '../fields.js';
import { isCellError, parseDateCell, parseNumberCell, valueProblem } from './cells.js';

const DATE_COLUMNS = ['date', 'datetime', 'timestamp', 'day'];
const SYMBOL_COLUMNS = ['symbol', 'stock_id', 'ticker', 'code', 'asset', 'sid', 'id'];

/** Where the long table's columns are: date, symbol, and the value columns with the field key each holds. */
export interface LongLayout {
  readonly dateColumn: number;
  readonly symbolColumn: number;
  /** `domain`: which values the column's field may hold (`valueDomainOf`: a price > 0, a volume ≥ 0). */
  readonly valueColumns: readonly { readonly index: number; readonly name: string; readonly key: string; readonly domain: ValueDomain }[];
}

/**
 * Finds the date, symbol and value columns of a long table's header (`date,symbol,open,high,low,close,…`).
 * Value columns may be named by short names (`close`, `adj_close`, `volume`, `pe`, …), by canonical keys
 * (`price:close`) or by FinLab keys (`price:收盤價`); other names are kept as fields of their own.
 * A close column is required.
 */
export function longLayout(file: string, header: readonly string[]): LongLayout | { error: MarketDataError } {
  const names = header.map((h) => h.trim());
  const lower = names.map((n) => n.toLowerCase());
  const dateColumn = lower.findIndex((n) => DATE_COLUMNS.includes(n));
  if (dateColumn < 0) return { error: malformed(file, 1, `no date column: name one of ${DATE_COLUMNS.join(', ')}`) };
  const symbolColumn = lower.findIndex((n, i) => i !== dateColumn && SYMBOL_COLUMNS.includes(n));
  if (symbolColumn < 0) return { error: malformed(file, 1, `no symbol column: name one of ${SYMBOL_COLUMNS.join(', ')}`) };
  const valueColumns: { index: number; name: string; key: string; domain: ValueDomain }[] = [];
  const byKey = new Map<string, string>();
  for (let i = 0; i < names.length; i++) {
    if (i === dateColumn || i === symbolColumn) continue;
    const name = names[i] as string;
    if (name === '') return { error: malformed(file, 1, 'empty column name in the header', { index: i + 1 }) };
    const key = keyOfColumn(name);
    const other = byKey.get(key);
    if (other !== undefined) return { error: malformed(file, 1, `columns '${other}' and '${name}' both hold ${key}`, { index: i + 1, name }) };
    byKey.set(key, name);
    valueColumns.push({ index: i, name, key, domain: valueDomainOf(key) });
  }
  if (!byKey.has('price:close')) {
    return { error: malformed(file, 1, `missing close column: name one 'close', 'price:close' or 'price:收盤價' (columns: ${names.join(', ')})`) };
  }
  return { dateColumn, symbolColumn, valueColumns };
}

/**
 * Collects the rows of a long table and turns them into one frame per value column on the union of dates ×
 * the sorted symbols. Each symbol's dates must be strictly increasing in file order (files sorted by date or
 * by symbol then date both qualify); a repeated (date, symbol) is an error, and so is an unreadable cell, an
 * infinite value, a price ≤ 0 or a negative volume.
 * Monthly fields (revenue) keep only the dates on which some symbol has a value: their publication days.
 */
export class LongTableBuilder {
  private readonly dates: number[] = [];
  private readonly symbolIds: number[] = [];
  private readonly columns: number[][];
  private readonly symbolIndex = new Map<string, number>();
  private readonly lastDate: number[] = [];
  private readonly lastLine: number[] = [];

  constructor(
    private readonly file: string,
    private readonly layout: LongLayout,
  ) {
    this.columns = layout.valueColumns.map(() => []);
  }

  /** Adds one row (`line` is the file line, or the 1-based row number for Parquet); an error stops the load. */
  add(line: number, cell: (column: number) => unknown): MarketDataError | null {
    const { file, layout } = this;
    const date = parseDateCell(cell(layout.dateColumn));
    if (isCellError(date)) return malformed(file, line, date.error, { index: layout.dateColumn + 1, name: 'date' });
    const rawSymbol = cell(layout.symbolColumn);
    const symbol = typeof rawSymbol === 'string' ? rawSymbol.trim() : typeof rawSymbol === 'number' || typeof rawSymbol === 'bigint' ? String(rawSymbol) : '';
    if (symbol === '') return malformed(file, line, 'missing symbol', { index: layout.symbolColumn + 1 });
    let id = this.symbolIndex.get(symbol);
    if (id === undefined) {
      id = this.symbolIndex.size;
      this.symbolIndex.set(symbol, id);
      this.lastDate.push(Number.NEGATIVE_INFINITY);
      this.lastLine.push(0);
    }
    const previous = this.lastDate[id] as number;
    if (date === previous) {
      return malformed(file, line, `duplicate date ${isoDate(date)} for ${symbol} (also on line ${this.lastLine[id]})`, { index: layout.dateColumn + 1, name: 'date' });
    }
    if (date < previous) {
      return malformed(file, line, `dates out of order for ${symbol}: ${isoDate(date)} after ${isoDate(previous)}`, { index: layout.dateColumn + 1, name: 'date' });
    }
    const parsed: number[] = [];
    for (const column of layout.valueColumns) {
      const raw = cell(column.index);
      const v = parseNumberCell(raw);
      if (isCellError(v)) return malformed(file, line, `${v.error} for ${symbol}`, { index: column.index + 1, name: column.name });
      const problem = valueProblem(v, raw, column.domain, symbol, column.key);
      if (problem !== null) return malformed(file, line, problem, { index: column.index + 1, name: column.name });
      parsed.push(v);
    }
    parsed.forEach((v, k) => (this.columns[k] as number[]).push(v));
    this.lastDate[id] = date;
    this.lastLine[id] = line;
    this.dates.push(date);
    this.symbolIds.push(id);
    return null;
  }

  get rowCount(): number {
    return this.dates.length;
  }

  /** One frame per value column, by field key. */
  frames(): Map<string, Frame> {
    const calendar = Int32Array.from(new Set(this.dates)).sort();
    const rowOf = new Map<number, number>();
    calendar.forEach((d, i) => rowOf.set(d, i));
    const symbols = [...this.symbolIndex.keys()].sort();
    const colOf = new Int32Array(symbols.length);
    symbols.forEach((s, c) => (colOf[this.symbolIndex.get(s) as number] = c));
    const S = symbols.length;
    const out = new Map<string, Frame>();
    this.layout.valueColumns.forEach((column, k) => {
      const values = new Float64Array(calendar.length * S).fill(Number.NaN);
      const data = this.columns[k] as number[];
      for (let r = 0; r < data.length; r++) {
        values[(rowOf.get(this.dates[r] as number) as number) * S + (colOf[this.symbolIds[r] as number] as number)] = data[r] as number;
      }
      const frame: Frame = { dates: calendar, symbols, values };
      out.set(column.key, fieldSpecOf(column.key)?.frequency === 'monthly' ? publicationRows(frame) : frame);
    });
    return out;
  }
}

/** The rows of a frame that hold at least one value (a monthly field's publication days in a daily table). */
function publicationRows(f: Frame): Frame {
  const S = f.symbols.length;
  const keep: number[] = [];
  for (let d = 0; d < f.dates.length; d++) {
    for (let s = 0; s < S; s++) {
      if (!Number.isNaN(f.values[d * S + s] as number)) {
        keep.push(d);
        break;
      }
    }
  }
  const values = new Float64Array(keep.length * S);
  keep.forEach((d, r) => values.set(f.values.subarray(d * S, d * S + S), r * S));
  return { dates: Int32Array.from(keep.map((d) => f.dates[d] as number)), symbols: f.symbols, values };
}
