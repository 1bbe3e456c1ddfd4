import { parse } from 'csv-parse/sync';
import { describeCause, malformed, type MarketDataError } from '../errors.js';

/** Called with each non-empty record and its 1-based line number; returns an error to stop. */
export type RecordVisitor = (fields: readonly string[], line: number) => MarketDataError | null;

/**
 * Reads CSV text record by record. Files without any double quote (what pandas writes for numeric tables)
 * take a fast path that splits lines and commas; files with quoting go through csv-parse. Both skip empty
 * lines, accept `\n` and `\r\n`, strip a UTF-8 byte-order mark and report the line each record starts on.
 */
export function readCsvRecords(file: string, text: string, visit: RecordVisitor): MarketDataError | null {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return body.includes('"') ? readQuoted(file, body, visit) : readPlain(body, visit);
}

function readPlain(text: string, visit: RecordVisitor): MarketDataError | null {
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    let content = text.slice(start, end);
    if (content.endsWith('\r')) content = content.slice(0, -1);
    if (content.length > 0) {
      const failure = visit(content.split(','), line);
      if (failure !== null) return failure;
    }
    start = end + 1;
  }
  return null;
}

function readQuoted(file: string, text: string, visit: RecordVisitor): MarketDataError | null {
  let failure: MarketDataError | null = null;
  try {
    parse(text, {
      skip_empty_lines: true,
      relax_column_count: true,
      on_record: (record: string[], context: { lines: number }) => {
        if (failure === null) {
          // context.lines is the line the record ends on (quoted fields may span lines)
          failure = visit(record, context.lines - countNewlines(record));
        }
        return null;
      },
    });
  } catch (e) {
    const at = typeof e === 'object' && e !== null && 'lines' in e && typeof e.lines === 'number' ? e.lines : 0;
    return malformed(file, at, `unreadable CSV: ${describeCause(e)}`);
  }
  return failure;
}

function countNewlines(record: readonly string[]): number {
  let n = 0;
  for (const field of record) for (let i = field.indexOf('\n'); i >= 0; i = field.indexOf('\n', i + 1)) n++;
  return n;
}
