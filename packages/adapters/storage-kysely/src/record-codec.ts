import { err, ok, type Result } from 'neverthrow';
import {
  ERROR_CATEGORIES,
  ITERATION_STEPS,
  METRIC_NAMES,
  type Champion,
  type ChampionDecision,
  type ChampionRule,
  type FoldSharpe,
  type IterationError,
  type IterationRecord,
  type LlmUsage,
  type ReturnProfile,
  type RunProtocol,
  type RunValidation,
  type SelectionEvidence,
  type StepTimings,
  type StrategyMetrics,
  type StrategySource,
  type SuccessLevel,
} from '@alphaloop/domain';
import type { BacktestCosts, BacktestOutcome } from '@alphaloop/ports';

/**
 * Records and champions are stored as JSON and re-validated on the way back in, so a row that was
 * damaged (or written by something else) is reported as corrupt instead of flowing on as a wrong type.
 * Decoding rebuilds every object in the domain's field order, so what comes back deep-equals what was
 * stored, whatever order the database keeps JSON keys in.
 *
 * Fields added after rows were first stored are read with `optional…`: a row written before the field existed
 * (the key absent) reads as `null`, so nothing already stored is refused; a key that is present must be valid.
 * Added so far: `IterationRecord.evidence`, `.championDecision`, `Champion.evidence`, `.holdout`.
 */

class CodecError extends Error {}

type Obj = Readonly<Record<string, unknown>>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Reader {
  constructor(
    private readonly obj: Obj,
    private readonly path: string,
  ) {}

  static of(value: unknown, path: string): Reader {
    if (!isObj(value)) throw new CodecError(`${path} is not an object`);
    return new Reader(value, path);
  }

  has(key: string): boolean {
    return Object.hasOwn(this.obj, key);
  }

  raw(key: string): unknown {
    if (!this.has(key)) throw new CodecError(`${this.path}.${key} is missing`);
    return this.obj[key];
  }

  str(key: string): string {
    const v = this.raw(key);
    if (typeof v !== 'string') throw new CodecError(`${this.path}.${key} is not a string`);
    return v;
  }

  strOrNull(key: string): string | null {
    return this.raw(key) === null ? null : this.str(key);
  }

  num(key: string): number {
    const v = this.raw(key);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new CodecError(`${this.path}.${key} is not a finite number`);
    return v;
  }

  numOrNull(key: string): number | null {
    return this.raw(key) === null ? null : this.num(key);
  }

  int(key: string): number {
    const v = this.num(key);
    if (!Number.isInteger(v)) throw new CodecError(`${this.path}.${key} is not an integer`);
    return v;
  }

  intOrNull(key: string): number | null {
    return this.raw(key) === null ? null : this.int(key);
  }

  /** A whole number ≥ 0. */
  count(key: string): number {
    const v = this.int(key);
    if (v < 0) throw new CodecError(`${this.path}.${key} is negative`);
    return v;
  }

  bool(key: string): boolean {
    const v = this.raw(key);
    if (typeof v !== 'boolean') throw new CodecError(`${this.path}.${key} is not a boolean`);
    return v;
  }

  child(key: string): Reader {
    return Reader.of(this.raw(key), `${this.path}.${key}`);
  }

  childOrNull(key: string): Reader | null {
    return this.raw(key) === null ? null : this.child(key);
  }

  /** For a field added after rows were stored: absent (an older row) or null → null; otherwise it must be an object. */
  optionalChild(key: string): Reader | null {
    return this.has(key) ? this.childOrNull(key) : null;
  }

  /** An array, each element read by `item` with its own path (`record.evidence.folds[2]`). */
  list<T>(key: string, item: (value: unknown, path: string) => T): T[] {
    const v = this.raw(key);
    if (!Array.isArray(v)) throw new CodecError(`${this.path}.${key} is not an array`);
    return v.map((element, i) => item(element, `${this.path}.${key}[${i}]`));
  }

  strings(key: string): string[] {
    return this.list(key, (v, path) => {
      if (typeof v !== 'string') throw new CodecError(`${path} is not a string`);
      return v;
    });
  }

  numbers(key: string): number[] {
    return this.list(key, (v, path) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new CodecError(`${path} is not a finite number`);
      return v;
    });
  }

  oneOfOrNull<T extends string | number>(key: string, allowed: readonly T[]): T | null {
    return this.raw(key) === null ? null : this.oneOf(key, allowed);
  }

  oneOf<T extends string | number>(key: string, allowed: readonly T[]): T {
    const v = this.raw(key);
    if (!(allowed as readonly unknown[]).includes(v)) throw new CodecError(`${this.path}.${key} is not one of ${allowed.join(', ')}`);
    return v as T;
  }

  keys(): string[] {
    return Object.keys(this.obj);
  }
}

const SOURCES: readonly StrategySource[] = ['llm', 'factor_graph'];
const LEVELS: readonly SuccessLevel[] = [0, 1, 2, 3];
// `satisfies Record<ChampionRule, true>`: a rule added to the domain fails to compile here until it is listed
const RULES = Object.keys({ first: true, relative: true, absolute: true, tie_break: true } satisfies Record<ChampionRule, true>) as ChampionRule[];

