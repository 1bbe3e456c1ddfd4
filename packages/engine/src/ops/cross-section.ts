import type { GraphNode } from '@alphaloop/strategy';
import { ok, type Result } from 'neverthrow';
import type { EngineError } from '../errors.js';
import { quantileRowKernel, rankKernel, selectKernel, zscoreKernel } from '../kernels/cross-section.js';
import { arr, intParam, invalid, needsArgs, numParam, ROW_LOCAL, unaryFrame, type OpRecord, type PreparedOp } from './op.js';

/** An op across each row of input 0: the same kernel for the whole frame and for a block of rows. */
const acrossRows = <P>(
  params: (node: GraphNode) => Result<P, EngineError>,
  run: (p: P, x: Float64Array, rows: number, cols: number, out: Float64Array) => void,
): OpRecord => ({
  traits: ROW_LOCAL,
  prepare: (node) =>
    needsArgs(node, 1).andThen(() => params(node)).map((p): PreparedOp => ({
      kernel: unaryFrame(node, (ctx, x, out) => run(p, x, ctx.rows, ctx.cols, out)),
      stream: (ctx) => (t0, t1, args, out) => run(p, arr(args[0]), t1 - t0, ctx.cols, out),
    })),
});

const none = (): Result<null, EngineError> => ok(null);

export const CROSS_SECTION_OPS = {
  rank: acrossRows(none, (_p, x, rows, cols, out) => rankKernel(x, rows, cols, out)),
  isLargest: acrossRows((node) => intParam(node, 0, 1), (k, x, rows, cols, out) => selectKernel(x, rows, cols, k, 'largest', out)),
  isSmallest: acrossRows((node) => intParam(node, 0, 1), (k, x, rows, cols, out) => selectKernel(x, rows, cols, k, 'smallest', out)),
  quantileRow: acrossRows(
    (node) => numParam(node, 0).andThen((q) => (q < 0 || q > 1 ? invalid(node, 'q must be in [0, 1]') : ok(q))),
    (q, x, rows, cols, out) => quantileRowKernel(x, rows, cols, q, out),
  ),
  zscore: acrossRows(none, (_p, x, rows, cols, out) => zscoreKernel(x, rows, cols, out)),
} satisfies Record<string, OpRecord>;
