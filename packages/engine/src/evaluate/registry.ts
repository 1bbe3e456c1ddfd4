import type { GraphNode, ParamValue, Resample } from '@alphaloop/strategy';
import { err, ok, type Result } from 'neverthrow';
import { engineError, type EngineError } from '../errors.js';
import type { Frame } from '../frame.js';
import { rankKernel, quantileRowKernel, selectKernel, zscoreKernel } from '../kernels/cross-section.js';
import { binaryKernel, clipKernel, fillnaKernel, unaryKernel, whereKernel, type BinaryOp, type UnaryOp } from '../kernels/elementwise.js';
import { holdUntilKernel } from '../kernels/hold-until.js';
import { rollingExtremeKernel, rollingStdKernel, rollingSumKernel, sumMethodFor, sustainKernel } from '../kernels/rolling.js';
import { diffKernel, emaKernel, entryExitKernel, pctChangeKernel, riseFallKernel, rsiKernel, shiftKernel } from '../kernels/timeseries.js';

/** A node's value: a frame on the run's grid, or a compile-time number. */
export type Value = Frame | number;

/** What a kernel gets from the evaluator. */
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

export type Kernel = (ctx: KernelContext, node: GraphNode, args: readonly Value[]) => Result<Value, EngineError>;

const invalid = (node: GraphNode, message: string): Result<never, EngineError> =>
  err(engineError('invalid_input', `node ${node.id} (${node.op}): ${message}`, { nodeId: node.id, op: node.op }));

const isFrame = (v: Value | undefined): v is Frame => typeof v === 'object';

function frameArg(node: GraphNode, args: readonly Value[], i: number): Result<Frame, EngineError> {
  const v = args[i];
  return isFrame(v) ? ok(v) : invalid(node, `argument ${i} must be a frame`);
}

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

const frameOf = (ctx: KernelContext, values: Float64Array): Frame => ({ dates: ctx.grid.dates, symbols: ctx.grid.symbols, values });

/** A kernel mapping one frame argument to a new frame. */
const unaryFrame =
  (fill: (ctx: KernelContext, node: GraphNode, x: Float64Array, out: Float64Array) => Result<void, EngineError>): Kernel =>
  (ctx, node, args) =>
    frameArg(node, args, 0).andThen((x) => {
      const out = ctx.alloc();
      return fill(ctx, node, x.values, out).map(() => frameOf(ctx, out));
    });

const scalarBinary = (op: BinaryOp, a: number, b: number): number => {
  const out = new Float64Array(1);
  binaryKernel(op, a, b, out);
  return out[0] as number;
};

const binary =
  (op: BinaryOp): Kernel =>
  (ctx, node, args) => {
    const a = args[0];
    const b = args[1];
    if (a === undefined || b === undefined) return invalid(node, 'needs two arguments');
    if (!isFrame(a) && !isFrame(b)) return ok(scalarBinary(op, a, b));
    const out = ctx.alloc();
    binaryKernel(op, isFrame(a) ? a.values : a, isFrame(b) ? b.values : b, out);
    return ok(frameOf(ctx, out));
  };

const unary =
  (op: UnaryOp): Kernel =>
  (ctx, node, args) => {
    const x = args[0];
    if (x === undefined) return invalid(node, 'needs an argument');
    if (!isFrame(x)) {
      const out = new Float64Array(1);
      unaryKernel(op, Float64Array.of(x), out);
      return ok(out[0] as number);
    }
    const out = ctx.alloc();
    unaryKernel(op, x.values, out);
    return ok(frameOf(ctx, out));
  };

const rollingSum = (mean: boolean, minPeriods: (n: number) => number): Kernel =>
  unaryFrame((ctx, node, x, out) =>
    intParam(node, 0, 1).map((n) => rollingSumKernel(x, ctx.rows, ctx.cols, n, minPeriods(n), mean, out, sumMethodFor(n, ctx.resample))),
  );

const rollingExtreme = (which: 'max' | 'min'): Kernel =>
  unaryFrame((ctx, node, x, out) =>
    intParam(node, 0, 1).map((n) => rollingExtremeKernel(x, ctx.rows, ctx.cols, n, which, out)),
  );

const lagged = (
  run: (x: Float64Array, rows: number, cols: number, n: number, out: Float64Array) => void,
  min = 1,
): Kernel => unaryFrame((ctx, node, x, out) => intParam(node, 0, min).map((n) => run(x, ctx.rows, ctx.cols, n, out)));

