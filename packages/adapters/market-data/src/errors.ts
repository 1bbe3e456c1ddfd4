import type { MarketDataError } from '@alphaloop/ports';

export type { MarketDataError } from '@alphaloop/ports';

/**
 * A malformed-input error. The port's error carries `file` and `line`; the column (1-based field number,
 * with the header name when there is one) and the reason are in the message, which reads
 * `file:line:column: reason` like a compiler's.
 */
export function malformed(file: string, line: number, reason: string, column?: { index: number; name?: string }): MarketDataError {
  const at = column === undefined ? `${file}:${line}` : `${file}:${line}:${column.index}`;
  const named = column?.name === undefined || column.name === '' ? '' : ` (column '${column.name}')`;
  return { kind: 'market_data_malformed', message: `${at}: ${reason}${named}`, file, line };
}

export function unavailable(message: string): MarketDataError {
  return { kind: 'market_data_unavailable', message };
}

export const describeCause = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A malformed input that is not about one line (a missing file or column in a directory of files). */
export function malformedFile(file: string, reason: string): MarketDataError {
  return { kind: 'market_data_malformed', message: `${file}: ${reason}`, file };
}
