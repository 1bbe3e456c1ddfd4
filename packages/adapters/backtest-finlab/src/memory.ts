import type { BacktestError } from '@alphaloop/ports';
import type { FactorGraph } from '@alphaloop/strategy';
import { err, ok, type Result } from 'neverthrow';
import { outOfMemory } from './errors.js';

/** Ops whose kernel takes one extra scratch frame while it runs (engine `evaluate/registry.ts`). */
const SCRATCH_OPS: ReadonlySet<string> = new Set(['rollingMax', 'rollingMin']);
/** Frames `sim` allocates beside the position: the weight matrix, plus an averaged trade price for some `tradeAt`. */
const SIM_FRAMES = 2;

/**
 * The largest number of frame buffers the engine's evaluator holds at once for this graph: it visits nodes in
 * topological order, allocates one buffer per frame-valued node (data frames are the market's, not copies),
 * and releases a buffer after its last consumer has run. This replays that bookkeeping without computing
 * anything (`evaluateGraphWithReport(...).report.peakLive` is the measured figure; the tests compare them).
 */
export function peakFrameBuffers(graph: FactorGraph): number {
  const nodes = graph.nodes;
  const count = nodes.length;
  if (count === 0 || !(graph.root >= 0 && graph.root < count)) return 0;
  const reachable = new Uint8Array(count);
  reachable[graph.root] = 1;
  const refs = new Int32Array(count);
  for (let i = count - 1; i >= 0; i--) {
    const node = nodes[i];
    if (node === undefined || reachable[i] === 0) continue;
    for (const a of node.args) {
      if (a < 0 || a >= count) continue;
      reachable[a] = 1;
      refs[a] = (refs[a] as number) + 1;
    }
  }
  const owned = new Uint8Array(count);
  let live = 0;
  let peak = 0;
  for (let i = 0; i < count; i++) {
    const node = nodes[i];
    if (node === undefined || reachable[i] === 0) continue;
    if (node.type !== 'number' && node.op !== 'data' && node.op !== 'const') {
      live++;
      owned[i] = 1;
      peak = Math.max(peak, live + (SCRATCH_OPS.has(node.op) ? 1 : 0));
    }
    for (const a of node.args) {
      if (a < 0 || a >= count) continue;
      const left = (refs[a] as number) - 1;
      refs[a] = left;
      if (left === 0 && owned[a] === 1) live--;
    }
  }
  return peak;
}

/** Estimated bytes of working memory for one backtest of `graph` on a `rows` × `cols` grid. */
export function estimateBacktestBytes(graph: FactorGraph, rows: number, cols: number): number {
  return (peakFrameBuffers(graph) + SIM_FRAMES) * rows * cols * Float64Array.BYTES_PER_ELEMENT;
}

const MB = 1024 * 1024;

/** The memory guard: refuses, before running it, a strategy whose frames would not fit in `limitMb`. */
export function checkMemoryBudget(graph: FactorGraph, rows: number, cols: number, limitMb: number): Result<void, BacktestError> {
  const bytes = estimateBacktestBytes(graph, rows, cols);
  if (bytes <= limitMb * MB) return ok(undefined);
  const frames = peakFrameBuffers(graph) + SIM_FRAMES;
  return err(
    outOfMemory(
      `the strategy needs about ${Math.ceil(bytes / MB)} MB of working memory (${frames} series of ${rows} dates × ${cols} symbols alive at once), ` +
        `over the limit of ${limitMb} MB — compute fewer intermediate series, or reuse them`,
    ),
  );
}
