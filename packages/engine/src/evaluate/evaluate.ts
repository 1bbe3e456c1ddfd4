import type { FactorGraph, GraphNode } from '@alphaloop/strategy';
import { err, ok, type Result } from 'neverthrow';
import { engineError, fromException, type EngineError } from '../errors.js';
import { reindexFfill, sameGrid, validateFrame, type Frame } from '../frame.js';
import type { PriceFrames } from '../sim/sim.js';
import { KERNELS, type KernelContext, type Value } from './registry.js';
import { markRowOnly, rowDemand } from './row-only.js';
import { STREAMS, type StreamArg, type StreamOp } from './streams.js';
import { PLAIN_MEMORY, WasmArena, type KernelMemory } from '../wasm/arena.js';

/**
 * The market a graph runs on: fields by key (`data.get(key)`), plus the adjusted price frames `sim` needs.
 * The close frame's dates × symbols is the run's grid.
 */
export interface MarketFrames {
  /** Field key → frame. A `ReadonlyMap<string, Frame>` works. */
  readonly fields: { get(key: string): Frame | undefined; keys?(): IterableIterator<string> };
  readonly prices: PriceFrames;
}

/**
 * Whole-frame buffers kept between evaluations by the caller (a research loop runs thousands of backtests on
 * one market): `evaluateGraph` takes its whole frames from the pool and gives back the intermediate ones;
 * the caller gives back the result with `release` when done with it. The buffers live in a WebAssembly
 * arena (`WasmArena`) where the engine's hottest kernels run in WebAssembly SIMD on them in place, and the
 * market fields a graph reads are copied into it once; `{ wasm: false }` (or a runtime without WebAssembly
 * SIMD) keeps plain typed arrays and the TypeScript kernels, which give the same bits.
 */
export class BufferPool {
  private readonly free = new Map<number, Float64Array[]>();
  /** Buffers this pool handed out (only those are pooled again). */
  private readonly own = new WeakSet<Float64Array>();
  /** The arena the buffers live in, if any. */
  readonly arena: WasmArena | undefined;

  constructor(options: { readonly wasm?: boolean } = {}) {
    this.arena = options.wasm === false ? undefined : WasmArena.create();
  }

  take(length: number): Float64Array {
    const pooled = this.free.get(length)?.pop();
    if (pooled !== undefined) return pooled;
    const b = this.arena?.take(length) ?? new Float64Array(length);
    this.own.add(b);
    return b;
  }

  release(buffer: Float64Array): void {
    if (!this.own.has(buffer)) return; // views and foreign buffers are not pooled
    const list = this.free.get(buffer.length);
    if (list === undefined) this.free.set(buffer.length, [buffer]);
    else if (!list.includes(buffer)) list.push(buffer);
  }

