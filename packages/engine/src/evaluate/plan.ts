import type { FactorGraph, GraphNode } from '@alphaloop/strategy';
import { err, ok, type Result } from 'neverthrow';
import { engineError, type EngineError } from '../errors.js';
import { opRecord, type OpTraits } from '../ops/index.js';
import { markRowOnly } from './row-only.js';

/** Cells per row block of the streaming evaluator (about 512 KB of doubles: a block stays in cache). */
export const BLOCK_CELLS = 65_536;
const BYTES = Float64Array.BYTES_PER_ELEMENT;

export interface PlanShape {
  readonly rows: number;
  readonly cols: number;
  /** Rows per block (default: about `BLOCK_CELLS` cells per block). */
  readonly blockRows?: number;
  /** Recycle block buffers once their last reader has run (default true). */
  readonly reuseBuffers?: boolean;
  /** Only some rows of the result are read (`EvaluateOptions.rows`): the row-wise tail is computed on those. */
  readonly someRows?: boolean;
}

/**
 * How the streaming evaluator computes a graph, decided before anything is computed: which nodes are
 * numbers (folded), which are streamed and with which traits, which run on requested rows only, which keep a
 * whole frame (the root, inputs read with history, inputs of row-only nodes), which share recycled block
 * buffers (slots, by reference counting in topological order), and the bytes all that holds at once. The
 * evaluator executes a plan; the memory guard asks a plan for its bytes.
 */
export interface EvaluationPlan {
  /** The nodes as evaluated: a rank read only by order-based selections is skipped (see `skipOrderPreservingRanks`). */
  readonly nodes: readonly GraphNode[];
  readonly root: number;
  /** 1 for a node computed (reachable from the root, and not skipped). */
  readonly reachable: Uint8Array;
  /** 1 for a node folded to a number (`const`, or every input a number). */
  readonly scalar: Uint8Array;
  /** The traits of each streamed node (a computed frame that is not a leaf); undefined for the others. */
  readonly traits: readonly (OpTraits | undefined)[];
  /** 1 for a node computed on the requested rows only (all 0 unless `someRows`). */
  readonly rowOnly: Uint8Array;
  readonly rowOnlyNodes: number;
  /** 1 for a node whose value is held as a whole frame. */
  readonly needsFull: Uint8Array;
  /** The block slot of each streamed node that is neither whole nor row-only (−1 otherwise). */
  readonly slotOf: Int32Array;
  /** Block buffers (each `blockRows` × cols). */
  readonly slots: number;
  /** Times a slot was recycled. */
  readonly reused: number;
  readonly blockRows: number;
  /** Whole frames of streamed nodes (row-only ones included: the pool hands out whole frames). */
  readonly wholeFrames: number;
  /** Distinct market fields read (the evaluator copies each into its arena once). */
  readonly fields: readonly string[];
  /** Cells of stream state that grows with a window (rolling suffixes). */
  readonly stateCells: number;
  /** Bytes held at once: whole frames, fields, block buffers and window state. */
  readonly bytes: number;
}

/** The graph's structure checked (ids, inputs that precede their reader, the root); what is reachable from the root. */
export function checkGraph(graph: FactorGraph): Result<Uint8Array, EngineError> {
  const nodes = graph.nodes;
  const count = nodes.length;
  if (count === 0) return err(engineError('invalid_input', 'the graph has no nodes'));
  if (!(Number.isInteger(graph.root) && graph.root >= 0 && graph.root < count)) {
    return err(engineError('invalid_input', `the root ${graph.root} is not a node of the graph`));
  }
  for (let i = 0; i < count; i++) {
    const node = nodes[i];
    if (node === undefined || node.id !== i) return err(engineError('invalid_input', `node ${i} has id ${String(node?.id)}`));
    for (const a of node.args) {
      if (!(Number.isInteger(a) && a >= 0 && a < i)) {
        return err(engineError('invalid_input', `node ${i} (${node.op}) refers to node ${a}, which does not precede it`));
      }
    }
  }
  return ok(reachableFrom(nodes, graph.root));
}

/** Reachable consumers per node (+1 for the root). */
export function readerCounts(nodes: readonly GraphNode[], reachable: Uint8Array, root: number): Int32Array {
  const refs = new Int32Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) if (reachable[i] === 1) for (const a of (nodes[i] as GraphNode).args) refs[a] = (refs[a] as number) + 1;
  refs[root] = (refs[root] as number) + 1;
  return refs;
}

function reachableFrom(nodes: readonly GraphNode[], root: number): Uint8Array {
  const reachable = new Uint8Array(nodes.length);
  reachable[root] = 1;
  for (let i = nodes.length - 1; i >= 0; i--) if (reachable[i] === 1) for (const a of (nodes[i] as GraphNode).args) reachable[a] = 1;
  return reachable;
}

