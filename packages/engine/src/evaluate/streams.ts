import type { GraphNode, ParamValue, Resample } from '@alphaloop/strategy';
import { err, ok, type Result } from 'neverthrow';
import { engineError, type EngineError } from '../errors.js';
import type { StreamTraits } from './row-only.js';
import type { KernelMemory } from '../wasm/arena.js';
import { quantileRowKernel, rankKernel, selectKernel, zscoreKernel } from '../kernels/cross-section.js';
import { binaryKernel, clipKernel, fillnaKernel, unaryKernel, whereKernel, type BinaryOp, type UnaryOp } from '../kernels/elementwise.js';
import { holdUntilStream } from '../kernels/hold-until.js';
import { rollingExtremeStream, rollingStdStream, rollingSumStream, sumMethodFor, sustainStream, type HistoryStream } from '../kernels/rolling.js';
import { emaStream, entryExitStream, lagStream, rsiStream, shiftStream, type RowStream } from '../kernels/timeseries.js';

/** A frame argument (values of the block's rows, or the whole frame for a history input) or a number. */
export type StreamArg = Float64Array | number;

/**
 * One node's computation, run block by block over consecutive row ranges [t0, t1) with its own state.
 * `history`: the first argument is passed as the whole frame (the op reads rows before the block); every
 * other frame argument and `out` hold just the block's rows.
 */
export interface StreamOp extends StreamTraits {
  /** Rowwise ops may also be run on any single row, `run(t, t + 1, …)`, in any order. */
  run(t0: number, t1: number, args: readonly StreamArg[], out: Float64Array): void;
}

export interface StreamContext {
  readonly rows: number;
  readonly cols: number;
  /** The strategy's resample (rolling sums pick their decomposition by it, `sumMethodFor`). */
  readonly resample?: Resample | null;
  /** Where kernels keep their state and whether they run in WebAssembly (default: plain arrays, TypeScript). */
  readonly memory?: KernelMemory;
}

export type StreamMaker = (node: GraphNode, ctx: StreamContext) => Result<StreamOp, EngineError>;

const invalid = (node: GraphNode, message: string): Result<never, EngineError> =>
  err(engineError('invalid_input', `node ${node.id} (${node.op}): ${message}`, { nodeId: node.id, op: node.op }));

function intParam(node: GraphNode, i: number, min: number): Result<number, EngineError> {
  const v: ParamValue | undefined = node.params[i];
  return typeof v === 'number' && Number.isInteger(v) && v >= min
    ? ok(v)
    : invalid(node, `parameter ${i} must be an integer ≥ ${min}, got ${String(v)}`);
}

function numParam(node: GraphNode, i: number): Result<number, EngineError> {
  const v = node.params[i];
  return typeof v === 'number' && Number.isFinite(v) ? ok(v) : invalid(node, `parameter ${i} must be a finite number`);
}

const frameArgs = (node: GraphNode, count: number): Result<void, EngineError> =>
  node.args.length >= count ? ok(undefined) : invalid(node, `needs ${count} argument(s)`);

const arr = (a: StreamArg | undefined): Float64Array => a as Float64Array;

/**
 * An op that reads its first argument with history (rows before the current one). Every such op computes
 * any row from the input rows of its window or lag alone (the rolling streams rebuild their state when
 * asked for a row out of sequence), so it is row-wise: it may be run on requested rows only.
 */
const history = (make: (n: GraphNode, ctx: StreamContext) => Result<HistoryStream, EngineError>): StreamMaker => (node, ctx) =>
  frameArgs(node, 1).andThen(() =>
    make(node, ctx).map((run): StreamOp => ({ history: true, rowwise: true, run: (t0, t1, args, out) => run(arr(args[0]), t0, t1, out) })),
  );

const rowState = (make: (n: GraphNode, ctx: StreamContext) => Result<RowStream, EngineError>): StreamMaker => (node, ctx) =>
  frameArgs(node, 1).andThen(() =>
    make(node, ctx).map((run): StreamOp => ({ history: false, rowwise: false, run: (t0, t1, args, out) => run(arr(args[0]), t1 - t0, out) })),
  );

const local = (run: (args: readonly StreamArg[], rows: number, cols: number, out: Float64Array) => void, arity = 1): StreamMaker =>
  (node, ctx) =>
    frameArgs(node, arity).map((): StreamOp => ({ history: false, rowwise: true, run: (t0, t1, args, out) => run(args, t1 - t0, ctx.cols, out) }));

const binary = (op: BinaryOp): StreamMaker => (node, ctx) =>
  local((args, _rows, _cols, out) => binaryKernel(op, args[0] as StreamArg, args[1] as StreamArg, out, ctx.memory), 2)(node, ctx);
const unary = (op: UnaryOp): StreamMaker => local((args, _rows, _cols, out) => unaryKernel(op, arr(args[0]), out));

