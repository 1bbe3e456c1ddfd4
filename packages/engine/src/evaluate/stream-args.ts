import type { GraphNode } from '@alphaloop/strategy';
import type { StreamArg } from '../ops/index.js';

/**
 * The arguments of a node for the rows [lo, hi) (cell offsets): numbers as they are, whole frames as views of
 * those rows (or whole, for an input read with history), anything else from `other` (a block or compact buffer).
 */
export function collectArgs(
  args: StreamArg[],
  node: GraphNode,
  past: readonly number[],
  scalar: readonly (number | undefined)[],
  full: readonly (Float64Array | undefined)[],
  lo: number,
  hi: number,
  other: (node: number) => Float64Array,
): void {
  args.length = 0;
  for (let k = 0; k < node.args.length; k++) {
    const a = node.args[k] as number;
    const sv = scalar[a];
    const f = full[a];
    if (sv !== undefined) args.push(sv);
    else if (f !== undefined) args.push(past.includes(k) ? f : f.subarray(lo, hi));
    else args.push(other(a));
  }
}
