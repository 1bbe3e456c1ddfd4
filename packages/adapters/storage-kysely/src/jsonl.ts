import { err, ok, type Result } from 'neverthrow';
import {
  metricsFrom,
  type ArchiveElite,
  type Champion,
  type ErrorCategory,
  type IterationError,
  type IterationRecord,
  type RunProtocol,
  type RunValidation,
  type SuccessLevel,
} from '@alphaloop/domain';
import { decodeChampion, decodeElite, decodeProtocol, decodeRecord, decodeValidation, eliteJson, encodeDailyReturns } from './record-codec.js';

/**
 * The lines of a JSONL export, each one JSON object: our `IterationRecord`s as they are, and (export format 2)
 * the rest of a run, each under one key — `alphaloopExport` (the header), `protocol`, `champion` (one line per
 * version), `elite` (one per archive cell, its daily returns as base64 of their little-endian bytes, so exact) and
 * `validation`. Lines of the original Python system's `innovations.jsonl` are read too (detected per line; the
 * field mapping is in this package's README). `run-transfer.ts` writes and reads whole files.
 */

/** The export format this version writes; files without a header (format 1) hold records only. */
export const EXPORT_FORMAT = 2;

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
  return parseJson(text).andThen((value) => recordOf(value, runId));
}

function parseJson(text: string): Result<unknown, string> {
  try {
    return ok(JSON.parse(nullifyNonFiniteTokens(text)) as unknown);
  } catch (e) {
    return err(`not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

function recordOf(value: unknown, runId: string): Result<{ record: IterationRecord; format: JsonlFormat }, string> {
  if (isObj(value) && Object.hasOwn(value, 'iteration_num')) {
    return fromOriginalRecord(value, runId).map((record) => ({ record, format: 'original' as const }));
  }
  if (isObj(value) && Object.hasOwn(value, 'runId') && Object.hasOwn(value, 'iteration')) {
    return decodeRecord(value).map((record) => ({ record: { ...record, runId }, format: 'alphaloop' as const }));
  }
  return err('neither an alphaloop record (runId, iteration, …) nor an original one (iteration_num, …)');
}

/** One parsed line of an export (or of the original system's file). Ids are already re-labelled to the target run. */
export type ExportEntry =
  | { readonly kind: 'header'; readonly format: number; readonly runId: string }
  | { readonly kind: 'protocol'; readonly protocol: RunProtocol }
  | { readonly kind: 'record'; readonly record: IterationRecord; readonly format: JsonlFormat }
  | { readonly kind: 'champion'; readonly champion: Champion }
  | { readonly kind: 'elite'; readonly elite: ArchiveElite }
  | { readonly kind: 'validation'; readonly validation: RunValidation };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const onlyKey = (value: Record<string, unknown>, key: string): boolean => Object.hasOwn(value, key) && Object.keys(value).length === 1;

/** Parses one line of an export into an entry for run `runId` (records, champions and validations are re-labelled). */
export function parseExportLine(text: string, runId: string): Result<ExportEntry, string> {
  return parseJson(text).andThen((value) => entryOf(value, runId));
}

function entryOf(value: unknown, runId: string): Result<ExportEntry, string> {
  if (!isObj(value)) return err('neither an alphaloop record (runId, iteration, …) nor an original one (iteration_num, …)');
  if (Object.hasOwn(value, 'alphaloopExport')) {
    const format = value.alphaloopExport;
    if (typeof format !== 'number' || !Number.isInteger(format) || format < 1) return err('alphaloopExport is not a format number');
    if (format > EXPORT_FORMAT) return err(`written by a newer alphaloop (export format ${format}; this version reads up to ${EXPORT_FORMAT}): upgrade alphaloop to import it`);
    return ok({ kind: 'header', format, runId: typeof value.runId === 'string' ? value.runId : '' });
  }
  if (onlyKey(value, 'protocol')) return decodeProtocol(value.protocol).map((protocol) => ({ kind: 'protocol' as const, protocol }));
  if (onlyKey(value, 'champion')) return decodeChampion(value.champion).map((champion) => ({ kind: 'champion' as const, champion: { ...champion, runId } }));
  if (onlyKey(value, 'validation')) {
    return decodeValidation(value.validation).map((validation) => ({ kind: 'validation' as const, validation: { ...validation, runId } }));
  }
  if (onlyKey(value, 'elite')) {
    const elite = value.elite;
    if (!isObj(elite)) return err('elite is not an object');
    const returns = elite.dailyReturns;
    if (typeof returns !== 'string' || !BASE64.test(returns)) return err('elite.dailyReturns is not base64 text');
    const bytes = Uint8Array.from(Buffer.from(returns, 'base64'));
    return decodeElite(elite, elite.children, bytes).map((decoded) => ({ kind: 'elite' as const, elite: decoded }));
  }
  return recordOf(value, runId).map(({ record, format }) => ({ kind: 'record' as const, record, format }));
}

/** The lines an export writes (no trailing newline), one per entry. */
export const exportLine = {
  header: (runId: string): string => JSON.stringify({ alphaloopExport: EXPORT_FORMAT, runId }),
  protocol: (protocol: RunProtocol): string => JSON.stringify({ protocol }),
  record: (record: IterationRecord): string => JSON.stringify(record),
  champion: (champion: Champion): string => JSON.stringify({ champion }),
  elite: (elite: ArchiveElite): string => {
    const bytes = encodeDailyReturns(elite.dailyReturns);
    const dailyReturns = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    return JSON.stringify({ elite: { ...(eliteJson(elite) as object), children: elite.children, dailyReturns } });
  },
  validation: (validation: RunValidation): string => JSON.stringify({ validation }),
};
