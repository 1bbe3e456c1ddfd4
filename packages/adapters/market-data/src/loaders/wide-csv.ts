import { isoDate, type Frame } from '@alphaloop/engine';
import { malformed, malformedFile, type MarketDataError } from '../errors.js';
import { isCellError, parseDateCell, parseNumberCell, valueProblem } from './cells.js';
import { readCsvRecords } from './csv-records.js';
import type { ValueDomain } from '../fields.js';

/**
 * Parses one FinLab wide CSV (what `DataFrame.to_csv()` writes for `data.get(key)`): a header row
 * `date,<symbol>,<symbol>,…` (the first header cell is the index name and may be empty), then one row per
 * date: `2024-01-02,<value>,…`. Empty cells are missing values (NaN). Dates must be strictly increasing;
 * every row must have as many cells as the header; every cell must be a number or a missing marker; no value may
 * be infinite, and none may leave the field's `domain` (a price ≤ 0, a volume < 0: `valueDomainOf`). A file with a
 * header and no rows is an error too.
 */
export function parseWideCsv(
  file: string,
  text: string,
  options: { readonly domain?: ValueDomain; readonly field?: string } = {},
): { frame: Frame } | { error: MarketDataError } {
  const domain = options.domain ?? 'any';
  let symbols: string[] | null = null;
  let width = 0;
  const dates: number[] = [];
  const lineOfDate: number[] = [];
  let values = new Float64Array(0);
  let rows = 0;
  const failure = readCsvRecords(file, text, (fields, line) => {
    if (symbols === null) {
      const header = fields.slice(1).map((s) => s.trim());
      if (header.length === 0) return malformed(file, line, 'the header names no stock: expected `date,<stock id>,<stock id>,…`');
      const seen = new Map<string, number>();
      for (let k = 0; k < header.length; k++) {
        const s = header[k] as string;
        if (s === '') return malformed(file, line, 'empty stock id in the header', { index: k + 2 });
        const first = seen.get(s);
        if (first !== undefined) return malformed(file, line, `duplicate stock id '${s}' (also column ${first + 2})`, { index: k + 2 });
        seen.set(s, k);
      }
      symbols = header;
      width = header.length;
      values = new Float64Array(width * Math.max(16, estimateRows(text)));
      return null;
    }
    if (fields.length !== width + 1) {
      return malformed(file, line, `expected ${width + 1} cells (a date and ${width} values), found ${fields.length}`);
    }
    const date = parseDateCell(fields[0]);
    if (isCellError(date)) return malformed(file, line, date.error, { index: 1, name: 'date' });
    const previous = dates.length > 0 ? (dates[dates.length - 1] as number) : Number.NEGATIVE_INFINITY;
    if (date === previous) return malformed(file, line, `duplicate date ${isoDate(date)} (also on line ${lineOfDate[lineOfDate.length - 1]})`, { index: 1, name: 'date' });
    if (date < previous) return malformed(file, line, `dates out of order: ${isoDate(date)} after ${isoDate(previous)}`, { index: 1, name: 'date' });
    if ((rows + 1) * width > values.length) {
      const grown = new Float64Array(values.length * 2);
      grown.set(values);
      values = grown;
    }
    const base = rows * width;
    for (let k = 0; k < width; k++) {
      const cell = fields[k + 1];
      const v = parseNumberCell(cell);
      if (isCellError(v)) return malformed(file, line, `${v.error} for stock ${(symbols as string[])[k]}`, { index: k + 2, name: (symbols as string[])[k] as string });
      // only a value ≤ 0 or ±Infinity (`v - v` is NaN for it; NaN, a missing value, is fine) can be wrong: valueProblem decides
      if (v <= 0 || (v - v !== 0 && v === v)) {
        const stock = (symbols as string[])[k] as string;
        const problem = valueProblem(v, cell, domain, `stock ${stock}`, options.field);
        if (problem !== null) return malformed(file, line, problem, { index: k + 2, name: stock });
      }
      values[base + k] = v;
    }
    dates.push(date);
    lineOfDate.push(line);
    rows++;
    return null;
  });
  if (failure !== null) return { error: failure };
  if (symbols === null) return { error: malformed(file, 1, 'empty file: expected a header `date,<stock id>,…` and rows of values') };
  if (rows === 0) return { error: malformedFile(file, 'no data rows: a header and no dates') };
  return { frame: { dates: Int32Array.from(dates), symbols: symbols as string[], values: values.slice(0, rows * width) } };
}

function estimateRows(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n + 1;
}
