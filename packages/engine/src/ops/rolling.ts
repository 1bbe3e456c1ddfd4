import type { GraphNode, ParamValue } from '@alphaloop/strategy';
import { ok, type Result } from 'neverthrow';
import type { EngineError } from '../errors.js';
import {
  rollingExtremeKernel, rollingExtremeStream, rollingStdKernel, rollingStdStream, rollingSumKernel, rollingSumStream, sumMethodFor,
  sustainKernel, sustainStream, type HistoryStream,
} from '../kernels/rolling.js';
import { arr, intParam, invalid, needsArgs, unaryFrame, WINDOWED, type KernelContext, type OpRecord, type OpTraits, type StreamContext } from './op.js';

/** Window state: `kinds` values per window row and symbol (kernels/rolling.ts keeps the previous block's suffixes). */
const windowTraits = (kinds: number): OpTraits => ({
  ...WINDOWED,
  stateCells: (params: readonly ParamValue[], rows: number, cols: number) => {
    const window = params[0];
    return kinds * (typeof window === 'number' && window > 0 ? Math.min(window, rows) : rows) * cols;
  },
});

/** A rolling window over input 0 whose stream reads the whole input (`HistoryStream`), with checked parameters `p`. */
const windowed = <P>(
  traits: OpTraits,
  params: (node: GraphNode) => Result<P, EngineError>,
  kernel: (ctx: KernelContext, p: P, x: Float64Array, out: Float64Array) => void,
  stream: (ctx: StreamContext, p: P) => HistoryStream,
): OpRecord => ({
  traits,
  prepare: (node) =>
    needsArgs(node, 1).andThen(() => params(node)).map((p) => ({
      kernel: unaryFrame(node, (ctx, x, out) => kernel(ctx, p, x, out)),
      stream: (ctx) => {
        const run = stream(ctx, p);
        return (t0, t1, args, out) => run(arr(args[0]), t0, t1, out);
      },
    })),
});

const window = (node: GraphNode): Result<number, EngineError> => intParam(node, 0, 1);

/** Rolling sums and means; `minPeriods(n)` valid values needed (n for pandas, FinLab average: max(1, ⌊n/2⌋)). */
const rollingSum = (mean: boolean, minPeriods: (n: number) => number): OpRecord =>
  windowed(
    windowTraits(3),
    window,
    (ctx, n, x, out) => rollingSumKernel(x, ctx.rows, ctx.cols, n, minPeriods(n), mean, out, sumMethodFor(n, ctx.resample)),
    (ctx, n) => rollingSumStream(ctx.cols, n, minPeriods(n), mean, sumMethodFor(n, ctx.resample), ctx.memory),
  );

const rollingExtreme = (which: 'max' | 'min'): OpRecord =>
  windowed(
    windowTraits(1),
    window,
    (ctx, n, x, out) => rollingExtremeKernel(x, ctx.rows, ctx.cols, n, which, out),
    (ctx, n) => rollingExtremeStream(ctx.cols, n, which, ctx.memory),
  );

export const ROLLING_OPS = {
  average: rollingSum(true, (n) => Math.max(1, Math.floor(n / 2))),
  rollingMean: rollingSum(true, (n) => n),
  rollingSum: rollingSum(false, (n) => n),
  rollingMax: rollingExtreme('max'),
  rollingMin: rollingExtreme('min'),
  rollingStd: windowed(
    windowTraits(3),
    window,
    (ctx, n, x, out) => rollingStdKernel(x, ctx.rows, ctx.cols, n, n, out),
    (ctx, n) => rollingStdStream(ctx.cols, n, n, ctx.memory),
  ),
  sustain: windowed(
    WINDOWED,
    (node) =>
      window(node).andThen((n) =>
        (node.params.length > 1 ? intParam(node, 1, 1) : ok(n)).andThen((k) =>
          k > n ? invalid(node, `k (${k}) must be ≤ n (${n})`) : ok({ n, k }),
        ),
      ),
    (ctx, { n, k }, x, out) => sustainKernel(x, ctx.rows, ctx.cols, n, k, out),
    (ctx, { n, k }) => sustainStream(ctx.cols, n, k),
  ),
} satisfies Record<string, OpRecord>;
