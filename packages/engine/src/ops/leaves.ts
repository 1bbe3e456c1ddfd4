import { ok } from 'neverthrow';
import { invalid, numParam, type OpRecord } from './op.js';

/** `const` and `data`: the evaluator reads them directly (no stream); the kernels serve the reference evaluator. */
export const LEAF_OPS = {
  const: {
    traits: null,
    prepare: (node) => numParam(node, 0).map((value) => ({ kernel: () => ok(value) })),
  },
  data: {
    traits: null,
    prepare: (node) => {
      const key = node.params[0];
      return typeof key === 'string' ? ok({ kernel: (ctx) => ctx.data(key) }) : invalid(node, 'the data key must be a string');
    },
  },
} satisfies Record<string, OpRecord>;
