import type { GraphNode, ParamValue } from '@alphaloop/strategy';
import { ok, type Result } from 'neverthrow';
import type { EngineError } from '../errors.js';
import type { HistoryStream } from '../kernels/rolling.js';
import {
  diffKernel, emaKernel, emaStream, entryExitKernel, entryExitStream, lagStream, pctChangeKernel, riseFallKernel, rsiKernel, rsiStream,
  shiftKernel, shiftStream, type LagOp, type RowStream,
} from '../kernels/timeseries.js';
import { arr, intParam, needsArgs, RECURSIVE, unaryFrame, WINDOWED, type OpRecord, type OpTraits, type StreamContext } from './op.js';

/** Parameter 0 as a lag (an integer ≥ 0), or null. */
const lagParam = (params: readonly ParamValue[]): number | null => {
  const n = params[0];
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
};
const LAG: OpTraits = { ...WINDOWED, lag: lagParam };

/** An op of input 0 with checked parameters `p`, as a kernel and a stream over the whole input. */
const history = <P>(
  traits: OpTraits,
  params: (node: GraphNode) => Result<P, EngineError>,
  kernel: (p: P, node: GraphNode, x: Float64Array, rows: number, cols: number, out: Float64Array) => void,
  stream: (p: P, node: GraphNode, cols: number, ctx: StreamContext) => HistoryStream,
): OpRecord => ({
  traits,
  prepare: (node) =>
    needsArgs(node, 1).andThen(() => params(node)).map((p) => ({
      kernel: unaryFrame(node, (ctx, x, out) => kernel(p, node, x, ctx.rows, ctx.cols, out)),
      stream: (ctx) => {
        const run = stream(p, node, ctx.cols, ctx);
        return (t0, t1, args, out) => run(arr(args[0]), t0, t1, out);
      },
    })),
});

const lagOp = (op: LagOp, kernel: (x: Float64Array, rows: number, cols: number, n: number, out: Float64Array) => void): OpRecord =>
  history(LAG, (node) => intParam(node, 0, 1), (n, _node, x, rows, cols, out) => kernel(x, rows, cols, n, out),
    (n, _node, cols, ctx) => lagStream(cols, n, op, ctx.memory));

const entryExit = (which: 'entry' | 'exit'): OpRecord =>
  history({ ...WINDOWED, lag: () => 1 }, () => ok(null), (_p, _node, x, rows, cols, out) => entryExitKernel(x, rows, cols, which, out),
    (_p, _node, cols) => entryExitStream(cols, which));

/** A recursive filter of input 0 (state carried row to row; the stream reads the block's rows only). */
const recursive = (
  min: number,
  kernel: (x: Float64Array, rows: number, cols: number, n: number, out: Float64Array) => void,
  stream: (cols: number, n: number) => RowStream,
): OpRecord => ({
  traits: RECURSIVE,
  prepare: (node) =>
    needsArgs(node, 1).andThen(() => intParam(node, 0, min)).map((n) => ({
      kernel: unaryFrame(node, (ctx, x, out) => kernel(x, ctx.rows, ctx.cols, n, out)),
      stream: (ctx) => {
        const run = stream(ctx.cols, n);
        return (t0, t1, args, out) => run(arr(args[0]), t1 - t0, out);
      },
    })),
});

export const TIMESERIES_OPS = {
  shift: history({ ...LAG, lagOnly: true }, (node) => intParam(node, 0, 0),
    (n, node, x, rows, cols, out) => shiftKernel(x, rows, cols, n, node.type === 'bool_frame', out),
    (n, node, cols) => shiftStream(cols, n, node.type === 'bool_frame')),
  pctChange: lagOp('pctChange', pctChangeKernel),
  diff: lagOp('diff', diffKernel),
  rise: lagOp('rise', (x, rows, cols, n, out) => riseFallKernel(x, rows, cols, n, 'rise', out)),
  fall: lagOp('fall', (x, rows, cols, n, out) => riseFallKernel(x, rows, cols, n, 'fall', out)),
  isEntry: entryExit('entry'),
  isExit: entryExit('exit'),
  ema: recursive(1, emaKernel, emaStream),
  rsi: recursive(2, rsiKernel, rsiStream),
} satisfies Record<string, OpRecord>;
