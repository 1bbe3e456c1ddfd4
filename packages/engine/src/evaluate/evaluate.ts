import type { FactorGraph, GraphNode } from '@alphaloop/strategy';
import { err, ok, type Result } from 'neverthrow';
import { engineError, fromException, type EngineError } from '../errors.js';
import { reindexFfill, sameGrid, validateFrame, type Frame } from '../frame.js';
import type { PriceFrames } from '../sim/sim.js';
import { KERNELS, type KernelContext, type Value } from './registry.js';

/**
 * The market a graph runs on: fields by key (`data.get(key)`), plus the adjusted price frames `sim` needs.
 * The close frame's dates × symbols is the run's grid.
 */
export interface MarketFrames {
  /** Field key → frame. A `ReadonlyMap<string, Frame>` works. */
  readonly fields: { get(key: string): Frame | undefined; keys?(): IterableIterator<string> };
  readonly prices: PriceFrames;
}

export interface EvaluateOptions {
  /** Reuse released intermediate buffers (default true). */
  readonly reuseBuffers?: boolean;
}

/** Memory figures of one evaluation (for tests and the benchmark). */
export interface EvaluationReport {
  /** Frame buffers allocated (not reused). */
  readonly allocated: number;
  /** Buffers served from the pool. */
  readonly reused: number;
  /** Largest number of evaluator-owned buffers alive at once. */
  readonly peakLive: number;
  /** How many times each node was computed (always 1: shared nodes are computed once). */
  readonly computed: Int32Array;
}

/**
 * Evaluates a factor graph on a market and returns the root (position) frame. Nodes are visited once in
 * topological order, so a node shared by several consumers is computed once; each intermediate buffer is
 * returned to a pool as soon as its last consumer has run (reference counting), which bounds memory by the
 * graph's width rather than its size. Fields whose grid differs from the close frame's are put on it first
 * (as-of: each trading day takes the last row published on or before it). Never throws.
 */
export function evaluateGraph(graph: FactorGraph, market: MarketFrames, options: EvaluateOptions = {}): Result<Frame, EngineError> {
  return evaluateGraphWithReport(graph, market, options).map((r) => r.frame);
}

export function evaluateGraphWithReport(
  graph: FactorGraph,
  market: MarketFrames,
  options: EvaluateOptions = {},
): Result<{ frame: Frame; report: EvaluationReport }, EngineError> {
  try {
    return validateFrame(market.prices.close, 'close').andThen((grid) => run(graph, market, grid, options.reuseBuffers ?? true));
  } catch (e) {
    return err(fromException(e, 'evaluateGraph'));
  }
}

function run(
  graph: FactorGraph,
  market: MarketFrames,
  grid: Frame,
  reuse: boolean,
): Result<{ frame: Frame; report: EvaluationReport }, EngineError> {
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
  // only nodes reachable from the root are computed; refs = number of reachable consumers (+1 for the root)
  const reachable = new Uint8Array(count);
  reachable[graph.root] = 1;
  const refs = new Int32Array(count);
  for (let i = count - 1; i >= 0; i--) {
    if (reachable[i] === 0) continue;
    for (const a of (nodes[i] as GraphNode).args) {
      reachable[a] = 1;
      refs[a] = (refs[a] as number) + 1;
    }
  }
  refs[graph.root] = (refs[graph.root] as number) + 1;

  const rows = grid.dates.length;
  const cols = grid.symbols.length;
  const size = rows * cols;
  const pool: Float64Array[] = [];
  const owned = new Set<Float64Array>();
  let allocated = 0;
  let reused = 0;
  let peakLive = 0;
  const computed = new Int32Array(count);
  const conformed = new Map<string, Frame>();

  const ctx: KernelContext = {
    grid,
    rows,
    cols,
    alloc() {
      let b = reuse ? pool.pop() : undefined;
      if (b === undefined) {
        b = new Float64Array(size);
        allocated++;
      } else reused++;
      owned.add(b);
      if (owned.size > peakLive) peakLive = owned.size;
      return b;
    },
    release(b) {
      if (owned.delete(b) && reuse) pool.push(b);
    },
    data(key) {
      const f = market.fields.get(key);
      if (f === undefined) {
        const known = market.fields.keys === undefined ? '' : ` (known: ${[...market.fields.keys()].slice(0, 20).join(', ')})`;
        return err(engineError('data_missing', `no market data for '${key}'${known}`));
      }
      if (sameGrid(f, grid)) return ok(f);
      const cached = conformed.get(key);
      if (cached !== undefined) return ok(cached);
      return validateFrame(f, key).map((valid) => {
        const g = reindexFfill(valid, grid.dates, grid.symbols);
        conformed.set(key, g);
        return g;
      });
    },
  };

  const values: (Value | undefined)[] = new Array<Value | undefined>(count);
  for (let i = 0; i < count; i++) {
    const node = nodes[i];
    if (node === undefined) continue;
    if (reachable[i] === 0) continue; // unreachable from the root: never computed
    const kernel = KERNELS[node.op];
    if (kernel === undefined) {
      return err(engineError('unsupported_op', `no kernel for op '${node.op}'`, { nodeId: i, op: node.op }));
    }
    const args: Value[] = [];
    for (const a of node.args) {
      const v = values[a];
      if (v === undefined) return err(engineError('calculation', `node ${i}: argument ${a} has no value`, { nodeId: i, op: node.op }));
      args.push(v);
    }
    const result = kernel(ctx, node, args);
    if (result.isErr()) {
      const e = result.error;
      return err(e.nodeId === undefined ? { ...e, nodeId: i, op: node.op } : e);
    }
    values[i] = result.value;
    computed[i] = (computed[i] as number) + 1;
    for (const a of node.args) {
      const left = (refs[a] as number) - 1;
      refs[a] = left;
      if (left === 0) {
        const v = values[a];
        if (typeof v === 'object') ctx.release(v.values);
        values[a] = undefined;
      }
    }
  }
  const root = values[graph.root];
  if (root === undefined || typeof root === 'number') {
    return err(engineError('invalid_input', 'the root of the graph must be a frame (a position), not a number'));
  }
  return ok({ frame: root, report: { allocated, reused, peakLive, computed } });
}