  /** Buffers currently held. */
  get size(): number {
    let n = 0;
    for (const l of this.free.values()) n += l.length;
    return n;
  }
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

/**
 * The straightforward evaluator (every node a whole frame, one kernel call per node): the reference the
 * streaming evaluator is tested against.
 */
export function evaluateGraphReference(graph: FactorGraph, market: MarketFrames, options: EvaluateOptions = {}): Result<Frame, EngineError> {
  try {
    return validateFrame(market.prices.close, 'close').andThen((grid) =>
      runReference(graph, market, grid, options.reuseBuffers ?? true).map((r) => r.frame),
    );
  } catch (e) {
    return err(fromException(e, 'evaluateGraphReference'));
  }
}

interface CheckedGraph {
  readonly nodes: readonly GraphNode[];
  readonly count: number;
  readonly reachable: Uint8Array;
  /** Reachable consumers per node (+1 for the root). */
  readonly refs: Int32Array;
}

function checkGraph(graph: FactorGraph): Result<CheckedGraph, EngineError> {
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
  return ok({ nodes, count, reachable, refs });
}

function runReference(
  graph: FactorGraph,
  market: MarketFrames,
  grid: Frame,
  reuse: boolean,
): Result<{ frame: Frame }, EngineError> {
  const checked = checkGraph(graph);
  if (checked.isErr()) return err(checked.error);
  const { nodes, count, reachable, refs } = checked.value;

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
    resample: graph.options.resample,
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
  void allocated;
  void reused;
  void peakLive;
  return ok({ frame: root });
}

/** Looks a field up and puts it on the grid (as-of) when it is on another one; cached per evaluation. */
function fieldOn(market: MarketFrames, grid: Frame, key: string, cache: Map<string, Frame>): Result<Frame, EngineError> {
  const f = market.fields.get(key);
  if (f === undefined) {
    const known = market.fields.keys === undefined ? '' : ` (known: ${[...market.fields.keys()].slice(0, 20).join(', ')})`;
    return err(engineError('data_missing', `no market data for '${key}'${known}`));
  }
  if (sameGrid(f, grid)) return ok(f);
  const cached = cache.get(key);
  if (cached !== undefined) return ok(cached);
  return validateFrame(f, key).map((valid) => {
    const g = reindexFfill(valid, grid.dates, grid.symbols);
    cache.set(key, g);
    return g;
  });
}

const BLOCK_CELLS = 65_536;

function runStreaming(
  graph: FactorGraph,
  market: MarketFrames,
  grid: Frame,
  options: EvaluateOptions,
  memory: KernelMemory,
): Result<{ frame: Frame; report: EvaluationReport }, EngineError> {
  const checked = checkGraph(graph);
  if (checked.isErr()) return err(checked.error);
  const { count, reachable } = checked.value;
  const nodes = skipOrderPreservingRanks(checked.value.nodes, reachable, graph.root);
  const refs = new Int32Array(count);
  for (let i = 0; i < count; i++) if (reachable[i] === 1) for (const a of (nodes[i] as GraphNode).args) refs[a] = (refs[a] as number) + 1;
  refs[graph.root] = (refs[graph.root] as number) + 1;
  const rows = grid.dates.length;
  const cols = grid.symbols.length;
  const blockRows = Math.max(1, Math.min(Math.max(rows, 1), options.blockRows ?? Math.floor(BLOCK_CELLS / Math.max(cols, 1))));
  const reuse = options.reuseBuffers ?? true;
  const conformed = new Map<string, Frame>();

  // 1. leaves and scalars; a stream per frame node (parameters are checked here, before any computing)
  const scalar: (number | undefined)[] = new Array<number | undefined>(count);
  const full: (Float64Array | undefined)[] = new Array<Float64Array | undefined>(count);
  const ops: (StreamOp | undefined)[] = new Array<StreamOp | undefined>(count);
  const scalarCtx: KernelContext = {
    grid, rows, cols, resample: graph.options.resample,
    alloc: () => new Float64Array(0),
    release: () => undefined,
    data: (key) => fieldOn(market, grid, key, conformed),
  };
  for (let i = 0; i < count; i++) {
    if (reachable[i] === 0) continue;
    const node = nodes[i] as GraphNode;
    const at = { nodeId: i, op: node.op };
    if (node.op === 'const' || (node.op !== 'data' && node.args.length > 0 && node.args.every((a) => scalar[a] !== undefined))) {
      const kernel = KERNELS[node.op];
      if (kernel === undefined) return err(engineError('unsupported_op', `no kernel for op '${node.op}'`, at));
      const v = kernel(scalarCtx, node, node.args.map((a) => scalar[a] as number));
      if (v.isErr()) return err(v.error.nodeId === undefined ? { ...v.error, ...at } : v.error);
      if (typeof v.value !== 'number') return err(engineError('calculation', `node ${i}: expected a number`, at));
      scalar[i] = v.value;
      continue;
    }
    if (node.op === 'data') {
      const key = node.params[0];
      if (typeof key !== 'string') return err(engineError('invalid_input', `node ${i} (data): the key must be a string`, at));
      const f = fieldOn(market, grid, key, conformed);
      if (f.isErr()) return err({ ...f.error, ...at });
      // the market's own arrays go into the arena once (the WebAssembly kernels read them in place)
      const arena = options.pool?.arena;
      full[i] = arena !== undefined && !conformed.has(key) ? arena.adopt(f.value.values) : f.value.values;
      continue;
    }
    const maker = STREAMS[node.op];
    if (maker === undefined) return err(engineError('unsupported_op', `no kernel for op '${node.op}'`, at));
    const op = maker(node, { rows, cols, resample: graph.options.resample, memory });
    if (op.isErr()) return err(op.error.nodeId === undefined ? { ...op.error, ...at } : op.error);
    ops[i] = op.value;
  }
  if (scalar[graph.root] !== undefined) {
    return err(engineError('invalid_input', 'the root of the graph must be a frame (a position), not a number'));
  }

  // 2. which nodes run only on some rows: row-wise ops (elementwise, cross-sectional, lags, rolling windows)
  //    all of whose readers are such nodes; each is computed on the rows its readers read (`rowDemand`)
  const rowSet = requestedRows(options.rows, rows);
  if (rowSet.isErr()) return err(rowSet.error);
  const rowOnly =
    rowSet.value === null
      ? new Uint8Array(count)
      : markRowOnly(nodes, graph.root, (i) => ops[i] !== undefined, (i) => ops[i], (i) => reachable[i] === 1);
  const rowsOf = rowSet.value === null ? [] : rowDemand(nodes, rowOnly, graph.root, rowSet.value, rows);
  let rowOnlyNodes = 0;
  for (let i = 0; i < count; i++) rowOnlyNodes += rowOnly[i] as number;

  // 3. storage: whole frames for the root, for inputs read with history and for inputs of row-only nodes;
  //    block slots for the rest, recycled by reference counting in topological order (the same plan serves
  //    every block). Row-only nodes read with history by another row-only node (a lag's input) get a whole
  //    frame too, written on their rows only; other row-only nodes keep just their rows (`runRowOnly`).
  const needsFull = new Uint8Array(count);
  needsFull[graph.root] = 1;
  for (let i = 0; i < count; i++) {
    const op = ops[i];
    if (op === undefined) continue;
    const args = (nodes[i] as GraphNode).args;
    if (op.history) needsFull[args[0] as number] = 1;
    if (rowOnly[i] === 1) for (const a of args) if (rowOnly[a] === 0) needsFull[a] = 1;
  }
  const slotOf = new Int32Array(count).fill(-1);
  const free: number[] = [];
  let slots = 0;
  let reused = 0;
  let fullBuffers = 0;
  for (let i = 0; i < count; i++) {
    if (ops[i] === undefined || rowOnly[i] === 1) continue;
    if (needsFull[i] === 1) {
      full[i] = options.pool === undefined ? new Float64Array(rows * cols) : options.pool.take(rows * cols);
      fullBuffers++;
    } else {
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
  // (pooled too: a fresh buffer costs a page fault per 4 KB on its first write, about as much as the work)
  const blocks = Array.from({ length: slots }, () => (options.pool === undefined ? new Float64Array(blockRows * cols) : options.pool.take(blockRows * cols)));

  // 4. stream the rows through the nodes computed on every row
  const computed = new Int32Array(count);
  const args: StreamArg[] = [];
  for (let t0 = 0; t0 < rows; t0 += blockRows) {
    const t1 = Math.min(rows, t0 + blockRows);
    const lo = t0 * cols;
    const hi = t1 * cols;
    const n = hi - lo;
    for (let i = 0; i < count; i++) {
      const op = ops[i];
      if (op === undefined || rowOnly[i] === 1) continue;
      const node = nodes[i] as GraphNode;
      collectArgs(args, node, op.history, scalar, full, lo, hi, (a) => (blocks[slotOf[a] as number] as Float64Array).subarray(0, n));
      const f = full[i];
      const out = f !== undefined ? f.subarray(lo, hi) : (blocks[slotOf[i] as number] as Float64Array).subarray(0, n);
      op.run(t0, t1, args, out);
      if (t0 === 0) computed[i] = 1;
    }
  }
  // 5. the row-only nodes, each on its rows; rows nobody reads stay NaN in the result
  if (rowSet.value !== null && rowOnlyNodes > 0) {
    // from the pool, always whole frames (one size keeps a research loop's pool bounded); without one, no
    // more than asked for
    const take = (cells: number): Float64Array => {
      fullBuffers++;
      return options.pool === undefined ? new Float64Array(cells) : options.pool.take(rows * cols);
    };
    const give = (b: Float64Array): void => options.pool?.release(b);
    runRowOnly(nodes, ops, scalar, full, rowOnly, needsFull, rowsOf, rows, cols, computed, take, give);
    fillOtherRows(full[graph.root] as Float64Array, rowSet.value, rows, cols);
  }
  let rootValues = full[graph.root];
  if (rootValues === undefined) return err(engineError('calculation', 'the root has no value'));
  if (ops[graph.root] === undefined) {
    // the position is a market field itself: return a copy, so the result is always the caller's own buffer
    const copy = options.pool === undefined ? new Float64Array(rows * cols) : options.pool.take(rows * cols);
    copy.set(rootValues);
    rootValues = copy;
  }
  if (options.pool !== undefined) {
    for (let i = 0; i < count; i++) {
      const f = full[i];
      if (i !== graph.root && ops[i] !== undefined && f !== undefined) options.pool.release(f);
    }
    for (const b of blocks) options.pool.release(b);
  }
  return ok({
    frame: { dates: grid.dates, symbols: grid.symbols, values: rootValues },
    report: { fullBuffers, blockBuffers: slots, reused, blockRows, computed, rowOnlyNodes },
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

/**
 * The arguments of a node for the rows [lo, hi) (cell offsets): numbers as they are, whole frames as views of
 * those rows (or whole, for the history input), anything else from `other` (a block or compact buffer).
 */
function collectArgs(
  args: StreamArg[],
  node: GraphNode,
  history: boolean,
  scalar: readonly (number | undefined)[],
  full: readonly (Float64Array | undefined)[],
  lo: number,
  hi: number,
  other: (node: number) => Float64Array,
): void {
  args.length = 0;
  for (let k = 0; k < node.args.length; k++) {
    const a = node.args[k] as number;
    const sv = scalar[a];
    const f = full[a];
    if (sv !== undefined) args.push(sv);
    else if (f !== undefined) args.push(history && k === 0 ? f : f.subarray(lo, hi));
    else args.push(other(a));
  }
}

/**
 * Runs the row-only nodes in topological order, each on its rows (runs of consecutive rows at a time).
 * A node that `needsFull` (the root, a lag's input) is written into a whole frame on its rows; any other
 * keeps its rows only, compactly (row rows[r] at r·cols), in a buffer recycled once its last reader has
 * run. Buffers come from `take` (the pool's are whole frames: one size, so a research loop's pool stays
 * bounded) and the compact ones go back through `give` at the end.
 */
function runRowOnly(
  nodes: readonly GraphNode[],
  ops: readonly (StreamOp | undefined)[],
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
    const op = ops[i];
    const list = rowsOf[i];
    if (rowOnly[i] !== 1 || op === undefined || list === undefined) continue;
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
      collectArgs(args, node, op.history, scalar, full, t0 * cols, t1 * cols, (a) => compactRows(a, t0, t1));
      op.run(t0, t1, args, whole === undefined ? (own as Float64Array).subarray(r * cols, e * cols) : whole.subarray(t0 * cols, t1 * cols));
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
function fillOtherRows(values: Float64Array, rowList: Int32Array, rows: number, cols: number): void {
  let from = 0;
  for (let r = 0; r <= rowList.length; r++) {
    const t = r < rowList.length ? (rowList[r] as number) : rows;
    if (t > from) values.fill(Number.NaN, from * cols, t * cols);
    from = t + 1;
  }
}

/**
 * `rank()` is strictly increasing within a row (equal values get equal ranks, NaN stays NaN), so a rank read
 * only by order-based selections — isLargest/isSmallest, directly or through `where` masks — selects exactly
 * the cells its input would. Those readers are pointed at the rank's input and the rank is not computed
 * (the common `score.rank().where(entry).isLargest(n)`). Returns the nodes with rewritten args.
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
