import type { FactorGraph, GraphNode } from '@alphaloop/strategy';
import { err, ok, type Result } from 'neverthrow';
import { engineError, fromException, type EngineError } from '../errors.js';
import { validateFrame, type Frame } from '../frame.js';
import { opRecord, type KernelContext, type Value } from '../ops/index.js';
import type { EvaluateOptions, MarketFrames } from './evaluate.js';
import { fieldOn } from './fields.js';
import { checkGraph, readerCounts } from './plan.js';

/**
 * The straightforward evaluator (every node a whole frame, one kernel call per node, in topological order):
 * the reference the streaming evaluator is tested against.
 */
export function evaluateGraphReference(graph: FactorGraph, market: MarketFrames, options: EvaluateOptions = {}): Result<Frame, EngineError> {
  try {
    return validateFrame(market.prices.close, 'close').andThen((grid) => runReference(graph, market, grid, options.reuseBuffers ?? true));
  } catch (e) {
    return err(fromException(e, 'evaluateGraphReference'));
  }
}

function runReference(graph: FactorGraph, market: MarketFrames, grid: Frame, reuse: boolean): Result<Frame, EngineError> {
  const checked = checkGraph(graph);
  if (checked.isErr()) return err(checked.error);
  const reachable = checked.value;
  const nodes = graph.nodes;
  const refs = readerCounts(nodes, reachable, graph.root);
  const rows = grid.dates.length;
  const cols = grid.symbols.length;
  const size = rows * cols;
  // released intermediate buffers are handed out again (frames the kernel did not allocate are never pooled)
  const pool: Float64Array[] = [];
  const owned = new Set<Float64Array>();
  const conformed = new Map<string, Frame>();
  const ctx: KernelContext = {
    grid,
    rows,
    cols,
    resample: graph.options.resample,
    alloc() {
      const b = pool.pop() ?? new Float64Array(size);
      owned.add(b);
      return b;
    },
    release(b) {
      if (owned.delete(b) && reuse) pool.push(b);
    },
    data: (key) => fieldOn(market, grid, key, conformed),
  };

  const values: (Value | undefined)[] = new Array<Value | undefined>(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    if (reachable[i] === 0) continue; // unreachable from the root: never computed
    const node = nodes[i] as GraphNode;
    const at = { nodeId: i, op: node.op };
    const record = opRecord(node.op);
    if (record === undefined) return err(engineError('unsupported_op', `no kernel for op '${node.op}'`, at));
    const args: Value[] = [];
    for (const a of node.args) {
      const v = values[a];
      if (v === undefined) return err(engineError('calculation', `node ${i}: argument ${a} has no value`, at));
      args.push(v);
    }
    const result = record.prepare(node).andThen((op) => op.kernel(ctx, args));
    if (result.isErr()) {
      const e = result.error;
      return err(e.nodeId === undefined ? { ...e, ...at } : e);
    }
    values[i] = result.value;
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
  return ok(root);
}