function readMetrics(r: Reader): StrategyMetrics {
  const out: Record<string, number | null> = {};
  for (const name of METRIC_NAMES) out[name] = r.numOrNull(name);
  return out as unknown as StrategyMetrics;
}

function readError(r: Reader): IterationError {
  return { category: r.oneOf('category', ERROR_CATEGORIES), message: r.str('message'), step: r.oneOf('step', ITERATION_STEPS) };
}

function readTimings(r: Reader): StepTimings {
  const out: Partial<Record<(typeof ITERATION_STEPS)[number], number>> = {};
  for (const key of r.keys()) {
    if (!(ITERATION_STEPS as readonly string[]).includes(key)) throw new CodecError(`timings.${key} is not a step`);
  }
  for (const step of ITERATION_STEPS) if (r.has(step)) out[step] = r.num(step);
  return out;
}

function readUsage(r: Reader): LlmUsage {
  return {
    model: r.str('model'),
    tokensIn: r.num('tokensIn'),
    tokensOut: r.num('tokensOut'),
    costUsd: r.num('costUsd'),
    cached: r.bool('cached'),
    attempts: r.num('attempts'),
    latencyMs: r.num('latencyMs'),
  };
}

function readFold(r: Reader): FoldSharpe {
  return { start: r.str('start'), end: r.str('end'), sharpe: r.numOrNull('sharpe') };
}

function readProfile(r: Reader): ReturnProfile {
  return { observations: r.count('observations'), sharpe: r.num('sharpe'), skewness: r.num('skewness'), kurtosis: r.num('kurtosis') };
}

function readEvidence(r: Reader): SelectionEvidence {
  const folds = r.list('folds', (v, path) => readFold(Reader.of(v, path)));
  const score = r.numOrNull('score');
  const profile = r.childOrNull('profile');
  return {
    folds,
    score,
    profile: profile === null ? null : readProfile(profile),
    monthlyReturns: r.numbers('monthlyReturns'),
    suspicious: r.strings('suspicious'),
  };
}

function readDecision(r: Reader): ChampionDecision {
  return { replace: r.bool('replace'), rule: r.oneOfOrNull('rule', RULES), reasons: r.strings('reasons') };
}

function readRecord(r: Reader): IterationRecord {
  const holdout = r.childOrNull('holdoutMetrics');
  const evidence = r.optionalChild('evidence');
  const error = r.childOrNull('error');
  const decision = r.optionalChild('championDecision');
  const usage = r.childOrNull('llmUsage');
  const iteration = r.int('iteration');
  if (iteration < 0) throw new CodecError('record.iteration is negative');
  return {
    runId: r.str('runId'),
    iteration,
    source: r.oneOf('source', SOURCES),
    strategyCode: r.strOrNull('strategyCode'),
    strategyId: r.strOrNull('strategyId'),
    parentId: r.strOrNull('parentId'),
    mutationOperator: r.strOrNull('mutationOperator'),
    generation: r.intOrNull('generation'),
    metrics: readMetrics(r.child('metrics')),
    holdoutMetrics: holdout === null ? null : readMetrics(holdout),
    evidence: evidence === null ? null : readEvidence(evidence),
    level: r.oneOf('level', LEVELS),
    error: error === null ? null : readError(error),
    championUpdated: r.bool('championUpdated'),
    championDecision: decision === null ? null : readDecision(decision),
    feedbackUsed: r.str('feedbackUsed'),
    timings: readTimings(r.child('timings')),
    llmUsage: usage === null ? null : readUsage(usage),
    timestamp: r.str('timestamp'),
  };
}

function readChampion(r: Reader): Champion {
  const version = r.int('version');
  if (version < 1) throw new CodecError('champion.version is below 1');
  const evidence = r.optionalChild('evidence');
  const holdout = r.optionalChild('holdout');
  return {
    runId: r.str('runId'),
    strategyId: r.str('strategyId'),
    code: r.str('code'),
    source: r.oneOf('source', SOURCES),
    metrics: readMetrics(r.child('metrics')),
    evidence: evidence === null ? null : readEvidence(evidence),
    holdout: holdout === null ? null : readMetrics(holdout),
    iteration: r.int('iteration'),
    version,
  };
}

function readProtocol(r: Reader): RunProtocol {
  return {
    dataVersion: r.str('dataVersion'),
    seed: r.num('seed'),
    inSampleStart: r.str('inSampleStart'),
    inSampleEnd: r.str('inSampleEnd'),
    holdoutStart: r.strOrNull('holdoutStart'),
    folds: r.int('folds'),
    feeRatio: r.num('feeRatio'),
    taxRatio: r.num('taxRatio'),
    riskFreeRate: r.num('riskFreeRate'),
  };
}

