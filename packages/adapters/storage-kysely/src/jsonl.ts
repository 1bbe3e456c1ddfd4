import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createInterface } from 'node:readline';
import { err, errAsync, ok, ResultAsync, type Result } from 'neverthrow';
import {
  metricsFrom,
  type ErrorCategory,
  type IterationError,
  type IterationRecord,
  type SuccessLevel,
} from '@alphaloop/domain';
import type { HistoryRepository, StorageError } from '@alphaloop/ports';
import { decodeRecord } from './record-codec.js';

/**
 * JSONL import and export. Export writes our `IterationRecord`s, one JSON object per line. Import reads
 * both that format and the original Python system's `innovations.jsonl` (detected per line; the field
 * mapping is in this package's README). A line that is not valid is reported with its number and
 * skipped; every valid line is kept; (run, iteration) already stored is left alone, so importing the
 * same file twice adds nothing.
 */

export interface ImportIssue {
  /** 1-based line number in the input. */
  readonly line: number;
  readonly message: string;
}

export interface ImportReport {
  /** Non-blank lines read. */
  readonly lines: number;
  readonly imported: number;
  /** Lines whose (run, iteration) was already stored (an earlier import, or earlier in this file). */
  readonly alreadyPresent: number;
  readonly invalid: readonly ImportIssue[];
}

export interface ImportOptions {
  /** The run the records go into (the original format has no run id; ours is re-labelled). */
  readonly runId: string;
}

export type JsonlFormat = 'alphaloop' | 'original';

// ---------------------------------------------------------------------------------------------------
// Python's json.dumps writes NaN, Infinity and -Infinity as bare tokens, which JSON.parse rejects.

const NON_FINITE = /^-?(?:NaN|Infinity)/;

/** Replaces bare NaN / Infinity / -Infinity tokens (outside strings) with null. */
export function nullifyNonFiniteTokens(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') {
        out += text[i + 1] ?? '';
        i += 1;
      } else if (c === '"') {
        inString = false;
      }
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    const match = c === 'N' || c === 'I' || c === '-' ? NON_FINITE.exec(text.slice(i, i + 9)) : null;
    if (match) {
      out += 'null';
      i += match[0].length - 1;
      continue;
    }
    out += c;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// The original record (seed-system.md §2.1) and its validation rules.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})?$/;
const LEVEL_NAMES: Readonly<Record<string, SuccessLevel>> = { LEVEL_0: 0, LEVEL_1: 1, LEVEL_2: 2, LEVEL_3: 3 };

const ERROR_TYPE_CATEGORY: Readonly<Record<string, ErrorCategory>> = {
  TimeoutError: 'timeout',
  KeyError: 'data_missing',
  AttributeError: 'data_missing',
  IndexError: 'data_missing',
  ZeroDivisionError: 'calculation',
  OverflowError: 'calculation',
  FloatingPointError: 'calculation',
  ValidationError: 'calculation',
  SyntaxError: 'syntax',
  IndentationError: 'syntax',
  NameError: 'syntax',
  ImportError: 'syntax',
  ModuleNotFoundError: 'syntax',
};

