import type { GraphNode } from '@alphaloop/strategy';
import type { OpTraits, StreamArg, StreamRun } from '../ops/index.js';
import { collectArgs } from './stream-args.js';

/**
 * Runs the row-only nodes in topological order, each on its rows (runs of consecutive rows at a time).
 * A node that `needsFull` (the root, a lag's input) is written into a whole frame on its rows; any other
 * keeps its rows only, compactly (row rows[r] at r·cols), in a buffer recycled once its last reader has
 * run. Buffers come from `take` (the pool's are whole frames: one size, so a research loop's pool stays
 * bounded) and the compact ones go back through `give` at the end.
 */
export function runRowOnly(
  nodes: readonly GraphNode[],
  streams: readonly (StreamRun | undefined)[],
  traits: readonly (OpTraits | undefined)[],
  scalar: readonly (number | undefined)[],
  full: (Float64Array | undefined)[],
  rowOnly: Uint8Array,
  needsFull: Uint8Array,
  rowsOf: readonly (Int32Array | undefined)[],
  rows: number,
  cols: number,
  computed: Int32Array,
  take: (cells: number) => Float64Array,
  give: (buffer: Float64Array) => void,
): void {
  const count = nodes.length;
  const compact: (Float64Array | undefined)[] = new Array<Float64Array | undefined>(count);
  const positionOf: (Int32Array | undefined)[] = new Array<Int32Array | undefined>(count);
  const readers = new Int32Array(count);
  for (let i = 0; i < count; i++) if (rowOnly[i] === 1) for (const a of (nodes[i] as GraphNode).args) if (rowOnly[a] === 1) readers[a] = (readers[a] as number) + 1;
  const free: Float64Array[] = [];
  const args: StreamArg[] = [];
  for (let i = 0; i < count; i++) {
    const run = streams[i];
    const t = traits[i];
    const list = rowsOf[i];
    if (rowOnly[i] !== 1 || run === undefined || t === undefined || list === undefined) continue;
    const node = nodes[i] as GraphNode;
    const R = list.length;
    let own: Float64Array | undefined;
    let whole: Float64Array | undefined;
    if (needsFull[i] === 1) {
      whole = take(rows * cols);
      full[i] = whole;
    } else {
      const k = free.findIndex((b) => b.length >= R * cols);
      own = k >= 0 ? (free.splice(k, 1)[0] as Float64Array) : take(R * cols);
      compact[i] = own;
      const pos = new Int32Array(rows).fill(-1);
      for (let r = 0; r < R; r++) pos[list[r] as number] = r;
      positionOf[i] = pos;
    }
    const compactRows = (a: number, t0: number, t1: number): Float64Array => {
      const p = (positionOf[a] as Int32Array)[t0] as number;
      return (compact[a] as Float64Array).subarray(p * cols, (p + t1 - t0) * cols);
    };
    for (let r = 0; r < R; ) {
      // a run of consecutive rows [t0, t1) = list[r … e)
      const t0 = list[r] as number;
      let e = r + 1;
      while (e < R && list[e] === t0 + (e - r)) e++;
      const t1 = t0 + (e - r);
      collectArgs(args, node, t.past, scalar, full, t0 * cols, t1 * cols, (a) => compactRows(a, t0, t1));
      run(t0, t1, args, whole === undefined ? (own as Float64Array).subarray(r * cols, e * cols) : whole.subarray(t0 * cols, t1 * cols));
      r = e;
    }
    computed[i] = 1;
    for (const a of node.args) {
      if (rowOnly[a] !== 1) continue;
      readers[a] = (readers[a] as number) - 1;
      if (readers[a] !== 0) continue;
      const done = compact[a];
      if (done !== undefined) free.push(done);
      compact[a] = undefined;
      positionOf[a] = undefined;
    }
  }
  for (const b of free) give(b);
  for (const b of compact) if (b !== undefined) give(b);
}

/** NaN on every row of a whole frame that is not in the (sorted) list. */
export function fillOtherRows(values: Float64Array, rowList: Int32Array, rows: number, cols: number): void {
  let from = 0;
  for (let r = 0; r <= rowList.length; r++) {
    const t = r < rowList.length ? (rowList[r] as number) : rows;
    if (t > from) values.fill(Number.NaN, from * cols, t * cols);
    from = t + 1;
  }
}

