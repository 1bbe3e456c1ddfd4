import { basename } from 'node:path';
import { isoDate, type Frame } from '@alphaloop/engine';
import { err, ok, type Result } from 'neverthrow';
import { malformedFile, type MarketDataError } from '../errors.js';
import { describeUnknownField, fieldSpecOf, INDUSTRY_KEY, isPriceField } from '../fields.js';
import type { Alignment, MarketDataWarning, Sample } from '../warnings.js';

/** A loaded field: its canonical key, the file it came from, and its frame. */
export interface LoadedField {
  readonly key: string;
  readonly file: string;
  readonly frame: Frame;
}

/** The stock ids of a categories file (`security_categories.csv`), to compare with the calendar's. */
export interface LoadedCategories {
  readonly file: string;
  readonly symbols: readonly string[];
}

const EXAMPLES = 5;

function sample(items: readonly string[], count = items.length): Sample {
  return { count, examples: items.slice(0, EXAMPLES) };
}

const plural = (n: number, word: string): string => `${n} ${n === 1 ? word : `${word}s`}`;

const listed = (s: Sample): string => `${s.examples.join(', ')}${s.count > s.examples.length ? ', …' : ''}`;

const frequencyOf = (key: string): string => (fieldSpecOf(key) ?? describeUnknownField(key)).frequency;

/** The key of the trading calendar: the adjusted close when given, else the raw close (it stands in for it). */
const calendarKeyOf = (keys: ReadonlySet<string>): string => (keys.has('etl:adj_close') ? 'etl:adj_close' : 'price:close');

/**
 * How `MarketData.create` and the engine put a field on the calendar: the prices `sim` trades on (`etl:adj_open`,
 * `…high`, `…low`, or the raw price standing in for a missing adjusted one) by exact date; every other field as-of.
 */
function alignmentOf(key: string, keys: ReadonlySet<string>): Alignment {
  if (key === 'etl:adj_open' || key === 'etl:adj_high' || key === 'etl:adj_low') return 'exact';
  if ((key === 'price:open' || key === 'price:high' || key === 'price:low') && !keys.has(`etl:adj_${key.slice(6)}`)) return 'exact';
  return 'as-of';
}

/**
 * Checks loaded fields before the market is built. Errors (each naming its file): a price field without a single
 * value, a calendar of fewer than two dates. Warnings (what was done, per file): price symbols without any price
 * and calendar dates without any price (kept, NaN); a field with no value at all; symbols and dates of a field
 * that differ from the calendar's (other symbols dropped, missing ones NaN; dates by exact date for the prices
 * `sim` trades on, as-of for every other daily field). Call it with every field, `price:close` included.
 */
export function checkFields(fields: readonly LoadedField[], categories?: LoadedCategories): Result<MarketDataWarning[], MarketDataError> {
  const keys = new Set(fields.map((f) => f.key));
  const calendarKey = calendarKeyOf(keys);
  const calendar = fields.find((f) => f.key === calendarKey);
  if (calendar === undefined) return ok([]); // the loaders report a missing close first
  for (const f of fields) {
    if (isPriceField(f.key) && !hasAnyValue(f.frame)) {
      return err(malformedFile(f.file, `no ${f.key} value at all: every cell is missing (fill the file or remove it)`));
    }
  }
  const cal = calendar.frame;
  if (cal.dates.length < 2) {
    return err(malformedFile(calendar.file, `only one date (${isoDate(cal.dates[0] as number)}) in ${calendarKey}: a backtest needs at least two trading days (a signal is traded the next day)`));
  }
  const warnings: MarketDataWarning[] = [];
  const calendarFile = basename(calendar.file);
  const noPrice = emptyColumns(cal);
  const noPriceSet = new Set(noPrice);
  if (noPrice.length > 0) {
    const symbols = sample(noPrice);
    warnings.push({
      kind: 'symbols_without_values', file: calendar.file, field: calendarKey, symbols, of: cal.symbols.length,
      message: `${calendar.file}: ${symbols.count} of ${cal.symbols.length} symbols have no ${calendarKey} on any date (${listed(symbols)}): kept, all NaN`,
    });
  }
  const noPriceDays = emptyRows(cal);
  if (noPriceDays.length > 0) {
    const dates = sample(noPriceDays);
    warnings.push({
      kind: 'dates_without_values', file: calendar.file, field: calendarKey, dates, of: cal.dates.length,
      message: `${calendar.file}: ${dates.count} of ${cal.dates.length} dates have no ${calendarKey} for any symbol (${listed(dates)}): kept as trading days with every price missing`,
    });
  }
  for (const f of fields) {
    if (f === calendar) continue;
    const frame = f.frame;
    if (isPriceField(f.key)) {
      // a symbol without any close is reported once, above; here the ones that have closes but none of this price
      const empty = emptyColumns(frame).filter((s) => !noPriceSet.has(s));
      if (empty.length > 0) {
        const symbols = sample(empty);
        warnings.push({
          kind: 'symbols_without_values', file: f.file, field: f.key, symbols, of: frame.symbols.length,
          message: `${f.file}: ${symbols.count} of ${frame.symbols.length} symbols have no ${f.key} on any date (${listed(symbols)}): kept, all NaN`,
        });
      }
    } else if (!hasAnyValue(frame)) {
      warnings.push({
        kind: 'field_empty', file: f.file, field: f.key,
        message: `${f.file}: ${f.key} has no value at all (every cell is missing): data.get('${f.key}') is NaN everywhere`,
      });
      continue;
    }
    const symbols = symbolsDiffer(f.file, f.key, frame.symbols, cal.symbols, calendarFile);
    if (symbols !== null) warnings.push(symbols);
    if (frequencyOf(f.key) === 'daily') {
      const dates = datesDiffer(f, cal, calendarFile, alignmentOf(f.key, keys));
      if (dates !== null) warnings.push(dates);
    }
  }
  if (categories !== undefined) {
    const symbols = symbolsDiffer(categories.file, INDUSTRY_KEY, categories.symbols, cal.symbols, calendarFile);
    if (symbols !== null) warnings.push(symbols);
  }
  return ok(warnings);
}

