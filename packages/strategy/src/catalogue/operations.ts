import type { NodeType, ValueType } from '../graph/types.js';

/**
 * The operation catalogue: every operation a strategy can use, as data. The compiler, the printer, the
 * mutation operators, the LLM prompt and the docs are all driven from this table.
 *
 * Conventions shared by every operation (the engine implements these):
 * - All frames of a run share one grid (trading dates × symbols). The data layer has already dated
 *   lower-frequency data by its publication day and forward-filled it, so operations never align indexes.
 * - "Row" = one date, "column" = one symbol. Time-series operations work down each column independently;
 *   cross-section operations work across each row independently.
 * - Float results that are not finite (±Infinity, e.g. x / 0) become NaN.
 * - Bool frames never hold NaN: every comparison with a NaN operand is false (except `!=`, true, as pandas).
 * - Windows count rows (trading days), not calendar days, and include the current row.
 */

export type OperationKind = 'literal' | 'data' | 'unary' | 'binary' | 'method';

export type OperationCategory =
  | 'literal'
  | 'data'
  | 'arithmetic'
  | 'comparison'
  | 'logic'
  | 'time_series'
  | 'cross_section'
  | 'combination'
  | 'state';

/** A bound that is either fixed or "the number of dates in the loaded market data". */
export type ParamBound = number | 'dateCount';

export interface ParamSpec {
  readonly name: string;
  readonly type: 'integer' | 'number' | 'string';
  readonly min?: ParamBound;
  readonly max?: ParamBound;
  /** Filled in when the source omits the argument; the graph always holds the resolved value. */
  readonly default?: number;
  /** May be omitted and then stays absent from the graph (only `holdUntil`'s limit). */
  readonly optional?: true;
  readonly doc: string;
}

export interface ArgSpec {
  readonly name: string;
  readonly types: readonly NodeType[];
  /** May be omitted (only `holdUntil`'s rank). */
  readonly optional?: true;
}

export interface OperationSpec {
  /** Graph op name (`GraphNode.op`). Stable: renaming breaks stored graphs and the engine. */
  readonly name: string;
  readonly kind: OperationKind;
  /** How it is written in strategy source (`x` is the receiver). */
  readonly source: string;
  /** For methods: the method name in source (`average`, or `max` after `.rolling(n)`). */
  readonly method?: string;
  /** For methods written `x.rolling(n).<method>()`: the window comes from `rolling(n)`. */
  readonly chain?: 'rolling';
  /** For unary and binary operations: the source operators that compile to it (first = canonical). */
  readonly operators?: readonly string[];
  /** Node inputs in order (for methods the receiver first). */
  readonly args: readonly ArgSpec[];
  readonly params: readonly ParamSpec[];
  /** Result type; 'receiver' = same type as the first argument. */
  readonly result: NodeType | 'receiver';
  readonly category: OperationCategory;
  /** One line for the LLM prompt and the docs. */
  readonly doc: string;
}

const FLOAT: readonly NodeType[] = ['float_frame'];
const BOOL: readonly NodeType[] = ['bool_frame'];
const FRAME: readonly NodeType[] = ['float_frame', 'bool_frame'];
const FLOAT_OR_NUMBER: readonly NodeType[] = ['float_frame', 'number'];

const window = (doc = 'window length in rows (trading days)'): ParamSpec => ({
  name: 'n', type: 'integer', min: 1, max: 'dateCount', doc,
});
const lag = (defaultValue?: number): ParamSpec => ({
  name: 'n', type: 'integer', min: 1, max: 'dateCount', doc: 'lag in rows',
  ...(defaultValue === undefined ? {} : { default: defaultValue }),
});
const count = (doc: string): ParamSpec => ({ name: 'n', type: 'integer', min: 1, max: 10_000, doc });

/** A spec whose name keeps its literal type (so `OpName` lists every operation). */
type Named<N extends string> = OperationSpec & { readonly name: N };

