import type { GraphNode } from '@alphaloop/strategy';
import { ok, type Result } from 'neverthrow';
import type { EngineError } from '../errors.js';
import { binaryKernel, clipKernel, fillnaKernel, unaryKernel, whereKernel, type BinaryOp, type UnaryOp } from '../kernels/elementwise.js';
import { arr, frameArg, frameOf, invalid, isFrame, needsArgs, numParam, ROW_LOCAL, unaryFrame, type OpRecord, type PreparedOp, type StreamArg } from './op.js';

const scalarBinary = (op: BinaryOp, a: number, b: number): number => {
  const out = new Float64Array(1);
  binaryKernel(op, a, b, out);
  return out[0] as number;
};

/** IEEE arithmetic, comparisons, logic and numpy maximum/minimum: a number broadcasts to every cell. */
const binary = (op: BinaryOp): OpRecord => ({
  traits: ROW_LOCAL,
  prepare: (node) =>
    needsArgs(node, 2).map(() => ({
      kernel: (ctx, args) => {
        const a = args[0];
        const b = args[1];
        if (a === undefined || b === undefined) return invalid(node, 'needs two arguments');
        if (!isFrame(a) && !isFrame(b)) return ok(scalarBinary(op, a, b));
        const out = ctx.alloc();
        binaryKernel(op, isFrame(a) ? a.values : a, isFrame(b) ? b.values : b, out);
        return ok(frameOf(ctx, out));
      },
      stream: (ctx) => (_t0, _t1, args, out) => binaryKernel(op, args[0] as StreamArg, args[1] as StreamArg, out, ctx.memory),
    })),
});

const unary = (op: UnaryOp): OpRecord => ({
  traits: ROW_LOCAL,
  prepare: (node) =>
    needsArgs(node, 1).map(() => ({
      kernel: (ctx, args) => {
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
      },
      stream: () => (_t0, _t1, args, out) => unaryKernel(op, arr(args[0]), out),
    })),
});

/** A row-local op of input 0 with checked parameters `p`: the same fill for the whole frame and for a block. */
const mapped = <P>(
  params: (node: GraphNode) => Result<P, EngineError>,
  fill: (p: P, x: Float64Array, out: Float64Array) => void,
): OpRecord => ({
  traits: ROW_LOCAL,
  prepare: (node) =>
    needsArgs(node, 1).andThen(() => params(node)).map((p): PreparedOp => ({
      kernel: unaryFrame(node, (_ctx, x, out) => fill(p, x, out)),
      stream: () => (_t0, _t1, args, out) => fill(p, arr(args[0]), out),
    })),
});

export const ELEMENTWISE_OPS = {
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
  abs: unary('abs'),
  log: unary('log'),
  sqrt: unary('sqrt'),
  maximum: binary('maximum'),
  minimum: binary('minimum'),
  where: {
    traits: ROW_LOCAL,
    prepare: (node) =>
      needsArgs(node, 2).map(() => ({
        kernel: (ctx, args) =>
          frameArg(node, args, 0).andThen((x) =>
            frameArg(node, args, 1).map((mask) => {
              const out = ctx.alloc();
              whereKernel(x.values, mask.values, out);
              return frameOf(ctx, out);
            }),
          ),
        stream: (ctx) => (_t0, _t1, args, out) => whereKernel(arr(args[0]), arr(args[1]), out, ctx.memory),
      })),
  },
  fillna: mapped((node) => numParam(node, 0), (value, x, out) => fillnaKernel(x, value, out)),
  clip: mapped(
    (node) =>
      numParam(node, 0).andThen((lo) =>
        numParam(node, 1).andThen((hi) => (lo > hi ? invalid(node, 'lower must be ≤ upper') : ok({ lo, hi }))),
      ),
    ({ lo, hi }, x, out) => clipKernel(x, lo, hi, out),
  ),
} satisfies Record<string, OpRecord>;