function hasAnyValue(f: Frame): boolean {
  const v = f.values;
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) return true;
  return false;
}

/** The symbols whose every value is NaN. */
function emptyColumns(f: Frame): string[] {
  const S = f.symbols.length;
  const seen = new Uint8Array(S);
  const v = f.values;
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) seen[i % S] = 1;
  return f.symbols.filter((_, s) => seen[s] === 0);
}

/** The dates (ISO) whose every value is NaN. */
function emptyRows(f: Frame): string[] {
  const S = f.symbols.length;
  const out: string[] = [];
  for (let d = 0; d < f.dates.length; d++) {
    let any = false;
    for (let s = d * S; s < d * S + S; s++) {
      if (f.values[s] === f.values[s]) {
        any = true;
        break;
      }
    }
    if (!any) out.push(isoDate(f.dates[d] as number));
  }
  return out;
}

function symbolsDiffer(file: string, field: string, symbols: readonly string[], calendar: readonly string[], calendarFile: string): MarketDataWarning | null {
  const mine = new Set(symbols);
  const theirs = new Set(calendar);
  const dropped = sample(symbols.filter((s) => !theirs.has(s)));
  const missing = sample(calendar.filter((s) => !mine.has(s)));
  if (dropped.count === 0 && missing.count === 0) return null;
  const what = field === INDUSTRY_KEY ? 'industry' : field;
  const parts: string[] = [];
  if (dropped.count > 0) parts.push(`${plural(dropped.count, 'symbol')} not in the price calendar (${calendarFile}) dropped (${listed(dropped)})`);
  if (missing.count > 0) parts.push(`${missing.count} of ${calendar.length} price symbols have no ${what} (NaN) (${listed(missing)})`);
  return { kind: 'symbols_differ', file, field, calendarFile, dropped, missing, of: calendar.length, message: `${file}: ${parts.join('; ')}` };
}

function datesDiffer(f: LoadedField, cal: Frame, calendarFile: string, alignment: Alignment): MarketDataWarning | null {
  const mine = new Set(f.frame.dates);
  const theirs = new Set(cal.dates);
  const offCalendar = sample([...f.frame.dates].filter((d) => !theirs.has(d)).map(isoDate));
  const first = f.frame.dates[0] as number;
  const last = f.frame.dates[f.frame.dates.length - 1] as number;
  let missingBefore = 0;
  let missingAfter = 0;
  const inside: string[] = [];
  for (const d of cal.dates) {
    if (mine.has(d)) continue;
    if (d < first) missingBefore++;
    else if (d > last) missingAfter++;
    else inside.push(isoDate(d));
  }
  const missingInside = sample(inside);
  if (offCalendar.count === 0 && missingBefore === 0 && missingAfter === 0 && missingInside.count === 0) return null;
  const D = cal.dates.length;
  const parts: string[] = [];
  if (alignment === 'exact') {
    if (offCalendar.count > 0) parts.push(`${plural(offCalendar.count, 'date')} not on it dropped (${listed(offCalendar)})`);
    const missing = missingBefore + missingAfter + missingInside.count;
    if (missing > 0) parts.push(`${missing} of ${D} trading days without a row are NaN${missingInside.count > 0 ? ` (${listed(missingInside)})` : ''}`);
  } else {
    if (offCalendar.count > 0) parts.push(`${plural(offCalendar.count, 'date')} not on it (${listed(offCalendar)}): seen only on later trading days without a row of their own`);
    if (missingBefore > 0) parts.push(`${missingBefore} of ${D} trading days before its first date ${isoDate(first)} are NaN`);
    if (missingAfter > 0) parts.push(`${missingAfter} of ${D} trading days after its last date ${isoDate(last)} repeat its last row`);
    if (missingInside.count > 0) parts.push(`${missingInside.count} of ${D} trading days inside its dates without a row repeat the row before (${listed(missingInside)})`);
  }
  const how = alignment === 'exact' ? 'by exact date, as prices are (never carried forward)' : 'as of each trading day (the last row on or before it, like FinLab)';
  return {
    kind: 'dates_differ', file: f.file, field: f.key, calendarFile, alignment, offCalendar, missingBefore, missingAfter, missingInside, of: D,
    message: `${f.file}: put on the price calendar (${calendarFile}) ${how}: ${parts.join('; ')}`,
  };
}
