import type { GraphNode } from '@alphaloop/strategy';
import type { OpTraits } from '../ops/index.js';

/** How far back a lag reads (row t reads input rows t and t − n); null for any other op. */
function lagOf(node: GraphNode, traits: OpTraits | undefined): number | null {
  return traits?.lag?.(node.params) ?? null;
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
  traits: (i: number) => OpTraits | undefined,
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
    // a window (not a lag) reads a whole window of its past inputs per row: those stay computed on every row
    const windowed = t !== undefined && t.past.length > 0 && lagOf(node, t) === null;
    for (let k = 0; k < node.args.length; k++) {
      if (rowOnly[i] === 0 || (windowed && t.past.includes(k))) blocked[node.args[k] as number] = 1;
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
  traits: readonly (OpTraits | undefined)[],
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
    const t = traits[i];
    const lag = lagOf(node, t);
    for (let k = 0; k < node.args.length; k++) {
      const a = node.args[k] as number;
      if (rowOnly[a] !== 1) continue;
      let m = marks[a];
      if (m === undefined) {
        m = new Uint8Array(rows);
        marks[a] = m;
      }
      // a shift reads only row t − n of its input; the other lags rows t and t − n
      const current = !(k === 0 && t?.lagOnly === true);
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
