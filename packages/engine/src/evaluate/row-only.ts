import type { FactorGraph, GraphNode } from '@alphaloop/strategy';

/** How an operation reads its input, as the streaming evaluator runs it. */
export interface StreamTraits {
  /** The first argument is read with history (rows before the current one). */
  readonly history: boolean;
  /** Row t of the output depends only on input rows, with no state carried from row to row. */
  readonly rowwise: boolean;
}

const ROLLING = new Set(['average', 'rollingMean', 'rollingSum', 'rollingMax', 'rollingMin', 'rollingStd', 'sustain']);
const LAGS = new Set(['shift', 'pctChange', 'diff', 'rise', 'fall', 'isEntry', 'isExit']);
const RECURSIVE = new Set(['ema', 'rsi', 'holdUntil']);
const LEAVES = new Set(['data', 'const']);

/**
 * The traits of a catalogue operation (undefined for the leaves `data` and `const`): rolling windows read
 * history and carry state, lags read history without state, recursive ops carry state, every other operation
 * (elementwise, cross-sectional) is row-wise. `streams.ts` builds its ops with these traits (tested).
 */
export function streamTraits(op: string): StreamTraits | undefined {
  if (LEAVES.has(op)) return undefined;
  if (ROLLING.has(op)) return { history: true, rowwise: false };
  if (LAGS.has(op)) return { history: true, rowwise: true };
  if (RECURSIVE.has(op)) return { history: false, rowwise: false };
  return { history: false, rowwise: true };
}

/**
 * The nodes that need computing only on the rows a caller reads (see `EvaluateOptions.rows`): the root, if
 * row-wise, and backwards every row-wise node all of whose readers are such nodes and read it row by row (a
 * lag reads earlier rows of its input: that input stays computed on every row). `frameNode(i)` says whether
 * node i is a computed, reachable frame (not a leaf, not a number); `traits(i)` gives its traits.
 */
export function markRowOnly(
  nodes: readonly GraphNode[],
  root: number,
  frameNode: (i: number) => boolean,
  traits: (i: number) => StreamTraits | undefined,
  reachable: (i: number) => boolean,
): Uint8Array {
  const count = nodes.length;
  const rowOnly = new Uint8Array(count);
  if (!frameNode(root) || traits(root)?.rowwise !== true) return rowOnly;
  // nodes are visited after all their readers (reverse topological order)
  const blocked = new Uint8Array(count);
  for (let i = count - 1; i >= 0; i--) {
    if (!reachable(i)) continue;
    const t = frameNode(i) ? traits(i) : undefined;
    // (a reachable node other than the root always has a reachable reader)
    if (t !== undefined && t.rowwise && blocked[i] === 0) rowOnly[i] = 1;
    const args = (nodes[i] as GraphNode).args;
    for (let k = 0; k < args.length; k++) {
      if (rowOnly[i] === 0 || (t?.history === true && k === 0)) blocked[args[k] as number] = 1;
    }
  }
  return rowOnly;
}

/**
 * `markRowOnly` on a graph as compiled (reachability from the root; frame nodes by type), for planners outside
 * the evaluator such as a memory guard. The evaluator may skip a few more nodes (an order-only `rank`).
 */
export function rowOnlyNodes(graph: FactorGraph): Uint8Array {
  const nodes = graph.nodes;
  const count = nodes.length;
  const reachable = new Uint8Array(count);
  if (graph.root >= 0 && graph.root < count) reachable[graph.root] = 1;
  for (let i = count - 1; i >= 0; i--) {
    if (reachable[i] === 0) continue;
    for (const a of (nodes[i] as GraphNode).args) if (Number.isInteger(a) && a >= 0 && a < i) reachable[a] = 1;
  }
  return markRowOnly(
    nodes,
    graph.root,
    (i) => nodes[i] !== undefined && nodes[i]?.type !== 'number',
    (i) => streamTraits((nodes[i] as GraphNode).op),
    (i) => reachable[i] === 1,
  );
}
