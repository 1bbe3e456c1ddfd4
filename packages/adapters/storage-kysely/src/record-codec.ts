import { err, ok, type Result } from 'neverthrow';
import {
  ERROR_CATEGORIES,
  FACTOR_FAMILIES,
  ITERATION_STEPS,
  METRIC_NAMES,
  type ArchiveDecision,
  type ArchiveElite,
  type Champion,
  type ChampionDecision,
  type ChampionRule,
  type FoldSharpe,
  type IterationError,
  type IterationRecord,
  type LlmUsage,
  type ReturnProfile,
  type RunProtocol,
  type NoveltyCorrelations,
  type RunValidation,
  type SearchStep,
  type SelectionEvidence,
  type StepTimings,
  type StrategyMetrics,
  type StrategySource,
  type StrategyTraits,
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
 * Added so far: `IterationRecord.evidence`, `.championDecision`, `.search`, `Champion.evidence`, `.holdout`.
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
const PARENT_CHOICES = Object.keys({ archive: true, champion: true, explore: true, template: true, llm: true } satisfies Record<SearchStep['parentChoice'], true>) as SearchStep['parentChoice'][];
const DECISION_KINDS = Object.keys({ inserted: true, replaced: true, rejected: true } satisfies Record<ArchiveDecision['kind'], true>) as ArchiveDecision['kind'][];

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

function readCorrelation(r: Reader): NoveltyCorrelations {
  return { elite: r.numOrNull('elite'), parent: r.numOrNull('parent') };
}

function readArchiveDecision(r: Reader): ArchiveDecision {
  const kind = r.oneOf('kind', DECISION_KINDS);
  switch (kind) {
    case 'inserted':
      return { kind, cell: r.str('cell'), correlation: readCorrelation(r.child('correlation')), reason: r.str('reason') };
    case 'replaced':
      return { kind, cell: r.str('cell'), previous: r.str('previous'), correlation: readCorrelation(r.child('correlation')), reason: r.str('reason') };
    case 'rejected':
      return { kind, cell: r.strOrNull('cell'), correlation: readCorrelation(r.child('correlation')), reason: r.str('reason') };
  }
}

function readSearch(r: Reader): SearchStep {
  const archive = r.childOrNull('archive');
  return {
    cell: r.strOrNull('cell'),
    family: r.oneOfOrNull('family', FACTOR_FAMILIES),
    parentCell: r.strOrNull('parentCell'),
    mateId: r.strOrNull('mateId'),
    parentChoice: r.oneOf('parentChoice', PARENT_CHOICES),
    archive: archive === null ? null : readArchiveDecision(archive),
  };
}

function readTraits(r: Reader): StrategyTraits {
  return { family: r.oneOf('family', FACTOR_FAMILIES), averageHoldings: r.numOrNull('averageHoldings') };
}

function readRecord(r: Reader): IterationRecord {
  const holdout = r.childOrNull('holdoutMetrics');
  const evidence = r.optionalChild('evidence');
  const error = r.childOrNull('error');
  const decision = r.optionalChild('championDecision');
  const search = r.optionalChild('search');
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
    search: search === null ? null : readSearch(search),
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
    traits: readTraits(r.child('traits')),
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
 * (`encodeOutcome` writes them so). An entry stored before outcomes had costs, folds or traits is refused (a miss).
 */
export function decodeOutcome(value: unknown): Result<BacktestOutcome, string> {
  return decodeWith(value, 'outcome', readOutcome);
}

/** The JSON-ready form of an outcome: its `Float64Array` of daily returns as a plain array. */
export function encodeOutcome(outcome: BacktestOutcome): unknown {
  return { ...outcome, dailyReturns: outcome.dailyReturns === null ? null : Array.from(outcome.dailyReturns) };
}

// ---------------------------------------------------------------------------------------------------
// Archive elites: everything but the daily returns and the children count is JSON (`elite` jsonb); the daily
// returns are the Float64Array's bytes (little-endian, so they come back bit for bit: -0, 1e-300, 1/3), and
// `children` is a column because SQL counts it up.

/** The JSON-ready part of an elite (without `dailyReturns` and `children`), in the domain's field order. */
export function eliteJson(elite: ArchiveElite): unknown {
  return {
    cell: elite.cell,
    strategyId: elite.strategyId,
    code: elite.code,
    source: elite.source,
    metrics: elite.metrics,
    evidence: elite.evidence,
    traits: elite.traits,
    iteration: elite.iteration,
  };
}

/** A `Float64Array` as its bytes, little-endian (on any machine). */
export function encodeDailyReturns(values: Float64Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i += 1) view.setFloat64(i * 8, values[i] as number, true);
  return bytes;
}

/** The driver's `bytea` (a `Buffer` from node-postgres, a `Uint8Array` from PGlite, or `\x…` hex text) back to a `Float64Array`. */
export function decodeDailyReturns(value: unknown): Result<Float64Array, string> {
  let bytes: Uint8Array;
  if (value instanceof Uint8Array) bytes = value;
  else if (typeof value === 'string' && /^\\x(?:[0-9a-fA-F]{2})*$/.test(value)) bytes = Uint8Array.from(Buffer.from(value.slice(2), 'hex'));
  else return err('elite.dailyReturns is not bytes');
  if (bytes.byteLength % 8 !== 0) return err(`elite.dailyReturns has ${bytes.byteLength} bytes, not a multiple of 8`);
  // a Buffer is often a slice of a shared pool at any offset: read through a DataView, never alias it
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(bytes.byteLength / 8);
  for (let i = 0; i < out.length; i += 1) out[i] = view.getFloat64(i * 8, true);
  return ok(out);
}

function readElite(r: Reader, children: unknown, dailyReturns: Float64Array): ArchiveElite {
  const iteration = r.count('iteration');
  if (typeof children !== 'number' || !Number.isInteger(children) || children < 0) throw new CodecError('elite.children is not a whole number ≥ 0');
  const cell = r.str('cell');
  if (cell === '') throw new CodecError('elite.cell is empty');
  return {
    cell,
    strategyId: r.str('strategyId'),
    code: r.str('code'),
    source: r.oneOf('source', SOURCES),
    metrics: readMetrics(r.child('metrics')),
    evidence: readEvidence(r.child('evidence')),
    traits: readTraits(r.child('traits')),
    dailyReturns,
    iteration,
    children,
  };
}

/** A stored elite: its `elite` JSON (parsed), its `children` column and its `daily_returns` bytes. */
export function decodeElite(json: unknown, children: unknown, dailyReturns: unknown): Result<ArchiveElite, string> {
  return decodeDailyReturns(dailyReturns).andThen((returns) => decodeWith(json, 'elite', (r) => readElite(r, children, returns)));
}

/** `storable` for an elite: what it reads back as once stored (its JSON part through JSON, its returns through bytes). */
export function storableElite(elite: ArchiveElite): Result<ArchiveElite, string> {
  if (!(elite.dailyReturns instanceof Float64Array)) return err('elite.dailyReturns is not a Float64Array');
  return decodeElite(JSON.parse(JSON.stringify(eliteJson(elite))) as unknown, elite.children, encodeDailyReturns(elite.dailyReturns));
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