function readValidation(r: Reader): RunValidation {
  return {
    runId: r.str('runId'),
    createdAt: r.str('createdAt'),
    strategyIds: r.strings('strategyIds'),
    blocks: r.int('blocks'),
    splitCount: r.int('splitCount'),
    observations: r.int('observations'),
    pbo: r.num('pbo'),
    degradationSlope: r.num('degradationSlope'),
    degradationIntercept: r.num('degradationIntercept'),
    probabilityOfLoss: r.num('probabilityOfLoss'),
  };
}

const COST_SETTERS: readonly BacktestCosts['setBy'][] = ['run', 'strategy'];

function readOutcome(r: Reader): BacktestOutcome {
  const strategyId = r.str('strategyId');
  const canonicalCode = r.str('canonicalCode');
  const metrics = readMetrics(r.child('metrics'));
  const folds = r.list('folds', (v, path) => readFold(Reader.of(v, path)));
  const profile = r.childOrNull('profile');
  const monthlyReturns = r.numbers('monthlyReturns');
  const holdout = r.childOrNull('holdoutMetrics');
  return {
    strategyId,
    canonicalCode,
    metrics,
    folds,
    profile: profile === null ? null : readProfile(profile),
    monthlyReturns,
    holdoutMetrics: holdout === null ? null : readMetrics(holdout),
    dailyReturns: r.raw('dailyReturns') === null ? null : Float64Array.from(r.numbers('dailyReturns')),
    costs: readCosts(r.child('costs')),
  };
}

function readCosts(r: Reader): BacktestCosts {
  return { feeRatio: r.num('feeRatio'), taxRatio: r.num('taxRatio'), setBy: r.oneOf('setBy', COST_SETTERS) };
}

function decodeWith<T>(value: unknown, path: string, read: (r: Reader) => T): Result<T, string> {
  try {
    return ok(read(Reader.of(value, path)));
  } catch (e) {
    if (e instanceof CodecError) return err(e.message);
    throw e;
  }
}

/** Checks a stored (or imported) value is a complete `IterationRecord`; the error says which field is wrong. */
export function decodeRecord(value: unknown): Result<IterationRecord, string> {
  return decodeWith(value, 'record', readRecord);
}

export function decodeChampion(value: unknown): Result<Champion, string> {
  return decodeWith(value, 'champion', readChampion);
}

export function decodeProtocol(value: unknown): Result<RunProtocol, string> {
  return decodeWith(value, 'protocol', readProtocol);
}

export function decodeValidation(value: unknown): Result<RunValidation, string> {
  return decodeWith(value, 'validation', readValidation);
}

/**
 * A cached backtest outcome. Its daily returns are stored as a JSON array and come back as a `Float64Array`
 * (`encodeOutcome` writes them so).
 */
export function decodeOutcome(value: unknown): Result<BacktestOutcome, string> {
  return decodeWith(value, 'outcome', readOutcome);
}

/** The JSON-ready form of an outcome: its `Float64Array` of daily returns as a plain array. */
export function encodeOutcome(outcome: BacktestOutcome): unknown {
  return { ...outcome, dailyReturns: outcome.dailyReturns === null ? null : Array.from(outcome.dailyReturns) };
}

/**
 * What a value will read back as once stored: `decode` applied to its JSON. A write checks this first, so a value
 * that would come back refused (NaN or Infinity where a finite number is required: JSON writes them as null) is
 * refused before anything is stored, naming the field, instead of leaving a row that can never be read.
 */
export function storable<T>(value: T, decode: (json: unknown) => Result<T, string>): Result<T, string> {
  return decode(JSON.parse(JSON.stringify(value)) as unknown);
}

// ---------------------------------------------------------------------------------------------------
// JSON in PostgreSQL: `jsonb` (and `text`) cannot hold U+0000 or a lone UTF-16 surrogate. A record that
// contains one (an LLM answer, an error message quoting binary input) is stored as its JSON text inside
// a wrapper object, where both are escaped, so it is kept exactly instead of failing the append.

const WRAPPER_KEY = '$alphaloopJson';
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what we look for
const UNSAFE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSAFE_JSON = /\\u0000|\\ud[89a-f][0-9a-f]{2}/i;

/** True when PostgreSQL can store the string as `text` unchanged. */
export function isStorableText(text: string): boolean {
  return !UNSAFE_TEXT.test(text);
}

/** JSON text for a `jsonb` column; never rejected by PostgreSQL for its characters. */
export function toStoredJson(value: unknown): string {
  return storedJson(value).json;
}

/** `toStoredJson`, and whether the value had to be wrapped (then no key can be added to it in SQL). */
export function storedJson(value: unknown): { json: string; wrapped: boolean } {
  const json = JSON.stringify(value);
  return UNSAFE_JSON.test(json) ? { json: JSON.stringify({ [WRAPPER_KEY]: json }), wrapped: true } : { json, wrapped: false };
}

/** The inverse of `toStoredJson`, applied to the parsed `jsonb` the driver returns. */
export function fromStoredJson(value: unknown): unknown {
  if (isObj(value) && typeof value[WRAPPER_KEY] === 'string' && Object.keys(value).length === 1) {
    return JSON.parse(value[WRAPPER_KEY]) as unknown;
  }
  return value;
}