export function planEvaluation(graph: FactorGraph, shape: PlanShape): Result<EvaluationPlan, EngineError> {
  const checked = checkGraph(graph);
  if (checked.isErr()) return err(checked.error);
  const reachable = checked.value;
  const root = graph.root;
  const nodes = skipOrderPreservingRanks(graph.nodes, reachable, root);
  const count = nodes.length;
  const { rows, cols } = shape;
  const blockRows = Math.max(1, Math.min(Math.max(rows, 1), shape.blockRows ?? Math.floor(BLOCK_CELLS / Math.max(cols, 1))));

  // 1. numbers, leaves and streamed nodes
  const scalar = new Uint8Array(count);
  const traits: (OpTraits | undefined)[] = new Array<OpTraits | undefined>(count);
  const fields = new Set<string>();
  for (let i = 0; i < count; i++) {
    if (reachable[i] === 0) continue;
    const node = nodes[i] as GraphNode;
    const record = opRecord(node.op);
    if (record === undefined) return err(engineError('unsupported_op', `no kernel for op '${node.op}'`, { nodeId: i, op: node.op }));
    if (node.op === 'const' || (node.op !== 'data' && node.args.length > 0 && node.args.every((a) => scalar[a] === 1))) scalar[i] = 1;
    else if (node.op === 'data') fields.add(String(node.params[0]));
    else traits[i] = record.traits ?? undefined;
  }
  if (scalar[root] === 1) return err(engineError('invalid_input', 'the root of the graph must be a frame (a position), not a number'));

  // 2. the row-wise tail, when only some rows are read
  const rowOnly =
    shape.someRows === true
      ? markRowOnly(nodes, root, (i) => traits[i] !== undefined, (i) => traits[i], (i) => reachable[i] === 1)
      : new Uint8Array(count);
  let rowOnlyNodes = 0;
  for (let i = 0; i < count; i++) rowOnlyNodes += rowOnly[i] as number;

  // 3. whole frames: the root, inputs read with history, inputs of row-only nodes; block slots for the rest
  const needsFull = new Uint8Array(count);
  needsFull[root] = 1;
  let stateCells = 0;
  for (let i = 0; i < count; i++) {
    const t = traits[i];
    if (t === undefined) continue;
    const node = nodes[i] as GraphNode;
    for (const k of t.past) {
      const a = node.args[k];
      if (a !== undefined) needsFull[a] = 1;
    }
    if (rowOnly[i] === 1) for (const a of node.args) if (rowOnly[a] === 0) needsFull[a] = 1;
    stateCells += t.stateCells?.(node.params, rows, cols) ?? 0;
  }
  const refs = readerCounts(nodes, reachable, root);
  const slotOf = new Int32Array(count).fill(-1);
  const free: number[] = [];
  const reuse = shape.reuseBuffers ?? true;
  let slots = 0;
  let reused = 0;
  let wholeFrames = 0;
  for (let i = 0; i < count; i++) {
    if (traits[i] === undefined) continue;
    if (rowOnly[i] === 1 || needsFull[i] === 1) wholeFrames++;
    else {
      const recycled = reuse ? free.pop() : undefined;
      if (recycled === undefined) slotOf[i] = slots++;
      else {
        slotOf[i] = recycled;
        reused++;
      }
    }
    for (const a of (nodes[i] as GraphNode).args) {
      const left = (refs[a] as number) - 1;
      refs[a] = left;
      if (left === 0 && (slotOf[a] as number) >= 0) free.push(slotOf[a] as number);
    }
  }
  const frameCells = rows * cols;
  const bytes = ((wholeFrames + fields.size) * frameCells + slots * blockRows * cols + stateCells) * BYTES;
  return ok({
    nodes, root, reachable, scalar, traits, rowOnly, rowOnlyNodes, needsFull, slotOf, slots, reused, blockRows, wholeFrames,
    fields: [...fields], stateCells, bytes,
  });
}

/**
 * `rank()` is strictly increasing within a row (equal values get equal ranks, NaN stays NaN), so a rank read
 * only by order-based selections — isLargest/isSmallest, directly or through `where` masks — selects exactly
 * the cells its input would. Those readers are pointed at the rank's input and the rank is not computed
 * (the common `score.rank().where(entry).isLargest(n)`). Returns the nodes with rewritten args; `reachable`
 * loses the skipped ranks.
 */
function skipOrderPreservingRanks(nodes: readonly GraphNode[], reachable: Uint8Array, root: number): readonly GraphNode[] {
  const consumers: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    if (reachable[i] === 1) n.args.forEach((a, k) => consumers[a]?.push(k === 0 ? i : -1 - i));
  });
  /** Every reader of node i uses it only as the value an order-based selection ranks. */
  const orderOnly = (i: number, depth: number): boolean => {
    if (i === root || depth > 16) return false;
    const readers = consumers[i] ?? [];
    return readers.length > 0 && readers.every((c) => {
      if (c < 0) return false; // read as a mask or second operand
      const op = nodes[c]?.op;
      if (op === 'isLargest' || op === 'isSmallest') return true;
      return op === 'where' && orderOnly(c, depth + 1);
    });
  };
  let out: GraphNode[] | null = null;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i] as GraphNode;
    if (reachable[i] !== 1 || n.op !== 'rank' || n.args.length !== 1 || !orderOnly(i, 0)) continue;
    const input = n.args[0] as number;
    out ??= [...nodes];
    for (const c of consumers[i] ?? []) {
      const reader = out[c] as GraphNode;
      out[c] = { ...reader, args: reader.args.map((a, k) => (k === 0 && a === i ? input : a)) };
    }
  }
  if (out === null) return nodes;
  // a skipped rank has no readers left: mark it unreachable
  const final = out;
  const stillRead = new Uint8Array(final.length);
  stillRead[root] = 1;
  for (let i = final.length - 1; i >= 0; i--) if (stillRead[i] === 1) for (const a of (final[i] as GraphNode).args) stillRead[a] = 1;
  for (let i = 0; i < final.length; i++) if (reachable[i] === 1 && stillRead[i] === 0) reachable[i] = 0;
  return final;
}