/** Every catalogue operation except the leaves (`const`, `data`, handled by the evaluator) → its stream. */
export const STREAMS: Readonly<Record<string, StreamMaker>> = {
  add: binary('add'),
  sub: binary('sub'),
  mul: binary('mul'),
  div: binary('div'),
  neg: unary('neg'),
  gt: binary('gt'),
  ge: binary('ge'),
  lt: binary('lt'),
  le: binary('le'),
  eq: binary('eq'),
  ne: binary('ne'),
  and: binary('and'),
  or: binary('or'),
  not: unary('not'),
  average: history((n, c) =>
    intParam(n, 0, 1).map((w) => rollingSumStream(c.cols, w, Math.max(1, Math.floor(w / 2)), true, sumMethodFor(w, c.resample), c.memory)),
  ),
  rollingMean: history((n, c) => intParam(n, 0, 1).map((w) => rollingSumStream(c.cols, w, w, true, sumMethodFor(w, c.resample), c.memory))),
  rollingSum: history((n, c) => intParam(n, 0, 1).map((w) => rollingSumStream(c.cols, w, w, false, sumMethodFor(w, c.resample), c.memory))),
  rollingMax: history((n, c) => intParam(n, 0, 1).map((w) => rollingExtremeStream(c.cols, w, 'max', c.memory))),
  rollingMin: history((n, c) => intParam(n, 0, 1).map((w) => rollingExtremeStream(c.cols, w, 'min', c.memory))),
  rollingStd: history((n, c) => intParam(n, 0, 1).map((w) => rollingStdStream(c.cols, w, w, c.memory))),
  shift: history((n, c) => intParam(n, 0, 0).map((k) => shiftStream(c.cols, k, n.type === 'bool_frame'))),
  pctChange: history((n, c) => intParam(n, 0, 1).map((k) => lagStream(c.cols, k, 'pctChange', c.memory))),
  diff: history((n, c) => intParam(n, 0, 1).map((k) => lagStream(c.cols, k, 'diff', c.memory))),
  rise: history((n, c) => intParam(n, 0, 1).map((k) => lagStream(c.cols, k, 'rise', c.memory))),
  fall: history((n, c) => intParam(n, 0, 1).map((k) => lagStream(c.cols, k, 'fall', c.memory))),
  sustain: history((n, c) =>
    intParam(n, 0, 1).andThen((w) =>
      (n.params.length > 1 ? intParam(n, 1, 1) : ok(w)).andThen((k) =>
        k > w ? invalid(n, `k (${k}) must be ≤ n (${w})`) : ok(sustainStream(c.cols, w, k)),
      ),
    ),
  ),
  isEntry: history((_n, c) => ok(entryExitStream(c.cols, 'entry'))),
  isExit: history((_n, c) => ok(entryExitStream(c.cols, 'exit'))),
  ema: rowState((n, c) => intParam(n, 0, 1).map((k) => emaStream(c.cols, k))),
  rsi: rowState((n, c) => intParam(n, 0, 2).map((k) => rsiStream(c.cols, k))),
  holdUntil: (node, ctx) =>
    frameArgs(node, 2).andThen(() =>
      (node.params.length > 0 ? intParam(node, 0, 1) : ok<number | null, EngineError>(null)).map((limit): StreamOp => {
        const run = holdUntilStream(ctx.cols, limit);
        const withRank = node.args.length > 2;
        return {
          history: false,
          rowwise: false,
          run: (t0, t1, args, out) => run(arr(args[0]), arr(args[1]), withRank ? arr(args[2]) : null, t1 - t0, out),
        };
      }),
    ),
  rank: local((args, rows, cols, out) => rankKernel(arr(args[0]), rows, cols, out)),
  isLargest: (node, ctx) =>
    intParam(node, 0, 1).andThen((k) => local((args, rows, cols, out) => selectKernel(arr(args[0]), rows, cols, k, 'largest', out))(node, ctx)),
  isSmallest: (node, ctx) =>
    intParam(node, 0, 1).andThen((k) => local((args, rows, cols, out) => selectKernel(arr(args[0]), rows, cols, k, 'smallest', out))(node, ctx)),
  quantileRow: (node, ctx) =>
    numParam(node, 0).andThen((q) =>
      q < 0 || q > 1
        ? invalid(node, 'q must be in [0, 1]')
        : local((args, rows, cols, out) => quantileRowKernel(arr(args[0]), rows, cols, q, out))(node, ctx),
    ),
  zscore: local((args, rows, cols, out) => zscoreKernel(arr(args[0]), rows, cols, out)),
  where: (node, ctx) => local((args, _rows, _cols, out) => whereKernel(arr(args[0]), arr(args[1]), out, ctx.memory), 2)(node, ctx),
  fillna: (node, ctx) => numParam(node, 0).andThen((v) => local((args, _r, _c, out) => fillnaKernel(arr(args[0]), v, out))(node, ctx)),
  abs: unary('abs'),
  log: unary('log'),
  sqrt: unary('sqrt'),
  maximum: binary('maximum'),
  minimum: binary('minimum'),
  clip: (node, ctx) =>
    numParam(node, 0).andThen((lo) =>
      numParam(node, 1).andThen((hi) =>
        lo > hi ? invalid(node, 'lower must be ≤ upper') : local((args, _r, _c, out) => clipKernel(arr(args[0]), lo, hi, out))(node, ctx),
      ),
    ),
};
