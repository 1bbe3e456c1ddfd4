import type { FactorGraph, GraphNode } from '@alphaloop/strategy';

/** How an operation reads its input, as the streaming evaluator runs it. */
export interface StreamTraits {
  /** The first argument is read with history (rows before the current one). */
  readonly history: boolean;
  /** Row t of the output depends only on input rows, with no state carried from row to row. */
  readonly rowwise: boolean;
}

/** Rolling windows and lags: row t reads a fixed span of input rows ending at t (see kernels/rolling.ts). */
const WINDOWED = new Set([
  'average', 'rollingMean', 'rollingSum', 'rollingMax', 'rollingMin', 'rollingStd', 'sustain',
  'shift', 'pctChange', 'diff', 'rise', 'fall', 'isEntry', 'isExit',
]);
const RECURSIVE = new Set(['ema', 'rsi', 'holdUntil']);
const LEAVES = new Set(['data', 'const']);

/**
 * The traits of a catalogue operation (undefined for the leaves `data` and `const`): rolling windows and
 * lags read history and can compute any row on its own, recursive ops carry state from row to row, every
 * other operation (elementwise, cross-sectional) is row-wise. `streams.ts` builds its ops with these traits (tested).
 */
export function streamTraits(op: string): StreamTraits | undefined {
  if (LEAVES.has(op)) return undefined;
  if (WINDOWED.has(op)) return { history: true, rowwise: true };
  if (RECURSIVE.has(op)) return { history: false, rowwise: false };
  return { history: false, rowwise: true };
}

const LAGS = new Set(['shift', 'pctChange', 'diff', 'rise', 'fall']);

/** How far back a lag reads (row t reads input rows t and t − n); null for any other op. */
export function lagOf(node: GraphNode): number | null {
  if (node.op === 'isEntry' || node.op === 'isExit') return 1;
  if (!LAGS.has(node.op)) return null;
  const n = node.params[0];
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}

/**
 * The nodes that need computing only on some rows when a caller reads only some rows of the result (see
 * `EvaluateOptions.rows`): the root, if row-wise, and backwards every row-wise node all of whose readers are
 * such nodes. A lag reads its input on two rows per row it computes, so its input can be computed on those
 * rows only (see `rowDemand`); a rolling window reads a whole window per row: its input stays computed on
 * every row. `frameNode(i)` says whether node i is a computed, reachable frame (not a leaf, not a number);
 * `traits(i)` gives its traits.
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
    const node = nodes[i] as GraphNode;
    const t = frameNode(i) ? traits(i) : undefined;
    // (a reachable node other than the root always has a reachable reader)
    if (t !== undefined && t.rowwise && blocked[i] === 0) rowOnly[i] = 1;
    const windowed = t?.history === true && lagOf(node) === null;
    for (let k = 0; k < node.args.length; k++) {
      if (rowOnly[i] === 0 || (windowed && k === 0)) blocked[node.args[k] as number] = 1;
    }
  }
  return rowOnly;
}

/**
 * The rows each row-only node is computed on (ascending; undefined for the other nodes): the requested rows
 * for the root, and for every other row-only node the rows its readers read: a lag's input the rows t and
 * t − n for each row t of the lag (a shift's only t − n).
 */
export function rowDemand(
  nodes: readonly GraphNode[],
  rowOnly: Uint8Array,
  root: number,
  requested: Int32Array,
  rows: number,
): (Int32Array | undefined)[] {
  const count = nodes.length;
  const marks: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(count);
  const lists: (Int32Array | undefined)[] = new Array<Int32Array | undefined>(count);
  if (rowOnly[root] !== 1) return lists;
  const rootMarks = new Uint8Array(rows);
  for (const t of requested) rootMarks[t] = 1;
  marks[root] = rootMarks;
  for (let i = count - 1; i >= 0; i--) {
    const own = marks[i];
    if (rowOnly[i] !== 1 || own === undefined) continue;
    const node = nodes[i] as GraphNode;
    const lag = lagOf(node);
    for (let k = 0; k < node.args.length; k++) {
      const a = node.args[k] as number;
      if (rowOnly[a] !== 1) continue;
      let m = marks[a];
      if (m === undefined) {
        m = new Uint8Array(rows);
        marks[a] = m;
      }
      // a shift reads only row t − n of its input; the other lags rows t and t − n
      const current = !(k === 0 && node.op === 'shift');
      for (let t = 0; t < rows; t++) {
        if (own[t] === 0) continue;
        if (current) m[t] = 1;
        if (k === 0 && lag !== null && t >= lag) m[t - lag] = 1;
      }
    }
    let n = 0;
    for (let t = 0; t < rows; t++) n += own[t] as number;
    const list = new Int32Array(n);
    for (let t = 0, r = 0; t < rows; t++) if (own[t] === 1) list[r++] = t;
    lists[i] = list;
  }
  return lists;
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
