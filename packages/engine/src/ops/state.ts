import { ok, type Result } from 'neverthrow';
import type { EngineError } from '../errors.js';
import { holdUntilKernel, holdUntilStream } from '../kernels/hold-until.js';
import { arr, frameArg, frameOf, needsArgs, optionalIntParam, RECURSIVE, type OpRecord } from './op.js';

export const STATE_OPS = {
  holdUntil: {
    traits: RECURSIVE,
    prepare: (node) =>
      needsArgs(node, 2).andThen(() => optionalIntParam(node, 0, 1)).map((limit) => {
        const withRank = node.args.length > 2;
        return {
          kernel: (ctx, args) =>
            frameArg(node, args, 0).andThen((entry) =>
              frameArg(node, args, 1).andThen((exit) => {
                const rank: Result<Float64Array | null, EngineError> = withRank ? frameArg(node, args, 2).map((f) => f.values) : ok(null);
                return rank.map((r) => {
                  const out = ctx.alloc();
                  holdUntilKernel(entry.values, exit.values, r, ctx.rows, ctx.cols, limit, out);
                  return frameOf(ctx, out);
                });
              }),
            ),
          stream: (ctx) => {
            const run = holdUntilStream(ctx.cols, limit);
            return (t0, t1, args, out) => run(arr(args[0]), arr(args[1]), withRank ? arr(args[2]) : null, t1 - t0, out);
          },
        };
      }),
  },
} satisfies Record<string, OpRecord>;
