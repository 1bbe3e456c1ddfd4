import type { FactorGraph, GraphNode } from '@alphaloop/strategy';
import { err, ok, type Result } from 'neverthrow';
import { engineError, fromException, type EngineError } from '../errors.js';
import { validateFrame, type Frame } from '../frame.js';
import { opRecord, type KernelContext, type OpRecord, type OpTraits, type StreamArg, type StreamContext, type StreamRun } from '../ops/index.js';
import type { PriceFrames } from '../sim/sim.js';
import { PLAIN_MEMORY, type KernelMemory } from '../wasm/arena.js';
import { fieldOn } from './fields.js';
import { planEvaluation } from './plan.js';
import type { BufferPool } from './pool.js';
import { rowDemand } from './row-only.js';
import { fillOtherRows, runRowOnly } from './row-only-run.js';
import { collectArgs } from './stream-args.js';

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
  /** Whole-frame buffers to reuse across evaluations (see `BufferPool`). */
  readonly pool?: BufferPool;
  /** Rows per block of the streaming evaluator (default: about 65,536 cells per block). */
  readonly blockRows?: number;
  /**
   * The only rows of the result the caller will read (ascending row indexes; `sim` with a resample reads
   * just its rebalance rows, see `positionRowsRead`). Operations whose row t depends only on input rows
   * (elementwise, cross-sectional, lags) and that feed the result through such operations only are then
   * computed on these rows alone; every other row of the result is NaN. Default: every row.
   */
  readonly rows?: ArrayLike<number>;
}

/** Memory figures of one evaluation (for tests and the benchmark). */
export interface EvaluationReport {
  /**
   * Whole-frame buffers taken: the inputs of time-series operations, the result, and (with `rows`) the
   * buffers of the row-only nodes (from a pool always whole frames, so its sizes stay few).
   */
  readonly fullBuffers: number;
  /** Block buffers allocated (each rows-per-block × symbols). */
  readonly blockBuffers: number;
  /** Times a node was given a recycled block buffer. */
  readonly reused: number;
  /** Rows per block. */
  readonly blockRows: number;
  /** Nodes computed only on the requested `rows` (0 when every row is computed). */
  readonly rowOnlyNodes: number;
  /** How many times each node was computed (always 1: shared nodes are computed once). */
  readonly computed: Int32Array;
}

/**
 * Evaluates a factor graph on a market and returns the root (position) frame. Nodes are visited once in
 * topological order, so a node shared by several consumers is computed once. Evaluation streams over blocks
 * of rows (about 64 k cells each): a node whose consumers only read the current rows keeps just one block
 * buffer, and block buffers are recycled as soon as their last consumer has run (reference counting), so
 * memory is bounded by the graph's width times a block, plus whole frames only for the inputs of
 * time-series operations and for the result. Fields whose grid differs from the close frame's are put on it
 * first (as-of: each trading day takes the last row published on or before it). Never throws.
 */
export function evaluateGraph(graph: FactorGraph, market: MarketFrames, options: EvaluateOptions = {}): Result<Frame, EngineError> {
  return evaluateGraphWithReport(graph, market, options).map((r) => r.frame);
}

export function evaluateGraphWithReport(
  graph: FactorGraph,
  market: MarketFrames,
  options: EvaluateOptions = {},
): Result<{ frame: Frame; report: EvaluationReport }, EngineError> {
  const arena = options.pool?.arena;
  const state: Float64Array[] = [];
  // kernel state lives in the arena for this evaluation only
  const memory: KernelMemory =
    arena === undefined
      ? PLAIN_MEMORY
      : {
          wasm: arena.wasm,
          pointer: (view) => arena.pointer(view),
          alloc: (length) => {
            const b = arena.alloc(length);
            state.push(b);
            return b;
          },
        };
  try {
    return validateFrame(market.prices.close, 'close').andThen((grid) => runStreaming(graph, market, grid, options, memory));
  } catch (e) {
    return err(fromException(e, 'evaluateGraph'));
  } finally {
    for (const b of state) arena?.release(b);
  }
}