const arithmetic = <N extends string>(name: N, operator: string, doc: string): Named<N> => ({
  name, kind: 'binary', source: `a ${operator} b`, operators: [operator],
  args: [{ name: 'a', types: FLOAT_OR_NUMBER }, { name: 'b', types: FLOAT_OR_NUMBER }],
  params: [], result: 'float_frame', category: 'arithmetic', doc,
});
const comparison = <N extends string>(name: N, operators: readonly string[], doc: string): Named<N> => ({
  name, kind: 'binary', source: `a ${operators[0] ?? ''} b`, operators,
  args: [{ name: 'a', types: FLOAT_OR_NUMBER }, { name: 'b', types: FLOAT_OR_NUMBER }],
  params: [], result: 'bool_frame', category: 'comparison', doc,
});
const rolling = <N extends string>(name: N, method: string, doc: string): Named<N> => ({
  name, kind: 'method', source: `x.rolling(n).${method}()`, method, chain: 'rolling',
  args: [{ name: 'x', types: FLOAT }], params: [window()], result: 'float_frame', category: 'time_series', doc,
});

const CATALOGUE = [
  // A finite number. Scalar ⊕ scalar arithmetic is folded at compile time, so constants only meet frames.
  { name: 'const', kind: 'literal', source: '1.5', args: [], result: 'number', category: 'literal',
    params: [{ name: 'value', type: 'number', doc: 'the value' }],
    doc: 'a numeric literal (underscores allowed: 1_000_000)' },
  // data.get(key): the market field as a float frame (params: [canonical key]); aliases resolve to the key.
  { name: 'data', kind: 'data', source: "data.get('price:close')", args: [], result: 'float_frame', category: 'data',
    params: [{ name: 'key', type: 'string', doc: 'a data key of the loaded market (or one of its aliases)' }],
    doc: 'a market data field as a dates × symbols frame' },

  // IEEE arithmetic, elementwise, a number broadcasts to every cell; NaN in → NaN out; non-finite → NaN.
  arithmetic('add', '+', 'elementwise sum'),
  arithmetic('sub', '-', 'elementwise difference'),
  arithmetic('mul', '*', 'elementwise product'),
  arithmetic('div', '/', 'elementwise quotient (x / 0 is NaN)'),
  { name: 'neg', kind: 'unary', source: '-x', operators: ['-'], args: [{ name: 'x', types: FLOAT }], params: [],
    result: 'float_frame', category: 'arithmetic', doc: 'elementwise negation (on a literal it folds to a negative number)' },

  // pandas comparisons: NaN on either side → false (for != → true).
  comparison('gt', ['>'], 'elementwise a > b'),
  comparison('ge', ['>='], 'elementwise a >= b'),
  comparison('lt', ['<'], 'elementwise a < b'),
  comparison('le', ['<='], 'elementwise a <= b'),
  comparison('eq', ['==', '==='], 'elementwise a == b (e.g. close == close.rolling(250).max())'),
  comparison('ne', ['!=', '!=='], 'elementwise a != b'),

  { name: 'and', kind: 'binary', source: 'a && b', operators: ['&&', '&'],
    args: [{ name: 'a', types: BOOL }, { name: 'b', types: BOOL }], params: [], result: 'bool_frame', category: 'logic',
    doc: 'both conditions hold (& is accepted as the FinLab spelling)' },
  { name: 'or', kind: 'binary', source: 'a || b', operators: ['||', '|'],
    args: [{ name: 'a', types: BOOL }, { name: 'b', types: BOOL }], params: [], result: 'bool_frame', category: 'logic',
    doc: 'either condition holds (| is accepted as the FinLab spelling)' },
  { name: 'not', kind: 'unary', source: '!x', operators: ['!'], args: [{ name: 'x', types: BOOL }], params: [],
    result: 'bool_frame', category: 'logic', doc: 'the condition does not hold' },

  // FinLab average: rolling mean, min_periods = max(1, floor(n/2)) non-NaN values in the window (NaNs skipped).
  { name: 'average', kind: 'method', source: 'x.average(n)', method: 'average', args: [{ name: 'x', types: FLOAT }],
    params: [window()], result: 'float_frame', category: 'time_series',
    doc: 'moving average over n days (FinLab: needs at least n/2 valid values)' },
  // pandas rolling(n) with min_periods = n: NaN unless all n values in the window are valid. std: ddof = 1.
  rolling('rollingMean', 'mean', 'mean over the last n days (all n must be valid)'),
  rolling('rollingSum', 'sum', 'sum over the last n days'),
  rolling('rollingMax', 'max', 'highest value over the last n days (including today)'),
  rolling('rollingMin', 'min', 'lowest value over the last n days (including today)'),
  rolling('rollingStd', 'std', 'sample standard deviation over the last n days (n = 1 gives NaN)'),
  // Row t takes row t − n; the first n rows are NaN (bool frames: false). n = 0 is the identity.
  { name: 'shift', kind: 'method', source: 'x.shift(n)', method: 'shift', args: [{ name: 'x', types: FRAME }],
    params: [{ name: 'n', type: 'integer', min: 0, max: 'dateCount', doc: 'lag in rows; must be ≥ 0 (no look-ahead)' }],
    result: 'receiver', category: 'time_series', doc: 'the value n days earlier (n ≥ 0)' },
  // x_t / x_{t−n} − 1 (pandas pct_change(n, fill_method=None)); NaN if either is NaN or x_{t−n} = 0.
  { name: 'pctChange', kind: 'method', source: 'x.pctChange(n)', method: 'pctChange', args: [{ name: 'x', types: FLOAT }],
    params: [lag(1)], result: 'float_frame', category: 'time_series', doc: 'relative change over n days (default 1)' },
  // x_t − x_{t−n}.
  { name: 'diff', kind: 'method', source: 'x.diff(n)', method: 'diff', args: [{ name: 'x', types: FLOAT }],
    params: [lag(1)], result: 'float_frame', category: 'time_series', doc: 'difference from n days earlier (default 1)' },
  // FinLab rise/fall: x_t > x_{t−n} / x_t < x_{t−n}; NaN on either side → false.
  { name: 'rise', kind: 'method', source: 'x.rise(n)', method: 'rise', args: [{ name: 'x', types: FLOAT }],
    params: [lag(1)], result: 'bool_frame', category: 'time_series', doc: 'true where the value is above its value n days ago' },
  { name: 'fall', kind: 'method', source: 'x.fall(n)', method: 'fall', args: [{ name: 'x', types: FLOAT }],
    params: [lag(1)], result: 'bool_frame', category: 'time_series', doc: 'true where the value is below its value n days ago' },
  // FinLab sustain(nwindow, nsatisfy): count of true cells in the last n rows (incl. today) ≥ k;
  // rows 0..n−2 are false. k defaults to n (held every day); 1 ≤ k ≤ n.
  { name: 'sustain', kind: 'method', source: 'x.sustain(n, k)', method: 'sustain', args: [{ name: 'x', types: BOOL }],
    params: [window(), { name: 'k', type: 'integer', min: 1, max: 'dateCount', doc: 'days that must hold, 1 ≤ k ≤ n (default n)' }],
    result: 'bool_frame', category: 'time_series', doc: 'true where the condition held on at least k of the last n days' },
  // pandas ewm(span=n, adjust=False): e_t = α·x_t + (1−α)·e_{t−1}, α = 2/(n+1), seeded with the first valid
  // value; a NaN input gives NaN on that row and leaves the state untouched; NaN until n valid values were seen.
  { name: 'ema', kind: 'method', source: 'x.ema(n)', method: 'ema', args: [{ name: 'x', types: FLOAT }],
    params: [window('span in rows')], result: 'float_frame', category: 'time_series', doc: 'exponential moving average with span n' },
  // TA-Lib RSI (Wilder): changes against the previous valid value; first averages = simple mean of the first
  // n gains/losses, then avg = (avg·(n−1) + current)/n; RSI = 100·gain/(gain+loss), 0 when both are 0.
  // NaN until n changes were seen; a NaN input gives NaN on that row and leaves the state untouched.
  { name: 'rsi', kind: 'method', source: 'x.rsi(n)', method: 'rsi', args: [{ name: 'x', types: FLOAT }],
    params: [{ ...window('period in rows'), min: 2 }], result: 'float_frame', category: 'time_series',
    doc: "Wilder's relative strength index (0–100) over n days" },
  // FinLab hold_until without price stops, per column, row by row: a name is a candidate when
  // (entry_t or held_{t−1}) and not exit_t. Without a limit, held_t = candidate. With a limit, the candidates
  // are ordered: names held yesterday first, then new entries by descending rank (NaN rank last; no rank =
  // all equal), ties by column order; the first `nStocksLimit` are held. Args: [entry, exit, rank?];
  // params: [] or [nStocksLimit]; rank is only allowed together with a limit.
  { name: 'holdUntil', kind: 'method', source: 'entry.holdUntil(exit, nStocksLimit, rank)', method: 'holdUntil',
    args: [{ name: 'entry', types: BOOL }, { name: 'exit', types: BOOL }, { name: 'rank', types: FLOAT, optional: true }],
    params: [{ ...count('hold at most this many names (optional)'), name: 'nStocksLimit', optional: true }],
    result: 'bool_frame', category: 'state', doc: 'enter on entry, stay in until exit (optionally at most n names, preferring higher rank)' },
  // x_t && !x_{t−1} (row −1 counts as false).
  { name: 'isEntry', kind: 'method', source: 'x.isEntry()', method: 'isEntry', args: [{ name: 'x', types: BOOL }],
    params: [], result: 'bool_frame', category: 'state', doc: 'true on the first day a condition becomes true' },
  // !x_t && x_{t−1}.
  { name: 'isExit', kind: 'method', source: 'x.isExit()', method: 'isExit', args: [{ name: 'x', types: BOOL }],
    params: [], result: 'bool_frame', category: 'state', doc: 'true on the first day a condition stops being true' },

  // pandas rank(axis=1, pct=True, method='average'): among the row's valid cells, average rank (1 = smallest)
  // divided by their count, so values are in (0, 1]; NaN stays NaN.
  { name: 'rank', kind: 'method', source: 'x.rank()', method: 'rank', args: [{ name: 'x', types: FLOAT }], params: [],
    result: 'float_frame', category: 'cross_section', doc: 'percentile rank across symbols each day, in (0, 1] (1 = largest)' },
  // FinLab is_largest / is_smallest: per row, true for the n largest / smallest valid cells; ties go to the
  // earlier column (pandas nlargest keep='first'), so exactly min(n, valid cells) are true; NaN is never chosen.
  { name: 'isLargest', kind: 'method', source: 'x.isLargest(n)', method: 'isLargest', args: [{ name: 'x', types: FLOAT }],
    params: [count('how many names to select')], result: 'bool_frame', category: 'cross_section',
    doc: 'true for the n symbols with the largest values each day' },
  { name: 'isSmallest', kind: 'method', source: 'x.isSmallest(n)', method: 'isSmallest', args: [{ name: 'x', types: FLOAT }],
    params: [count('how many names to select')], result: 'bool_frame', category: 'cross_section',
    doc: 'true for the n symbols with the smallest values each day' },
  // FinLab quantile_row: per row, the q-quantile of the valid cells with linear interpolation
  // (position q·(m−1) in the sorted values), broadcast to every column of that row; NaN when no cell is valid.
  { name: 'quantileRow', kind: 'method', source: 'x.quantileRow(q)', method: 'quantileRow', args: [{ name: 'x', types: FLOAT }],
    params: [{ name: 'q', type: 'number', min: 0, max: 1, doc: 'quantile in [0, 1]' }], result: 'float_frame',
    category: 'cross_section', doc: "each day's q-quantile across symbols (same value in every column)" },
  // Per row (x − mean) / std over the valid cells, std with ddof = 1; NaN if fewer than 2 valid cells or std = 0.
  { name: 'zscore', kind: 'method', source: 'x.zscore()', method: 'zscore', args: [{ name: 'x', types: FLOAT }], params: [],
    result: 'float_frame', category: 'cross_section', doc: 'standardised value across symbols each day' },

  // pandas where: x where mask is true, NaN elsewhere (FinLab df[mask]).
  { name: 'where', kind: 'method', source: 'x.where(mask)', method: 'where',
    args: [{ name: 'x', types: FLOAT }, { name: 'mask', types: BOOL }], params: [], result: 'float_frame',
    category: 'combination', doc: 'keep values where the mask is true, NaN elsewhere' },
  { name: 'fillna', kind: 'method', source: 'x.fillna(value)', method: 'fillna', args: [{ name: 'x', types: FLOAT }],
    params: [{ name: 'value', type: 'number', min: -1e15, max: 1e15, doc: 'replacement for NaN' }], result: 'float_frame',
    category: 'combination', doc: 'replace missing values by a number' },
  { name: 'abs', kind: 'method', source: 'x.abs()', method: 'abs', args: [{ name: 'x', types: FLOAT }], params: [],
    result: 'float_frame', category: 'combination', doc: 'absolute value' },
  // Natural logarithm; x ≤ 0 → NaN.
  { name: 'log', kind: 'method', source: 'x.log()', method: 'log', args: [{ name: 'x', types: FLOAT }], params: [],
    result: 'float_frame', category: 'combination', doc: 'natural logarithm (NaN for values ≤ 0)' },
  // x < 0 → NaN.
  { name: 'sqrt', kind: 'method', source: 'x.sqrt()', method: 'sqrt', args: [{ name: 'x', types: FLOAT }], params: [],
    result: 'float_frame', category: 'combination', doc: 'square root (NaN for negative values)' },
  // numpy maximum/minimum: elementwise; NaN if either side is NaN.
  { name: 'maximum', kind: 'method', source: 'x.max(y)', method: 'max',
    args: [{ name: 'x', types: FLOAT }, { name: 'y', types: FLOAT_OR_NUMBER }], params: [], result: 'float_frame',
    category: 'combination', doc: 'elementwise larger of two frames (or a frame and a number)' },
  { name: 'minimum', kind: 'method', source: 'x.min(y)', method: 'min',
    args: [{ name: 'x', types: FLOAT }, { name: 'y', types: FLOAT_OR_NUMBER }], params: [], result: 'float_frame',
    category: 'combination', doc: 'elementwise smaller of two frames (or a frame and a number)' },
  // min(max(x, lower), upper); NaN stays NaN; lower ≤ upper.
  { name: 'clip', kind: 'method', source: 'x.clip(lower, upper)', method: 'clip', args: [{ name: 'x', types: FLOAT }],
    params: [
      { name: 'lower', type: 'number', min: -1e15, max: 1e15, doc: 'lower bound' },
      { name: 'upper', type: 'number', min: -1e15, max: 1e15, doc: 'upper bound (≥ lower)' },
    ],
    result: 'float_frame', category: 'combination', doc: 'limit values to [lower, upper]' },
] as const satisfies readonly OperationSpec[];

/** Every graph operation's name: a registry keyed by it (the engine's) fails to compile when one is missing. */
export type OpName = (typeof CATALOGUE)[number]['name'];

export const OPERATION_CATALOGUE: readonly (OperationSpec & { readonly name: OpName })[] = CATALOGUE;

const BY_NAME: ReadonlyMap<string, OperationSpec> = new Map(OPERATION_CATALOGUE.map((spec: OperationSpec) => [spec.name, spec]));

/** The spec of a graph op, or undefined for a name that is not in the catalogue. */
export function operationSpec(name: string): OperationSpec | undefined {
  return BY_NAME.get(name);
}

/** Whether a graph op's name is in the catalogue. */
export function isOpName(name: string): name is OpName {
  return BY_NAME.has(name);
}

/** Resolves an op's result type for the given receiver type. */
export function resultTypeOf(spec: OperationSpec, receiver: NodeType | undefined): NodeType {
  return spec.result === 'receiver' ? (receiver ?? 'float_frame') : spec.result;
}

export type { ValueType };
