import type { BacktestError } from '@alphaloop/ports';
import { rowOnlyNodes } from '@alphaloop/engine';
import { operationSpec, type FactorGraph, type GraphNode } from '@alphaloop/strategy';
import { err, ok, type Result } from 'neverthrow';
import { outOfMemory } from './errors.js';

/** Cells per row block of the engine's streaming evaluator (`evaluate.ts`, BLOCK_CELLS). */
const BLOCK_CELLS = 65_536;
/** Frames `sim` allocates beside the position (weights, an averaged trade price for some `tradeAt`): a margin. */
const SIM_FRAMES = 2;
const BYTES = Float64Array.BYTES_PER_ELEMENT;
/** Values per window row and symbol a rolling op keeps (kernels/rolling.ts): max/min one; a sum the prefix
 *  sums and counts of two blocks (counted as three); a std a count, a mean and a sum of squares (three). */
const WINDOW_STATE: Readonly<Record<string, number>> = {
  rollingMax: 1, rollingMin: 1, average: 3, rollingMean: 3, rollingSum: 3, rollingStd: 3,
};

/** What the evaluator will hold at once for one graph, by the engine's streaming plan. */
export interface MemoryPlan {
  /** Whole frames: the root, and every computed input of an op that reads history (time-series and state ops). */
  readonly fullFrames: number;
  /** Block buffers (rows-per-block × symbols each), recycled by reference counting. */
  readonly blockBuffers: number;
  readonly blockRows: number;
  /** Per-op state that grows with the window (a rolling op keeps window × symbols values of each kind). */
  readonly stateCells: number;
  /**
   * Market fields the graph reads: the engine copies each into its WebAssembly arena once per worker (and
   * keeps the copy), counted here for every backtest — the safe side.
   */
  readonly dataFrames: number;
}

/**
 * Replays the engine's streaming evaluator's storage plan without computing anything: a frame-valued node
 * gets a whole frame if it is the root or the first argument of an op that reads earlier rows, a recycled
 * block buffer otherwise; each market field read costs one copy (the engine's arena). Every `time_series` and `state` op
 * is counted as reading history (a slight over-count for the few that stream row by row), so the plan is
 * never below what `evaluateGraphWithReport` reports when run as `backtestGraph` runs it (the tests compare
 * them).
 */
export function memoryPlan(graph: FactorGraph, rows: number, cols: number): MemoryPlan {
  const nodes = graph.nodes;
  const count = nodes.length;
  const blockRows = Math.max(1, Math.min(Math.max(rows, 1), Math.floor(BLOCK_CELLS / Math.max(cols, 1))));
  const empty = { fullFrames: 0, blockBuffers: 0, blockRows, stateCells: 0, dataFrames: 0 };
  if (count === 0 || !(graph.root >= 0 && graph.root < count)) return empty;
  const valid = (a: number): boolean => Number.isInteger(a) && a >= 0 && a < count;
  const reachable = new Uint8Array(count);
  reachable[graph.root] = 1;
  const refs = new Int32Array(count);
  for (let i = count - 1; i >= 0; i--) {
    const node = nodes[i];
    if (node === undefined || reachable[i] === 0) continue;
    for (const a of node.args) {
      if (!valid(a)) continue;
      reachable[a] = 1;
      refs[a] = (refs[a] as number) + 1;
    }
  }
  const computed = (node: GraphNode | undefined, i: number): node is GraphNode =>
    node !== undefined && reachable[i] === 1 && node.type !== 'number' && node.op !== 'data' && node.op !== 'const';
  const needsFull = new Uint8Array(count);
  needsFull[graph.root] = 1;
  // with a resample, the engine computes the row-wise tail on the rebalance rows only (`backtestGraph`):
  // its inputs become whole frames, and its own buffers (rebalance rows × symbols) are counted as whole ones
  const rowOnly = graph.options.resample === null ? new Uint8Array(count) : rowOnlyNodes(graph);
  let stateCells = 0;
  for (let i = 0; i < count; i++) {
    const node = nodes[i];
    if (!computed(node, i)) continue;
    if (rowOnly[i] === 1) {
      needsFull[i] = 1;
      for (const a of node.args) if (valid(a) && rowOnly[a] === 0) needsFull[a] = 1;
    }
    const category = operationSpec(node.op)?.category;
    const first = node.args[0];
    if ((category === undefined || category === 'time_series' || category === 'state') && first !== undefined && valid(first)) needsFull[first] = 1;
    // rolling windows keep the previous block's suffixes: window × symbols values of each kind they track
    const kinds = WINDOW_STATE[node.op];
    if (kinds !== undefined) {
      const window = node.params[0];
      stateCells += kinds * (typeof window === 'number' && window > 0 ? Math.min(window, rows) : rows) * cols;
    }
  }
  const fields = new Set<string>();
  for (let i = 0; i < count; i++) {
    const node = nodes[i];
    if (node !== undefined && reachable[i] === 1 && node.op === 'data') fields.add(String(node.params[0]));
  }
  let fullFrames = 0;
  let slots = 0;
  const free: number[] = [];
  const slotOf = new Int32Array(count).fill(-1);
  for (let i = 0; i < count; i++) {
    const node = nodes[i];
    if (!computed(node, i)) continue;
    if (needsFull[i] === 1) fullFrames++;
    else slotOf[i] = free.pop() ?? slots++;
    for (const a of node.args) {
      if (!valid(a)) continue;
      const left = (refs[a] as number) - 1;
      refs[a] = left;
      if (left === 0 && (slotOf[a] as number) >= 0) free.push(slotOf[a] as number);
    }
  }
  return { fullFrames, blockBuffers: slots, blockRows, stateCells, dataFrames: fields.size };
}

/** Estimated bytes of working memory for one backtest of `graph` on a `rows` × `cols` grid (evaluation + sim). */
export function estimateBacktestBytes(graph: FactorGraph, rows: number, cols: number): number {
  const plan = memoryPlan(graph, rows, cols);
  return ((plan.fullFrames + plan.dataFrames + SIM_FRAMES) * rows * cols + plan.blockBuffers * plan.blockRows * cols + plan.stateCells) * BYTES;
}

const MB = 1024 * 1024;

/** The memory guard: refuses, before running it, a strategy whose working memory would exceed `limitMb`. */
export function checkMemoryBudget(graph: FactorGraph, rows: number, cols: number, limitMb: number): Result<void, BacktestError> {
  const bytes = estimateBacktestBytes(graph, rows, cols);
  if (bytes <= limitMb * MB) return ok(undefined);
  const plan = memoryPlan(graph, rows, cols);
  return err(
    outOfMemory(
      `the strategy needs about ${Math.ceil(bytes / MB)} MB of working memory (${plan.fullFrames + plan.dataFrames + SIM_FRAMES} whole series of ${rows} dates × ${cols} symbols, ` +
        `plus buffers), over the limit of ${limitMb} MB — apply fewer time-series operations to computed series, or read fewer fields`,
    ),
  );
}
