import { civilFromDays, daysFromCivil } from '@alphaloop/engine';
import type { ValueDomain } from '../fields.js';

/** A cell that is not a value, or the reason it cannot be read. */
export type CellResult = number | { readonly error: string };

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Spellings of a missing value (pandas writes NaN as an empty cell). */
const MISSING = new Set(['', 'nan', 'NaN', 'NAN', 'NA', 'N/A', 'null', 'NULL', 'None', '<NA>', 'NaT']);
const INFINITE = new Map([['inf', Infinity], ['+inf', Infinity], ['-inf', -Infinity], ['Infinity', Infinity], ['-Infinity', -Infinity], ['+Infinity', Infinity]]);

const show = (text: string): string => (text.length > 40 ? `'${text.slice(0, 40)}…'` : `'${text}'`);

/**
 * A numeric cell: a decimal number (exponent allowed), a missing marker (empty, `nan`, `NA`, `null`, …) → NaN,
 * `inf`/`-inf` → ±Infinity, `True`/`False` → 1/0. Anything else (e.g. `1,234`, `12abc`) is an error.
 */
export function parseNumberCell(cell: unknown): CellResult {
  if (typeof cell === 'string' && cell.length > 0) {
    // fast path for plain decimals: Number() also accepts hex/octal/binary literals and padding, so those
    // (a letter in second place, a leading space) go the strict way below
    const first = cell.charCodeAt(0);
    const second = cell.length > 1 ? cell.charCodeAt(1) : 48;
    if (first > 32 && (second < 65 || second === 69 || second === 101)) {
      const v = +cell;
      if (!Number.isNaN(v) && v !== Infinity && v !== -Infinity) return v;
    }
  }
  if (typeof cell === 'number') return cell;
  if (typeof cell === 'bigint') return Number(cell);
  if (typeof cell === 'boolean') return cell ? 1 : 0;
  if (cell === null || cell === undefined) return Number.NaN;
  if (typeof cell !== 'string') return { error: `non-numeric value of type ${typeof cell}` };
  const text = cell.trim();
  if (MISSING.has(text)) return Number.NaN;
  if (NUMBER.test(text)) return Number(text);
  const inf = INFINITE.get(text);
  if (inf !== undefined) return inf;
  if (text === 'True' || text === 'true') return 1;
  if (text === 'False' || text === 'false') return 0;
  return { error: `non-numeric value ${show(text)}` };
}

/**
 * What is wrong with a parsed value of a field, or null: an infinite value (`inf`, or a number such as `1e309`
 * beyond the range of a double, which reads as infinity) in any field, a price ≤ 0 and a count (volume, turnover)
 * below 0 (`domain`: see `valueDomainOf`). NaN (missing) is never a problem. `cell` is the cell as read, `subject`
 * what the value is of (`stock 2330`) and `field` the field's key, for the message.
 */
export function valueProblem(value: number, cell: unknown, domain: ValueDomain, subject: string, field = 'value'): string | null {
  if (value !== value) return null;
  const text = typeof cell === 'string' && cell.trim() !== '' ? show(cell.trim()) : String(value);
  if (value === Infinity || value === -Infinity) {
    return typeof cell === 'string' && NUMBER.test(cell.trim())
      ? `number ${text} out of range (it reads as infinity) for ${subject}`
      : `infinite value ${text} for ${subject}`;
  }
  if (domain === 'positive' && value <= 0) return `${value === 0 ? 'zero' : 'negative'} price ${text} for ${subject}: prices must be > 0`;
  if (domain === 'non-negative' && value < 0) return `negative ${field} ${text} for ${subject}: ${field} cannot be below 0`;
  return null;
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const SLASH = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;

function civil(year: number, month: number, day: number, text: string): CellResult {
  const epoch = daysFromCivil(year, month, day);
  const back = civilFromDays(epoch);
  if (back.year !== year || back.month !== month || back.day !== day) return { error: `unparseable date ${show(text)} (no such day)` };
  return epoch;
}

/**
 * A date cell → epoch day. Accepts `YYYY-MM-DD` (optionally with a midnight time, as pandas writes
 * timestamps: `2024-01-02 00:00:00`), `YYYY/MM/DD`, `YYYYMMDD` (text or integer), and a JavaScript `Date`
 * at midnight UTC (Parquet DATE / TIMESTAMP columns). Anything else is an error: a time of day other than
 * midnight, FinLab's quarter labels (`2024-Q1`), empty cells.
 */
export function parseDateCell(cell: unknown): CellResult {
  if (cell instanceof Date) {
    const ms = cell.getTime();
    if (Number.isNaN(ms)) return { error: 'unparseable date (invalid Date)' };
    if (ms % 86_400_000 !== 0) return { error: `unparseable date ${show(cell.toISOString())} (not midnight UTC)` };
    return ms / 86_400_000;
  }
  if (typeof cell === 'number' || typeof cell === 'bigint') return parseDateCell(String(cell));
  if (typeof cell !== 'string') return { error: cell === null || cell === undefined ? 'missing date' : `unparseable date of type ${typeof cell}` };
  const text = cell.trim();
  if (text === '') return { error: 'missing date' };
  const m = ISO.exec(text) ?? SLASH.exec(text) ?? COMPACT.exec(text);
  if (m === null) return { error: `unparseable date ${show(text)}` };
  return civil(Number(m[1]), Number(m[2]), Number(m[3]), text);
}

export const isCellError = (r: CellResult): r is { readonly error: string } => typeof r !== 'number';