/** Every catalogue operation → its kernel. `kernels.test.ts` checks this covers `OPERATION_CATALOGUE`. */
export const KERNELS: Readonly<Record<string, Kernel>> = {
  const: (_ctx, node) => numParam(node, 0),
  data: (ctx, node) => {
    const key = node.params[0];
    return typeof key === 'string' ? ctx.data(key) : invalid(node, 'the data key must be a string');
  },
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
  average: rollingSum(true, (n) => Math.max(1, Math.floor(n / 2))),
  rollingMean: rollingSum(true, (n) => n),
  rollingSum: rollingSum(false, (n) => n),
  rollingMax: rollingExtreme('max'),
  rollingMin: rollingExtreme('min'),
  rollingStd: unaryFrame((ctx, node, x, out) =>
    intParam(node, 0, 1).map((n) => rollingStdKernel(x, ctx.rows, ctx.cols, n, n, out)),
  ),
  shift: unaryFrame((ctx, node, x, out) =>
    intParam(node, 0, 0).map((n) => shiftKernel(x, ctx.rows, ctx.cols, n, node.type === 'bool_frame', out)),
  ),
  pctChange: lagged(pctChangeKernel),
  diff: lagged(diffKernel),
  rise: lagged((x, rows, cols, n, out) => riseFallKernel(x, rows, cols, n, 'rise', out)),
  fall: lagged((x, rows, cols, n, out) => riseFallKernel(x, rows, cols, n, 'fall', out)),
  sustain: unaryFrame((ctx, node, x, out) =>
    intParam(node, 0, 1).andThen((n) => {
      const k = node.params.length > 1 ? intParam(node, 1, 1) : ok(n);
      return k.andThen((kk) => (kk > n ? invalid(node, `k (${kk}) must be ≤ n (${n})`) : ok(sustainKernel(x, ctx.rows, ctx.cols, n, kk, out))));
    }),
  ),
  ema: lagged(emaKernel),
  rsi: lagged(rsiKernel, 2),
  holdUntil: (ctx, node, args) =>
    frameArg(node, args, 0).andThen((entry) =>
      frameArg(node, args, 1).andThen((exit) => {
        const rank: Result<Float64Array | null, EngineError> = args.length > 2 ? frameArg(node, args, 2).map((f) => f.values) : ok(null);
        const limit: Result<number | null, EngineError> = node.params.length > 0 ? intParam(node, 0, 1) : ok(null);
        return rank.andThen((r) =>
          limit.map((l) => {
            const out = ctx.alloc();
            holdUntilKernel(entry.values, exit.values, r, ctx.rows, ctx.cols, l, out);
            return frameOf(ctx, out);
          }),
        );
      }),
    ),
  isEntry: unaryFrame((ctx, _node, x, out) => ok(entryExitKernel(x, ctx.rows, ctx.cols, 'entry', out))),
  isExit: unaryFrame((ctx, _node, x, out) => ok(entryExitKernel(x, ctx.rows, ctx.cols, 'exit', out))),
  rank: unaryFrame((ctx, _node, x, out) => ok(rankKernel(x, ctx.rows, ctx.cols, out))),
  isLargest: lagged((x, rows, cols, n, out) => selectKernel(x, rows, cols, n, 'largest', out)),
  isSmallest: lagged((x, rows, cols, n, out) => selectKernel(x, rows, cols, n, 'smallest', out)),
  quantileRow: unaryFrame((ctx, node, x, out) =>
    numParam(node, 0).andThen((q) =>
      q < 0 || q > 1 ? invalid(node, 'q must be in [0, 1]') : ok(quantileRowKernel(x, ctx.rows, ctx.cols, q, out)),
    ),
  ),
  zscore: unaryFrame((ctx, _node, x, out) => ok(zscoreKernel(x, ctx.rows, ctx.cols, out))),
  where: (ctx, node, args) =>
    frameArg(node, args, 0).andThen((x) =>
      frameArg(node, args, 1).map((mask) => {
        const out = ctx.alloc();
        whereKernel(x.values, mask.values, out);
        return frameOf(ctx, out);
      }),
    ),
  fillna: unaryFrame((_ctx, node, x, out) => numParam(node, 0).map((v) => fillnaKernel(x, v, out))),
  abs: unary('abs'),
  log: unary('log'),
  sqrt: unary('sqrt'),
  maximum: binary('maximum'),
  minimum: binary('minimum'),
  clip: unaryFrame((_ctx, node, x, out) =>
    numParam(node, 0).andThen((lo) =>
      numParam(node, 1).andThen((hi) => (lo > hi ? invalid(node, 'lower must be ≤ upper') : ok(clipKernel(x, lo, hi, out)))),
    ),
  ),
};