/** The original's error type name (and message) → our category, after its `error_classifier.py`. */
export function categoryOf(errorType: string | null, message: string): ErrorCategory {
  if (errorType !== null) {
    const known = ERROR_TYPE_CATEGORY[errorType];
    if (known) return known;
    if (/^LLM|llm/.test(errorType)) return 'llm';
  }
  if (/time ?limit|timed? ?out/i.test(message)) return 'timeout';
  if (/not exists?|not found|missing|no data|找不到|不存在/i.test(message)) return 'data_missing';
  if (/division by zero|overflow|invalid value|\bnan\b/i.test(message)) return 'calculation';
  if (/syntax|not defined|indent/i.test(message)) return 'syntax';
  return 'other';
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Maps one original `innovations.jsonl` object to our record, applying the original's own validation. */
export function fromOriginalRecord(value: unknown, runId: string): Result<IterationRecord, string> {
  if (!isObj(value)) return err('not a JSON object');
  const v = value;
  const iteration = v.iteration_num;
  if (typeof iteration !== 'number' || !Number.isInteger(iteration) || iteration < 0) return err('iteration_num must be a whole number ≥ 0');
  const method = v.generation_method ?? 'llm';
  if (method !== 'llm' && method !== 'factor_graph' && method !== 'template') {
    return err(`generation_method must be llm, factor_graph or template, not ${JSON.stringify(method)}`);
  }
  const code = v.strategy_code ?? null;
  if (code !== null && typeof code !== 'string') return err('strategy_code must be a string or null');
  const execution = v.execution_result ?? {};
  if (!isObj(execution)) return err('execution_result must be an object');
  if (method === 'llm' && (code === null || code.trim() === '')) return err('an llm record needs a non-blank strategy_code');
  if (method === 'template' && code === null) return err('a template record needs a strategy_code');
  if (method === 'template' && code?.trim() === '' && execution.status !== 'error') return err('a template record may have a blank strategy_code only when it failed');
  const strategyId = v.strategy_id ?? null;
  if (strategyId !== null && typeof strategyId !== 'string') return err('strategy_id must be a string or null');
  const generation = v.strategy_generation ?? null;
  if (generation !== null && (typeof generation !== 'number' || !Number.isInteger(generation))) return err('strategy_generation must be a whole number or null');
  if (method === 'factor_graph' && (strategyId === null || strategyId === '')) return err('a factor_graph record needs a strategy_id');
  if (method === 'factor_graph' && generation === null) return err('a factor_graph record needs a strategy_generation');
  const metrics = v.metrics ?? {};
  if (metrics !== null && !isObj(metrics)) return err('metrics must be an object or null');
  const levelName = v.classification_level;
  const level = typeof levelName === 'string' ? LEVEL_NAMES[levelName] : undefined;
  if (level === undefined) return err(`classification_level must be LEVEL_0..LEVEL_3, not ${JSON.stringify(levelName ?? null)}`);
  const timestamp = v.timestamp;
  if (typeof timestamp !== 'string' || !ISO_TIME.test(timestamp) || Number.isNaN(Date.parse(timestamp))) {
    return err(`timestamp must be an ISO-8601 time, not ${JSON.stringify(timestamp ?? null)}`);
  }
  const championUpdated = v.champion_updated ?? false;
  if (typeof championUpdated !== 'boolean') return err('champion_updated must be true or false');
  const feedback = v.feedback_used ?? null;
  if (feedback !== null && typeof feedback !== 'string') return err('feedback_used must be a string or null');

  // Metrics: the record's own dict first; what it lacks comes from execution_result (the original
  // wiped the metrics of every successful backtest, but execution_result kept them).
  const m: Obj = metrics ?? {};
  const pick = (key: string): number | null => num(m[key]) ?? num(execution[key]);
  const executionTime = num(execution.execution_time);
  return ok({
    runId,
    iteration,
    source: method === 'factor_graph' ? 'factor_graph' : 'llm',
    strategyCode: code,
    strategyId: method === 'factor_graph' ? strategyId : null,
    parentId: null,
    mutationOperator: null,
    generation: method === 'factor_graph' ? generation : null,
    metrics: metricsFrom({
      sharpe: pick('sharpe_ratio'),
      totalReturn: pick('total_return'),
      maxDrawdown: pick('max_drawdown'),
      calmar: num(execution.calmar_ratio),
      winRate: num(m.win_rate),
    }),
    holdoutMetrics: null,
    evidence: null, // the original kept no folds, score or return profile
    level,
    error: level === 0 ? originalError(execution, code) : null,
    championUpdated,
    championDecision: null, // nor why its champion changed
    search: null, // nor a search archive
    feedbackUsed: feedback ?? '',
    timings: executionTime !== null && executionTime > 0 ? { backtest: executionTime * 1000 } : {},
    llmUsage: null,
    timestamp,
  });
}

function originalError(execution: Obj, code: string | null): IterationError {
  const type = str(execution.error_type);
  const message = str(execution.error_message) ?? str(execution.error) ?? 'failed (the original record names no error)';
  const step = code === null || code.trim() === '' ? 'generate' : 'backtest';
  return { category: categoryOf(type, message), message: type === null ? message : `${type}: ${message}`, step };
}

/** Parses one line of either format into a record of `runId`. */
export function parseJsonlLine(text: string, runId: string): Result<{ record: IterationRecord; format: JsonlFormat }, string> {
  let value: unknown;
  try {
    value = JSON.parse(nullifyNonFiniteTokens(text));
  } catch (e) {
    return err(`not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (isObj(value) && Object.hasOwn(value, 'iteration_num')) {
    return fromOriginalRecord(value, runId).map((record) => ({ record, format: 'original' as const }));
  }
  if (isObj(value) && Object.hasOwn(value, 'runId') && Object.hasOwn(value, 'iteration')) {
    return decodeRecord(value).map((record) => ({ record: { ...record, runId }, format: 'alphaloop' as const }));
  }
  return err('neither an alphaloop record (runId, iteration, …) nor an original one (iteration_num, …)');
}

type Lines = string | Iterable<string> | AsyncIterable<string>;

async function* linesOf(input: Lines): AsyncIterable<string> {
  if (typeof input === 'string') {
    yield* input.split(/\r?\n/);
    return;
  }
  yield* input;
}

/**
 * Imports JSONL (a whole text, or lines) into `options.runId` through the history port. Stops with the
 * storage error if the database fails; what was stored stays stored, and running again resumes safely.
 */
export function importJsonl(history: HistoryRepository, input: Lines, options: ImportOptions): ResultAsync<ImportReport, StorageError> {
  return new ResultAsync(runImport(history, input, options));
}

async function runImport(history: HistoryRepository, input: Lines, options: ImportOptions): Promise<Result<ImportReport, StorageError>> {
  let lineNo = 0;
  let lines = 0;
  let imported = 0;
  let alreadyPresent = 0;
  const invalid: ImportIssue[] = [];
  try {
    for await (const raw of linesOf(input)) {
      lineNo += 1;
      const text = (lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
      if (text === '') continue;
      lines += 1;
      const parsed = parseJsonlLine(text, options.runId);
      if (parsed.isErr()) {
        invalid.push({ line: lineNo, message: parsed.error });
        continue;
      }
      const saved = await history.append(parsed.value.record);
      if (saved.isOk()) imported += 1;
      else if (saved.error.kind === 'storage_duplicate') alreadyPresent += 1;
      else return err({ kind: saved.error.kind === 'champion_conflict' ? 'storage_failure' : saved.error.kind, message: `line ${lineNo}: ${saved.error.message}` });
    }
  } catch (e) {
    return err({ kind: 'storage_failure', message: `cannot read the JSONL input after line ${lineNo}: ${e instanceof Error ? e.message : String(e)}` });
  }
  return ok({ lines, imported, alreadyPresent, invalid });
}

/** `importJsonl` over a file, read line by line (any size). */
export function importJsonlFile(history: HistoryRepository, path: string, options: ImportOptions): ResultAsync<ImportReport, StorageError> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  return importJsonl(history, lines, options).mapErr((e) => ({ ...e, message: `${path}: ${e.message}` }));
}

/** One record as one JSONL line (no trailing newline). */
export function toJsonlLine(record: IterationRecord): string {
  return JSON.stringify(record);
}

class StopExport extends Error {
  constructor(readonly error: StorageError) {
    super(error.message);
  }
}

/**
 * Writes every record of a run, by ascending iteration, as JSONL through `write` (one call per line,
 * newline included), reading `pageSize` records at a time. Returns the number of records written.
 */
export function exportRunJsonl(
  history: HistoryRepository,
  runId: string,
  write: (line: string) => void | Promise<void>,
  pageSize = 500,
): ResultAsync<number, StorageError> {
  const run = async (): Promise<number> => {
    let offset = 0;
    for (;;) {
      const page = await history.page(runId, { offset, limit: pageSize });
      if (page.isErr()) throw new StopExport(page.error);
      for (const record of page.value) await write(`${toJsonlLine(record)}\n`);
      offset += page.value.length;
      if (page.value.length < pageSize) return offset;
    }
  };
  return ResultAsync.fromPromise(run(), (e) =>
    e instanceof StopExport ? e.error : ({ kind: 'storage_failure', message: `cannot write the JSONL export: ${e instanceof Error ? e.message : String(e)}` } satisfies StorageError),
  );
}

/** `exportRunJsonl` into a file (created or truncated). */
export function exportRunJsonlFile(history: HistoryRepository, runId: string, path: string): ResultAsync<number, StorageError> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const done = finished(out);
  done.catch(() => undefined); // observed below; this only keeps an early failure from being "unhandled"
  const write = async (line: string): Promise<void> => {
    if (!out.write(line)) await Promise.race([once(out, 'drain'), done]);
  };
  const fileError = (e: unknown): StorageError => ({ kind: 'storage_failure', message: `cannot write ${path}: ${e instanceof Error ? e.message : String(e)}` });
  return exportRunJsonl(history, runId, write)
    .andThen((count) => {
      out.end();
      return ResultAsync.fromPromise(done, fileError).map(() => count);
    })
    .orElse((e) => {
      out.destroy();
      return errAsync<number, StorageError>(e.message.includes(path) ? e : { ...e, message: `${path}: ${e.message}` });
    });
}