function runStreaming(
  graph: FactorGraph,
  market: MarketFrames,
  grid: Frame,
  options: EvaluateOptions,
  memory: KernelMemory,
): Result<{ frame: Frame; report: EvaluationReport }, EngineError> {
  const rows = grid.dates.length;
  const cols = grid.symbols.length;
  const rowSet = requestedRows(options.rows, rows);
  if (rowSet.isErr()) return err(rowSet.error);
  const planned = planEvaluation(graph, {
    rows, cols, someRows: rowSet.value !== null,
    ...(options.blockRows === undefined ? {} : { blockRows: options.blockRows }),
    ...(options.reuseBuffers === undefined ? {} : { reuseBuffers: options.reuseBuffers }),
  });
  if (planned.isErr()) return err(planned.error);
  const plan = planned.value;
  const { nodes, reachable, traits, rowOnly, needsFull, slotOf, blockRows } = plan;
  const count = nodes.length;
  const conformed = new Map<string, Frame>();

  // 1. numbers and leaves; a stream per streamed node (parameters are checked here, before any computing)
  const scalar: (number | undefined)[] = new Array<number | undefined>(count);
  const full: (Float64Array | undefined)[] = new Array<Float64Array | undefined>(count);
  const streams: (StreamRun | undefined)[] = new Array<StreamRun | undefined>(count);
  const scalarCtx: KernelContext = {
    grid, rows, cols, resample: graph.options.resample,
    alloc: () => new Float64Array(0),
    release: () => undefined,
    data: (key) => fieldOn(market, grid, key, conformed),
  };
  const streamCtx: StreamContext = { rows, cols, resample: graph.options.resample, memory };
  for (let i = 0; i < count; i++) {
    if (reachable[i] === 0) continue;
    const node = nodes[i] as GraphNode;
    const at = { nodeId: i, op: node.op };
    const prepared = (opRecord(node.op) as OpRecord).prepare(node);
    if (prepared.isErr()) return err(prepared.error.nodeId === undefined ? { ...prepared.error, ...at } : prepared.error);
    if (plan.scalar[i] === 1) {
      const v = prepared.value.kernel(scalarCtx, node.args.map((a) => scalar[a] as number));
      if (v.isErr()) return err(v.error.nodeId === undefined ? { ...v.error, ...at } : v.error);
      if (typeof v.value !== 'number') return err(engineError('calculation', `node ${i}: expected a number`, at));
      scalar[i] = v.value;
    } else if (node.op === 'data') {
      const key = String(node.params[0]);
      const f = fieldOn(market, grid, key, conformed);
      if (f.isErr()) return err({ ...f.error, ...at });
      // the market's own arrays go into the arena once (the WebAssembly kernels read them in place)
      const arena = options.pool?.arena;
      full[i] = arena !== undefined && !conformed.has(key) ? arena.adopt(f.value.values) : f.value.values;
    } else {
      const stream = prepared.value.stream;
      if (stream === undefined) return err(engineError('unsupported_op', `no stream for op '${node.op}'`, at));
      streams[i] = stream(streamCtx);
    }
  }
  // the rows each row-only node is computed on (`rowDemand`)
  const rowsOf = rowSet.value === null ? [] : rowDemand(nodes, traits, rowOnly, plan.root, rowSet.value, rows);

  // 2. storage as planned: whole frames, and block slots recycled by reference counting (the same slots
  //    serve every block); row-only nodes get theirs as they run (`runRowOnly`)
  let fullBuffers = 0;
  for (let i = 0; i < count; i++) {
    if (streams[i] === undefined || rowOnly[i] === 1 || needsFull[i] === 0) continue;
    full[i] = options.pool === undefined ? new Float64Array(rows * cols) : options.pool.take(rows * cols);
    fullBuffers++;
  }
  // (pooled too: a fresh buffer costs a page fault per 4 KB on its first write, about as much as the work)
  const blocks = Array.from({ length: plan.slots }, () =>
    options.pool === undefined ? new Float64Array(blockRows * cols) : options.pool.take(blockRows * cols),
  );

  // 3. stream the rows through the nodes computed on every row
  const computed = new Int32Array(count);
  const args: StreamArg[] = [];
  for (let t0 = 0; t0 < rows; t0 += blockRows) {
    const t1 = Math.min(rows, t0 + blockRows);
    const lo = t0 * cols;
    const hi = t1 * cols;
    const n = hi - lo;
    for (let i = 0; i < count; i++) {
      const run = streams[i];
      if (run === undefined || rowOnly[i] === 1) continue;
      const node = nodes[i] as GraphNode;
      collectArgs(args, node, (traits[i] as OpTraits).past, scalar, full, lo, hi, (a) => (blocks[slotOf[a] as number] as Float64Array).subarray(0, n));
      const f = full[i];
      run(t0, t1, args, f !== undefined ? f.subarray(lo, hi) : (blocks[slotOf[i] as number] as Float64Array).subarray(0, n));
      if (t0 === 0) computed[i] = 1;
    }
  }
  // 4. the row-only nodes, each on its rows; rows nobody reads stay NaN in the result
  if (rowSet.value !== null && plan.rowOnlyNodes > 0) {
    // from the pool, always whole frames (one size keeps a research loop's pool bounded); without one, no
    // more than asked for
    const take = (cells: number): Float64Array => {
      fullBuffers++;
      return options.pool === undefined ? new Float64Array(cells) : options.pool.take(rows * cols);
    };
    const give = (b: Float64Array): void => options.pool?.release(b);
    runRowOnly(nodes, streams, traits, scalar, full, rowOnly, needsFull, rowsOf, rows, cols, computed, take, give);
    fillOtherRows(full[plan.root] as Float64Array, rowSet.value, rows, cols);
  }
  let rootValues = full[plan.root];
  if (rootValues === undefined) return err(engineError('calculation', 'the root has no value'));
  if (streams[plan.root] === undefined) {
    // the position is a market field itself: return a copy, so the result is always the caller's own buffer
    const copy = options.pool === undefined ? new Float64Array(rows * cols) : options.pool.take(rows * cols);
    copy.set(rootValues);
    rootValues = copy;
  }
  if (options.pool !== undefined) {
    for (let i = 0; i < count; i++) {
      const f = full[i];
      if (i !== plan.root && streams[i] !== undefined && f !== undefined) options.pool.release(f);
    }
    for (const b of blocks) options.pool.release(b);
  }
  return ok({
    frame: { dates: grid.dates, symbols: grid.symbols, values: rootValues },
    report: { fullBuffers, blockBuffers: plan.slots, reused: plan.reused, blockRows, computed, rowOnlyNodes: plan.rowOnlyNodes },
  });
}

/** The requested rows as a sorted, de-duplicated list, or null for every row. */
function requestedRows(requested: ArrayLike<number> | undefined, rows: number): Result<Int32Array | null, EngineError> {
  if (requested === undefined) return ok(null);
  const out = new Int32Array(requested.length);
  let n = 0;
  for (let k = 0; k < requested.length; k++) {
    const t = requested[k] as number;
    if (!(Number.isInteger(t) && t >= 0 && t < rows)) {
      return err(engineError('invalid_input', `requested row ${String(t)} is not a row of the ${rows}-row grid`));
    }
    if (n > 0 && t <= (out[n - 1] as number)) {
      if (t === out[n - 1]) continue;
      return err(engineError('invalid_input', 'requested rows must be in ascending order'));
    }
    out[n++] = t;
  }
  return ok(n === rows ? null : out.subarray(0, n));
}


