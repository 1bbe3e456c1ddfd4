import type { GraphNode, ParamValue, Resample } from '@alphaloop/strategy';
import { err, ok, type Result } from 'neverthrow';
import { engineError, type EngineError } from '../errors.js';
import type { Frame } from '../frame.js';
import type { KernelMemory } from '../wasm/arena.js';

/** A node's value: a frame on the run's grid, or a compile-time number. */
export type Value = Frame | number;

/** What a whole-frame kernel gets from the evaluator. */
export interface KernelContext {
  /** The run's grid (every frame value is on it). */
  readonly grid: Frame;
  readonly rows: number;
  readonly cols: number;
  /** The strategy's resample (rolling sums pick their decomposition by it, `sumMethodFor`). */
  readonly resample?: Resample | null;
  /** A buffer of rows × cols cells (from the pool; contents undefined: kernels write every cell). */
  alloc(): Float64Array;
  /** Returns a scratch buffer obtained from `alloc` to the pool. */
  release(buffer: Float64Array): void;
  /** Looks up a market field (already put on the grid). */
  data(key: string): Result<Frame, EngineError>;
}

/** What a stream gets from the evaluator. */
export interface StreamContext {
  readonly rows: number;
  readonly cols: number;
  /** The strategy's resample (rolling sums pick their decomposition by it, `sumMethodFor`). */
  readonly resample?: Resample | null;
  /** Where kernels keep their state and whether they run in WebAssembly (default: plain arrays, TypeScript). */
  readonly memory?: KernelMemory;
}

/** A frame argument (values of the block's rows, or the whole frame for an input read with history) or a number. */
export type StreamArg = Float64Array | number;

/**
 * One node's computation, run block by block over consecutive row ranges [t0, t1) with its own state: the
 * inputs in `OpTraits.past` come as whole frames (the op reads rows before the block), every other frame
 * argument and `out` hold just the block's rows. Row-wise ops may also be run on any single row, in any order.
 */
export type StreamRun = (t0: number, t1: number, args: readonly StreamArg[], out: Float64Array) => void;

/** How an operation reads its inputs: what the evaluator's plan and the memory guard go by. */
export interface OpTraits {
  /** Input positions read on rows before the current one (passed to the stream as whole frames). */
  readonly past: readonly number[];
  /** Row t depends only on input rows, with no state carried from row to row (may run on requested rows only). */
  readonly rowwise: boolean;
  /**
   * For a lag (row t reads input 0 on rows t and t − n only, never a whole window): n, from the node's
   * parameters; null when the parameters are not a valid lag. Absent for every other op.
   */
  readonly lag?: (params: readonly ParamValue[]) => number | null;
  /** A lag that reads only row t − n of its input, not row t (`shift`). */
  readonly lagOnly?: true;
  /** Values the stream keeps beyond O(symbols): e.g. a rolling window's suffixes, window × symbols × kinds. */
  readonly stateCells?: (params: readonly ParamValue[], rows: number, cols: number) => number;
}

/** An operation with its parameters checked: the whole-frame kernel and the stream. */
export interface PreparedOp {
  /** The whole-frame form (also computes the operation on numbers, for constant folding). */
  kernel(ctx: KernelContext, args: readonly Value[]): Result<Value, EngineError>;
  /** The streaming form; absent for the leaves (`const`, `data`), which the evaluator reads directly. */
  readonly stream?: (ctx: StreamContext) => StreamRun;
}

/** One catalogue operation in the engine. */
export interface OpRecord {
  /** Null for the leaves. */
  readonly traits: OpTraits | null;
  /** Checks the node's parameters once (both forms use the checked values). */
  prepare(node: GraphNode): Result<PreparedOp, EngineError>;
}

export const invalid = (node: GraphNode, message: string): Result<never, EngineError> =>
  err(engineError('invalid_input', `node ${node.id} (${node.op}): ${message}`, { nodeId: node.id, op: node.op }));

export function intParam(node: GraphNode, i: number, min: number): Result<number, EngineError> {
  const v: ParamValue | undefined = node.params[i];
  return typeof v === 'number' && Number.isInteger(v) && v >= min
    ? ok(v)
    : invalid(node, `parameter ${i} must be an integer ≥ ${min}, got ${String(v)}`);
}

export function numParam(node: GraphNode, i: number): Result<number, EngineError> {
  const v = node.params[i];
  return typeof v === 'number' && Number.isFinite(v) ? ok(v) : invalid(node, `parameter ${i} must be a finite number`);
}

/** An optional integer parameter (absent → null). */
export const optionalIntParam = (node: GraphNode, i: number, min: number): Result<number | null, EngineError> =>
  node.params.length > i ? intParam(node, i, min) : ok(null);

export const isFrame = (v: Value | undefined): v is Frame => typeof v === 'object';

export const frameOf = (ctx: KernelContext, values: Float64Array): Frame => ({ dates: ctx.grid.dates, symbols: ctx.grid.symbols, values });

export function frameArg(node: GraphNode, args: readonly Value[], i: number): Result<Frame, EngineError> {
  const v = args[i];
  return isFrame(v) ? ok(v) : invalid(node, `argument ${i} must be a frame`);
}

/** Checks that the node has at least `count` inputs (the stream reads them by position). */
export const needsArgs = (node: GraphNode, count: number): Result<void, EngineError> =>
  node.args.length >= count ? ok(undefined) : invalid(node, `needs ${count} argument(s)`);

export const arr = (a: StreamArg | undefined): Float64Array => a as Float64Array;

/** A kernel mapping frame argument 0 to a new frame. */
export const unaryFrame =
  (node: GraphNode, fill: (ctx: KernelContext, x: Float64Array, out: Float64Array) => void): PreparedOp['kernel'] =>
  (ctx, args) =>
    frameArg(node, args, 0).map((x) => {
      const out = ctx.alloc();
      fill(ctx, x.values, out);
      return frameOf(ctx, out);
    });

/** Traits of an op that reads a window of past rows of input 0 and computes each row from them alone. */
export const WINDOWED: OpTraits = { past: [0], rowwise: true };
/** Traits of an op that carries state from row to row (recursive filters, holdings). */
export const RECURSIVE: OpTraits = { past: [], rowwise: false };
/** Traits of an op whose row t reads row t of its inputs only (elementwise, cross-sectional). */
export const ROW_LOCAL: OpTraits = { past: [], rowwise: true };
