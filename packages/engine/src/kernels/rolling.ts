/**
 * Rolling-window kernels down each column of a row-major (rows × cols) matrix, no per-cell allocation.
 * Windows count rows and include the current row.
 *
 * Each kernel exists as a stream: a factory holding per-column state and a `run(x, t0, t1, out)` that
 * computes rows [t0, t1). `x` is the whole input (rows before t0 are read for the window), `out` receives
 * rows t0..t1−1 at out[(t − t0)·cols + s]. Any row range may be asked for, in any order: a stream resumes
 * from its state when asked for the row after the last one it computed (or a few rows later), and otherwise
 * rebuilds its state from the input rows of the window, so a caller that reads only some rows (a monthly
 * rebalance) pays for about one window per row it asks for. The values never depend on the order of the
 * calls: row t is always the same arithmetic on the same input rows. The `…Kernel` functions are the
 * one-call form.
 *
 * Rows are cut into blocks of `window` rows (block k = rows [k·window, (k + 1)·window)). Standard
 * deviations and extremes use the van Herk / Gil-Werman decomposition: a window ending at row t is the
 * suffix of the previous block from row t − window + 1 (accumulated from the block's end backwards) plus the
 * prefix of t's block up to t (accumulated forwards). Sums use it too under monthly and quarterly
 * rebalances, and otherwise record the prefix sums of the previous block (`RollingSum`, `sumMethodFor`). No
 * value ever leaves a running accumulator, so nothing cancels or drifts, whatever the series' length.
 */

import type { Resample } from '@alphaloop/strategy';
import { PLAIN_MEMORY, type KernelMemory, type WasmKernels } from '../wasm/arena.js';

export type HistoryStream = (x: Float64Array, t0: number, t1: number, out: Float64Array) => void;

/**
 * The driver of a window kernel whose every row can be computed from the input alone: `step(x, t, emit,
 * out, w)` moves the state through row t (and writes row t at out[w…] when `emit`); `seed(x, t)` rebuilds the
 * state a stream has just before row t from the input rows. The kernels are classes, not closures, so the hot
 * calls always reach the same function: V8 inlines them once and does not throw its optimised code away for
 * each new stream.
 */
abstract class Resumable {
  /** The row the state is ready for; −1 after a row computed alone (the state was not kept). */
  private next = 0;
  /** The last row asked for. */
  private last = Number.NEGATIVE_INFINITY;

  /** The WebAssembly kernels, once a subclass has put all its state in their memory (`stateAt`). */
  protected wasm: WasmKernels | undefined = undefined;

  constructor(protected readonly cols: number, protected readonly window: number, protected readonly memory: KernelMemory) {}

  /** The state's byte offsets in the WebAssembly memory; the kernels run there only when all of it is. */
  protected stateAt<T extends readonly number[]>(at: T): T {
    this.wasm = at.every((p) => p >= 0) ? this.memory.wasm : undefined;
    return at;
  }

  protected abstract step(x: Float64Array, t: number, emit: boolean, out: Float64Array, w: number): void;
  protected abstract seed(x: Float64Array, t: number): void;
  /**
   * Row t into out[w…] from the input alone, with the arithmetic `seed` then `step` would do, in the same
   * order (so the same bits), but a column at a time with the running values in registers and nothing
   * stored: a lone row (a monthly rebalance) costs about half as much as rebuilding the state.
   */
  protected abstract alone(x: Float64Array, t: number, out: Float64Array, w: number): void;
  /** Row visits of `seed(x, t)`, and of one `step`: the driver steps through a gap when that is cheaper. */
  protected abstract seedCost(t: number): number;
  protected abstract readonly stepCost: number;
  /**
   * Whether a lone row is computed `alone` (cheaper in TypeScript) rather than by rebuilding the state
   * (cheaper in WebAssembly, whose rows are a few SIMD passes). The bits are the same either way.
   */
  protected lonesAlone(x: Float64Array): boolean {
    return this.wasm === undefined || this.memory.pointer(x) < 0;
  }

  /**
   * Rows [t0, t1) into out. From the state after the last row computed, a few rows later are reached by
   * stepping through the gap; a single row far from it is computed alone; anything else rebuilds the state
   * from the window's input rows.
   */
  run(x: Float64Array, t0: number, t1: number, out: Float64Array): void {
    const last = this.last;
    this.last = t1 - 1;
    if (t0 !== this.next) {
      if (this.next >= 0 && t0 > this.next && this.stepCost * (t0 - this.next) < this.seedCost(t0)) {
        for (let t = this.next; t < t0; t++) this.step(x, t, false, out, 0);
      } else if (t1 - t0 === 1 && (t0 < last || t0 - last >= this.window) && this.lonesAlone(x)) {
        // a lone row, a window or more after the last one asked for (rows close together are streamed)
        this.alone(x, t0, out, 0);
        this.next = -1;
        return;
      } else this.seed(x, t0);
    }
    for (let t = t0; t < t1; t++) this.step(x, t, true, out, (t - t0) * this.cols);
    this.next = t1;
  }
}

/** The winner of `u` (the extreme so far) and `v`, as `extreme` picks it (see there). */
function pickExtreme(isMax: boolean, pick: Float64Array, u: number, v: number): number {
  pick[0] = v;
  pick[1] = u;
  return u === u ? (pick[+(isMax ? u > v : u < v)] as number) : u;
}

/**
 * The van Herk / Gil-Werman decomposition (see above). Subclasses say how a row enters the prefix
 * (`addPrefix`, started afresh at a block's first row), how the suffix of row r is made from row r and the
 * suffix of row r + 1 (`addSuffix`, from nothing at a block's last row) and how a window is read out (`emit`).
 */
abstract class BlockWindow extends Resumable {
  protected readonly stepCost = 2; // the row enters the prefix, and later its block's suffixes

  protected abstract addPrefix(x: Float64Array, r: number): void;
  protected abstract addSuffix(x: Float64Array, r: number): void;
  /** Writes the window ending at row t to out[w…]; the prefix holds t's block up to t. */
  protected abstract emit(t: number, out: Float64Array, w: number): void;

  protected seedCost(): number {
    return this.window - 1;
  }

  /** Whether the window ending at row t takes a suffix of the previous block (else it is t's prefix). */
  protected readsPreviousBlock(t: number): boolean {
    return t >= this.window && t % this.window !== this.window - 1;
  }

  protected step(x: Float64Array, t: number, emit: boolean, out: Float64Array, w: number): void {
    this.addPrefix(x, t);
    if (emit) this.emit(t, out, w);
    // a block is complete: the suffixes of its rows, from its end backwards
    if (t % this.window === this.window - 1) for (let r = t; r > t - this.window; r--) this.addSuffix(x, r);
  }

  /** t's block up to t − 1, and the previous block's suffixes that windows from row t on read (rows
   *  t − window + 1 … the block's end). */
  protected seed(x: Float64Array, t: number): void {
    const start = t - (t % this.window);
    for (let r = start; r < t; r++) this.addPrefix(x, r);
    if (start >= this.window) for (let r = start - 1; r > t - this.window; r--) this.addSuffix(x, r);
  }
}

const streamOf = (kernel: Resumable): HistoryStream => (x, t0, t1, out) => kernel.run(x, t0, t1, out);

/**
 * Rolling sum or mean with `minPeriods` valid values required (NaNs inside the window are skipped, as in
 * pandas). Rows are cut into blocks of `window` rows; per column, the running sum and valid count of the
 * current block's prefix are recorded at every row, for this block and the previous one. A window ending
 * at row t (index j in its block) is the previous block's part after its row j plus the current prefix:
 * (total − recorded[j]) + prefix, or the prefix alone in the first block and when the window is exactly one
 * block. One pass, one visit per row; accumulators restart every block, so nothing drifts, and the
 * difference of two sums over at most one block loses no more than summing the window directly would.
 */
class RollingSum extends Resumable {
  protected readonly stepCost = 1;
  private readonly preSum: Float64Array;
  private readonly preCount: Float64Array;
  /** Prefix sums and counts by block parity, row in block and symbol: [(parity · window + j) · cols + s]. */
  private readonly recordedSum: Float64Array;
  private readonly recordedCount: Float64Array;
  /** The state's byte offsets in the WebAssembly memory. */
  private readonly at: readonly [number, number, number, number];

  constructor(
    cols: number, window: number, private readonly minPeriods: number, private readonly mean: boolean,
    memory: KernelMemory,
  ) {
    super(cols, window, memory);
    this.preSum = memory.alloc(cols);
    this.preCount = memory.alloc(cols);
    this.recordedSum = memory.alloc(2 * window * cols);
    this.recordedCount = memory.alloc(2 * window * cols);
    this.at = this.stateAt([memory.pointer(this.preSum), memory.pointer(this.preCount), memory.pointer(this.recordedSum), memory.pointer(this.recordedCount)]);
  }

  /** The previous block (when windows from t on reach into it) and t's block up to t − 1. */
  protected seedCost(t: number): number {
    const j = t % this.window;
    return (t >= this.window && j < this.window - 1 ? this.window : 0) + j;
  }

  protected seed(x: Float64Array, t: number): void {
    const j = t % this.window;
    const from = t >= this.window && j < this.window - 1 ? t - j - this.window : t - j;
    for (let r = from; r < t; r++) this.addRow(x, r);
  }

  protected step(x: Float64Array, t: number, emit: boolean, out: Float64Array, w: number): void {
    this.addRow(x, t);
    if (emit) this.emit(t, out, w);
  }

  protected alone(x: Float64Array, t: number, out: Float64Array, w: number): void {
    const { cols, window, minPeriods, mean } = this;
    const j = t % window;
    const start = t - j;
    const withPrevious = !(t < window || j === window - 1);
    const from = withPrevious ? start - window : start;
    for (let s = 0; s < cols; s++) {
      // the previous block's prefix sums at its row j and at its end, then t's block up to t
      let sum = 0;
      let n = 0;
      let before = 0;
      let beforeN = 0;
      let total = 0;
      let totalN = 0;
      for (let r = from; r <= t; r++) {
        if (r === start) {
          total = sum;
          totalN = n;
          sum = 0;
          n = 0;
        }
        const v = x[r * cols + s] as number;
        if (v === v) {
          sum = sum + v;
          n++;
        }
        if (r === from + j && withPrevious) {
          before = sum;
          beforeN = n;
        }
      }
      const count = withPrevious ? totalN - beforeN + n : n;
      const value = withPrevious ? total - before + sum : sum;
      out[w + s] = count >= minPeriods ? (mean ? value / count : value) : Number.NaN;
    }
  }

  private addRow(x: Float64Array, r: number): void {
    const { cols, window, preSum, preCount, recordedSum, recordedCount, wasm } = this;
    const o = r * cols;
    const j = r % window;
    const at = ((Math.floor(r / window) & 1) * window + j) * cols;
    const px = wasm === undefined ? -1 : this.memory.pointer(x);
    if (wasm !== undefined && px >= 0) {
      const [pSum, pCount, pRecSum, pRecCount] = this.at;
      wasm.sumAddRow(px + 8 * o, pSum, pCount, pRecSum + 8 * at, pRecCount + 8 * at, cols, j === 0 ? 1 : 0);
      return;
    }
    if (j === 0) {
      preSum.fill(0);
      preCount.fill(0);
    }
    for (let s = 0; s < cols; s++) {
      const v = x[o + s] as number;
      let sum = preSum[s] as number;
      let n = preCount[s] as number;
      if (v === v) {
        sum = sum + v;
        n++;
        preSum[s] = sum;
        preCount[s] = n;
      }
      recordedSum[at + s] = sum;
      recordedCount[at + s] = n;
    }
  }

  private emit(t: number, out: Float64Array, w: number): void {
    const { cols, window, minPeriods, mean, preSum, preCount, recordedSum, recordedCount, wasm } = this;
    const j = t % window;
    const po = wasm === undefined ? -1 : this.memory.pointer(out);
    if (wasm !== undefined && po >= 0) {
      const [pSum, pCount, pRecSum, pRecCount] = this.at;
      const withPrevious = !(t < window || j === window - 1);
      const previous = ((Math.floor(t / window) - 1) & 1) * window * cols;
      const total = 8 * (previous + (window - 1) * cols);
      const before = 8 * (previous + j * cols);
      wasm.sumEmit(
        po + 8 * w, pSum, pCount, pRecSum + total, pRecCount + total, pRecSum + before, pRecCount + before,
        cols, withPrevious ? 1 : 0, minPeriods, mean ? 1 : 0,
      );
      return;
    }
    if (t < window || j === window - 1) {
      for (let s = 0; s < cols; s++) {
        const n = preCount[s] as number;
        out[w + s] = n >= minPeriods ? (mean ? (preSum[s] as number) / n : (preSum[s] as number)) : Number.NaN;
      }
      return;
    }
    const previous = ((Math.floor(t / window) - 1) & 1) * window * cols;
    const total = previous + (window - 1) * cols;
    const before = previous + j * cols;
    for (let s = 0; s < cols; s++) {
      const n = (recordedCount[total + s] as number) - (recordedCount[before + s] as number) + (preCount[s] as number);
      const v = (recordedSum[total + s] as number) - (recordedSum[before + s] as number) + (preSum[s] as number);
      out[w + s] = n >= minPeriods ? (mean ? v / n : v) : Number.NaN;
    }
  }
}

/** The same sums by block suffixes: window = suffix + prefix (the prefix alone in the first block and when
 *  the window is exactly one block). */
class RollingSumBlocks extends BlockWindow {
  private readonly preSum: Float64Array;
  private readonly preCount: Float64Array;
  private readonly sufSum: Float64Array; // by row % window, for the previous block
  private readonly sufCount: Float64Array;
  /** The state's byte offsets in the WebAssembly memory, and of `cols` zeros (the window read-out subtracts them). */
  private readonly at: readonly [number, number, number, number, number];

  constructor(
    cols: number, window: number, private readonly minPeriods: number, private readonly mean: boolean,
    memory: KernelMemory,
  ) {
    super(cols, window, memory);
    this.preSum = memory.alloc(cols);
    this.preCount = memory.alloc(cols);
    this.sufSum = memory.alloc(window * cols);
    this.sufCount = memory.alloc(window * cols);
    const zeros = memory.alloc(cols);
    this.at = this.stateAt([
      memory.pointer(this.preSum), memory.pointer(this.preCount), memory.pointer(this.sufSum), memory.pointer(this.sufCount), memory.pointer(zeros),
    ]);
  }

  protected addPrefix(x: Float64Array, r: number): void {
    const { cols, preSum, preCount, wasm } = this;
    const o = r * cols;
    const px = wasm === undefined ? -1 : this.memory.pointer(x);
    if (wasm !== undefined && px >= 0) {
      // the prefix recorded onto itself: the recorded-prefix kernel's row update, nothing else kept
      const [pSum, pCount] = this.at;
      wasm.sumAddRow(px + 8 * o, pSum, pCount, pSum, pCount, cols, r % this.window === 0 ? 1 : 0);
      return;
    }
    if (r % this.window === 0) {
      preSum.fill(0);
      preCount.fill(0);
    }
    for (let s = 0; s < cols; s++) {
      const v = x[o + s] as number;
      if (v === v) {
        preSum[s] = (preSum[s] as number) + v;
        preCount[s] = (preCount[s] as number) + 1;
      }
    }
  }

  protected addSuffix(x: Float64Array, r: number): void {
    const { cols, sufSum, sufCount, wasm } = this;
    const o = r * cols;
    const k = (r % this.window) * cols;
    const last = r % this.window === this.window - 1;
    const px = wasm === undefined ? -1 : this.memory.pointer(x);
    if (wasm !== undefined && px >= 0) {
      wasm.sumAddSuffix(px + 8 * o, this.at[2] + 8 * k, this.at[3] + 8 * k, 8 * cols, cols, last ? 1 : 0);
      return;
    }
    if (last) {
      for (let s = 0; s < cols; s++) {
        const v = x[o + s] as number;
        const valid = v === v;
        sufSum[k + s] = valid ? 0 + v : 0;
        sufCount[k + s] = valid ? 1 : 0;
      }
      return;
    }
    const after = k + cols;
    for (let s = 0; s < cols; s++) {
      const v = x[o + s] as number;
      if (v === v) {
        sufSum[k + s] = v + (sufSum[after + s] as number);
        sufCount[k + s] = (sufCount[after + s] as number) + 1;
      } else {
        sufSum[k + s] = sufSum[after + s] as number;
        sufCount[k + s] = sufCount[after + s] as number;
      }
    }
  }

  protected alone(x: Float64Array, t: number, out: Float64Array, w: number): void {
    const { cols, window, minPeriods, mean } = this;
    const start = t - (t % window);
    const withSuffix = this.readsPreviousBlock(t);
    for (let s = 0; s < cols; s++) {
      // the previous block's suffix from its end down to row t − window + 1, then t's block up to t
      let suffix = 0;
      let suffixN = 0;
      if (withSuffix) {
        for (let r = start - 1; r > t - window; r--) {
          const v = x[r * cols + s] as number;
          if (v === v) {
            suffix = r === start - 1 ? 0 + v : v + suffix;
            suffixN++;
          }
        }
      }
      let sum = 0;
      let n = 0;
      for (let r = start; r <= t; r++) {
        const v = x[r * cols + s] as number;
        if (v === v) {
          sum = sum + v;
          n++;
        }
      }
      const count = withSuffix ? suffixN + n : n;
      const value = withSuffix ? suffix + sum : sum;
      out[w + s] = count >= minPeriods ? (mean ? value / count : value) : Number.NaN;
    }
  }

  protected emit(t: number, out: Float64Array, w: number): void {
    const { cols, window, minPeriods, mean, preSum, preCount, sufSum, sufCount, wasm } = this;
    const po = wasm === undefined ? -1 : this.memory.pointer(out);
    if (wasm !== undefined && po >= 0) {
      const withSuffix = this.readsPreviousBlock(t);
      const k = withSuffix ? 8 * ((t - window + 1) % window) * cols : 0;
      const [pSum, pCount, sSum, sCount, zeros] = this.at;
      wasm.sumEmit(po + 8 * w, pSum, pCount, sSum + k, sCount + k, zeros, zeros, cols, withSuffix ? 1 : 0, minPeriods, mean ? 1 : 0);
      return;
    }
    if (!this.readsPreviousBlock(t)) {
      for (let s = 0; s < cols; s++) {
        const n = preCount[s] as number;
        out[w + s] = n >= minPeriods ? (mean ? (preSum[s] as number) / n : (preSum[s] as number)) : Number.NaN;
      }
      return;
    }
    const k = ((t - window + 1) % window) * cols;
    for (let s = 0; s < cols; s++) {
      const n = (sufCount[k + s] as number) + (preCount[s] as number);
      const v = (sufSum[k + s] as number) + (preSum[s] as number);
      out[w + s] = n >= minPeriods ? (mean ? v / n : v) : Number.NaN;
    }
  }
}

/** How a rolling sum is decomposed; both give the same values to rounding, each the same bits on every path. */
export type SumMethod = 'blocks' | 'recorded';

/** Trading rows between two rebalances of a resample (1: every row is read). */
const ROWS_PER_REBALANCE: Readonly<Record<string, number>> = { D: 1, W: 5, M: 21, Q: 63 };

/**
 * The sum for a window under a strategy's resample. Rebalances a window or more apart read lone rows, which
 * block suffixes give for about one window of row visits (recorded prefixes: one and a half); closer ones
 * are streamed, one visit per row with recorded prefixes (block suffixes: two). The choice depends on the
 * strategy alone, never on which rows are asked for, so full and row-only evaluation agree to the bit.
 */
export function sumMethodFor(window: number, resample: Resample | null | undefined): SumMethod {
  const gap = resample === null || resample === undefined ? 1 : (ROWS_PER_REBALANCE[resample] ?? 1);
  return gap >= window ? 'blocks' : 'recorded';
}

/**
 * `rollingMean`/`rollingSum`: minPeriods = window; FinLab `average(n)`: minPeriods = max(1, floor(n/2)).
 * `method`: see `sumMethodFor` (default: as for a strategy without a resample).
 */
export function rollingSumStream(
  cols: number, window: number, minPeriods: number, mean: boolean, method: SumMethod = sumMethodFor(window, null),
  memory: KernelMemory = PLAIN_MEMORY,
): HistoryStream {
  return streamOf(
    method === 'blocks' ? new RollingSumBlocks(cols, window, minPeriods, mean, memory) : new RollingSum(cols, window, minPeriods, mean, memory),
  );
}

/** (`memory`: see `KernelMemory`; state it allocates is the caller's to give back.) */
export function rollingSumKernel(
  x: Float64Array, rows: number, cols: number, window: number, minPeriods: number, mean: boolean, out: Float64Array,
  method?: SumMethod, memory?: KernelMemory,
): void {
  rollingSumStream(cols, window, minPeriods, mean, method, memory)(x, 0, rows, out);
}

/**
 * Rolling sample standard deviation (ddof = 1) with `minPeriods` valid values (≥ 2 needed). The prefix and
 * suffix keep Welford's count, mean and sum of squared deviations; a window combines them by Chan et al.'s
 * pairwise formula (M2 = M2a + M2b + δ²·na·nb/n). Nothing is ever removed, so a window of equal values gives
 * exactly 0 (as pandas) and a large value leaving the window cannot cancel the others out.
 */
class RollingStd extends BlockWindow {
  private readonly preN: Float64Array;
  private readonly preMean: Float64Array;
  private readonly preM2: Float64Array;
  /** The previous block's suffix statistics, by row % window and symbol: [(r % window) · cols + s]. */
  private readonly sufN: Float64Array;
  private readonly sufMean: Float64Array;
  private readonly sufM2: Float64Array;
  /** 1/n for n ≤ window: Welford's updates multiply instead of dividing (a division costs several multiplies). */
  private readonly inverse: Float64Array;
  /** The state's byte offsets in the WebAssembly memory. */
  private readonly at: readonly [number, number, number, number, number, number];

  constructor(cols: number, window: number, private readonly minPeriods: number, memory: KernelMemory) {
    super(cols, window, memory);
    this.inverse = Float64Array.from({ length: window + 1 }, (_, n) => (n === 0 ? 0 : 1 / n));
    this.preN = memory.alloc(cols);
    this.preMean = memory.alloc(cols);
    this.preM2 = memory.alloc(cols);
    this.sufN = memory.alloc(window * cols);
    this.sufMean = memory.alloc(window * cols);
    this.sufM2 = memory.alloc(window * cols);
    const { preN, preMean, preM2, sufN, sufMean, sufM2 } = this;
    this.at = this.stateAt([memory.pointer(preN), memory.pointer(preMean), memory.pointer(preM2), memory.pointer(sufN), memory.pointer(sufMean), memory.pointer(sufM2)]);
  }

  protected addPrefix(x: Float64Array, r: number): void {
    const { cols, preN, preMean, preM2, inverse, wasm } = this;
    const o = r * cols;
    const px = wasm === undefined ? -1 : this.memory.pointer(x);
    if (wasm !== undefined && px >= 0) {
      wasm.stdAddPrefix(px + 8 * o, this.at[0], this.at[1], this.at[2], cols, r % this.window === 0 ? 1 : 0);
      return;
    }
    if (r % this.window === 0) {
      preN.fill(0);
      preMean.fill(0);
      preM2.fill(0);
    }
    for (let s = 0; s < cols; s++) {
      const v = x[o + s] as number;
      if (v === v) {
        const n = (preN[s] as number) + 1;
        const mu = preMean[s] as number;
        const d = v - mu;
        const mu1 = mu + d * (inverse[n] as number);
        preM2[s] = (preM2[s] as number) + d * (v - mu1);
        preMean[s] = mu1;
        preN[s] = n;
      }
    }
  }

  protected addSuffix(x: Float64Array, r: number): void {
    const { cols, sufN, sufMean, sufM2, inverse, wasm } = this;
    const o = r * cols;
    const k = (r % this.window) * cols;
    const last = r % this.window === this.window - 1;
    const px = wasm === undefined ? -1 : this.memory.pointer(x);
    if (wasm !== undefined && px >= 0) {
      wasm.stdAddSuffix(px + 8 * o, this.at[3] + 8 * k, this.at[4] + 8 * k, this.at[5] + 8 * k, 8 * cols, cols, last ? 1 : 0);
      return;
    }
    if (last) {
      for (let s = 0; s < cols; s++) {
        const v = x[o + s] as number;
        const valid = v === v;
        sufN[k + s] = valid ? 1 : 0;
        sufMean[k + s] = valid ? 0 + v : 0;
        sufM2[k + s] = 0;
      }
      return;
    }
    for (let s = 0, c = k, a = k + cols; s < cols; s++, c++, a++) {
      const v = x[o + s] as number;
      const n0 = sufN[a] as number;
      const mu = sufMean[a] as number;
      const q = sufM2[a] as number;
      if (v === v) {
        const n = n0 + 1;
        const d = v - mu;
        const mu1 = mu + d * (inverse[n] as number);
        sufN[c] = n;
        sufMean[c] = mu1;
        sufM2[c] = q + d * (v - mu1);
      } else {
        sufN[c] = n0;
        sufMean[c] = mu;
        sufM2[c] = q;
      }
    }
  }

  protected alone(x: Float64Array, t: number, out: Float64Array, w: number): void {
    const { cols, window, minPeriods, inverse } = this;
    const start = t - (t % window);
    const withSuffix = this.readsPreviousBlock(t);
    for (let s = 0; s < cols; s++) {
      let na = 0;
      let ma = 0;
      let qa = 0;
      if (withSuffix) {
        for (let r = start - 1; r > t - window; r--) {
          const v = x[r * cols + s] as number;
          if (r === start - 1) {
            const valid = v === v;
            na = valid ? 1 : 0;
            ma = valid ? 0 + v : 0;
            qa = 0;
          } else if (v === v) {
            const n = na + 1;
            const d = v - ma;
            const mu1 = ma + d * (inverse[n] as number);
            qa = qa + d * (v - mu1);
            ma = mu1;
            na = n;
          }
        }
      }
      let nb = 0;
      let mb = 0;
      let qb = 0;
      for (let r = start; r <= t; r++) {
        const v = x[r * cols + s] as number;
        if (v === v) {
          const n = nb + 1;
          const d = v - mb;
          const mu1 = mb + d * (inverse[n] as number);
          qb = qb + d * (v - mu1);
          mb = mu1;
          nb = n;
        }
      }
      const n = na + nb;
      let q: number;
      if (na === 0) q = qb;
      else if (nb === 0) q = qa;
      else {
        const d = mb - ma;
        q = qa + qb + (d * d * na * nb) / n;
      }
      out[w + s] = n >= minPeriods && n >= 2 ? Math.sqrt(q > 0 ? q / (n - 1) : 0) : Number.NaN;
    }
  }

  protected emit(t: number, out: Float64Array, w: number): void {
    const { cols, window, minPeriods, preN, preMean, preM2, sufN, sufMean, sufM2, wasm } = this;
    const first = !this.readsPreviousBlock(t);
    const k = first ? 0 : ((t - window + 1) % window) * cols;
    const po = wasm === undefined ? -1 : this.memory.pointer(out);
    if (wasm !== undefined && po >= 0) {
      const [pN, pMean, pM2, sN, sMean, sM2] = this.at;
      wasm.stdEmit(po + 8 * w, pN, pMean, pM2, sN + 8 * k, sMean + 8 * k, sM2 + 8 * k, cols, first ? 0 : 1, minPeriods);
      return;
    }
    for (let s = 0, c = k; s < cols; s++, c++) {
      const na = first ? 0 : (sufN[c] as number);
      const nb = preN[s] as number;
      const n = na + nb;
      let q: number;
      if (na === 0) q = preM2[s] as number;
      else if (nb === 0) q = sufM2[c] as number;
      else {
        const d = (preMean[s] as number) - (sufMean[c] as number);
        q = (sufM2[c] as number) + (preM2[s] as number) + (d * d * na * nb) / n;
      }
      out[w + s] = n >= minPeriods && n >= 2 ? Math.sqrt(q > 0 ? q / (n - 1) : 0) : Number.NaN;
    }
  }
}

export function rollingStdStream(cols: number, window: number, minPeriods: number, memory: KernelMemory = PLAIN_MEMORY): HistoryStream {
  return streamOf(new RollingStd(cols, window, minPeriods, memory));
}

export function rollingStdKernel(
  x: Float64Array, rows: number, cols: number, window: number, minPeriods: number, out: Float64Array, memory?: KernelMemory,
): void {
  rollingStdStream(cols, window, minPeriods, memory)(x, 0, rows, out);
}

/**
 * Rolling max / min over `window` rows with min_periods = window (any NaN in the window → NaN), by the
 * same block decomposition: the running extreme of the current block's prefix and the suffix extremes of
 * the previous block; O(1) per cell whatever the window.
 *
 * The pairwise extreme does not branch on the data: which of two noisy prices is larger is a coin toss (even
 * for a running extreme within a block, measured), and a mispredicted branch per cell made the kernel about
 * twice as slow. The winner is read from a two-cell scratch array at the comparison's 0/1; only NaN (rare,
 * in runs) branches. Ties and signed zeros resolve as `a > b ? a : b` (max) and `a < b ? a : b` (min); NaN
 * in either gives NaN.
 */
class RollingExtreme extends BlockWindow {
  private readonly prefix: Float64Array;
  private readonly suffix: Float64Array; // suffix extremes of the previous block, by row % window
  private readonly pick = new Float64Array(2);
  /** The state's byte offsets in the WebAssembly memory. */
  private readonly at: readonly [number, number];

  constructor(cols: number, window: number, private readonly isMax: boolean, memory: KernelMemory) {
    super(cols, window, memory);
    this.prefix = memory.alloc(cols);
    this.suffix = memory.alloc(window * cols);
    this.at = this.stateAt([memory.pointer(this.prefix), memory.pointer(this.suffix)]);
  }

  protected addPrefix(x: Float64Array, r: number): void {
    const o = r * this.cols;
    if (r % this.window === 0) this.prefix.set(x.subarray(o, o + this.cols));
    else {
      const px = this.wasm === undefined ? -1 : this.memory.pointer(x);
      if (this.wasm !== undefined && px >= 0) this.wasm.extremeRow(this.isMax ? 1 : 0, this.at[0], px + 8 * o, this.at[0], this.cols);
      else extreme(this.isMax, this.pick, this.prefix, 0, x, o, this.prefix, 0, this.cols);
    }
  }

  protected addSuffix(x: Float64Array, r: number): void {
    const { cols, suffix } = this;
    const o = r * cols;
    const k = (r % this.window) * cols;
    if (r % this.window === this.window - 1) suffix.set(x.subarray(o, o + cols), k);
    else {
      const px = this.wasm === undefined ? -1 : this.memory.pointer(x);
      if (this.wasm !== undefined && px >= 0) this.wasm.extremeRow(this.isMax ? 1 : 0, this.at[1] + 8 * (k + cols), px + 8 * o, this.at[1] + 8 * k, cols);
      else extreme(this.isMax, this.pick, suffix, k + cols, x, o, suffix, k, cols);
    }
  }

  protected alone(x: Float64Array, t: number, out: Float64Array, w: number): void {
    const { cols, window, isMax, pick } = this;
    if (t < window - 1) {
      out.fill(Number.NaN, w, w + cols);
      return;
    }
    const start = t - (t % window);
    const withSuffix = this.readsPreviousBlock(t); // (t ≥ window − 1 here)
    for (let s = 0; s < cols; s++) {
      let prefix = x[start * cols + s] as number;
      for (let r = start + 1; r <= t; r++) prefix = pickExtreme(isMax, pick, prefix, x[r * cols + s] as number);
      if (!withSuffix) {
        out[w + s] = prefix;
        continue;
      }
      let suffix = x[(start - 1) * cols + s] as number;
      for (let r = start - 2; r > t - window; r--) suffix = pickExtreme(isMax, pick, suffix, x[r * cols + s] as number);
      out[w + s] = pickExtreme(isMax, pick, suffix, prefix);
    }
  }

  protected emit(t: number, out: Float64Array, w: number): void {
    const { cols, window } = this;
    if (t < window - 1) out.fill(Number.NaN, w, w + cols);
    else if (t % window === window - 1) out.set(this.prefix, w);
    else {
      const k = ((t - window + 1) % window) * cols;
      const po = this.wasm === undefined ? -1 : this.memory.pointer(out);
      if (this.wasm !== undefined && po >= 0) this.wasm.extremeRow(this.isMax ? 1 : 0, this.at[1] + 8 * k, this.at[0], po + 8 * w, cols);
      else extreme(this.isMax, this.pick, this.suffix, k, this.prefix, 0, out, w, cols);
    }
  }
}

export function rollingExtremeStream(cols: number, window: number, which: 'max' | 'min', memory: KernelMemory = PLAIN_MEMORY): HistoryStream {
  return streamOf(new RollingExtreme(cols, window, which === 'max', memory));
}

/**
 * out[oo + s] = max (or min) of a[ao + s] and b[bo + s] for s < n, NaN when a or b is NaN, ties and signed
 * zeros as `a > b ? a : b` (`a < b ? a : b`). `isMax` is loop-invariant, so its branch is always predicted;
 * the winner is read from the two-cell `pick` at the comparison's 0/1 instead of branching on the data.
 */
function extreme(
  isMax: boolean, pick: Float64Array, a: Float64Array, ao: number, b: Float64Array, bo: number, out: Float64Array, oo: number, n: number,
): void {
  for (let s = 0; s < n; s++) {
    const u = a[ao + s] as number;
    const v = b[bo + s] as number;
    pick[0] = v;
    pick[1] = u;
    out[oo + s] = u === u ? (pick[+(isMax ? u > v : u < v)] as number) : u;
  }
}

export function rollingExtremeKernel(
  x: Float64Array, rows: number, cols: number, window: number, which: 'max' | 'min', out: Float64Array, memory?: KernelMemory,
): void {
  rollingExtremeStream(cols, window, which, memory)(x, 0, rows, out);
}

/**
 * FinLab `sustain(n, k)`: true where at least k of the last n rows (incl. today) are true; rows 0..n−2 are
 * false. Exact integer counts per column (a row enters and the row n back leaves), so the count is the same
 * however it was reached; asked for a row other than the next one, the stream recounts that row's window.
 */
export function sustainStream(cols: number, window: number, k: number): HistoryStream {
  const count = new Int32Array(cols);
  let next = 0;
  return (x, t0, t1, out) => {
    if (t0 !== next) {
      count.fill(0);
      for (let r = Math.max(0, t0 - window); r < t0; r++) {
        const o = r * cols;
        for (let s = 0; s < cols; s++) {
          const v = x[o + s] as number;
          if (v > 0 || v < 0) count[s] = (count[s] as number) + 1;
        }
      }
    }
    for (let t = t0; t < t1; t++) {
      const o = t * cols;
      const w = (t - t0) * cols;
      const oo = (t - window) * cols;
      for (let s = 0; s < cols; s++) {
        const v = x[o + s] as number;
        let c = count[s] as number;
        if (v > 0 || v < 0) c++;
        if (t >= window) {
          const u = x[oo + s] as number;
          if (u > 0 || u < 0) c--;
        }
        count[s] = c;
        out[w + s] = t >= window - 1 && c >= k ? 1 : 0;
      }
    }
    next = t1;
  };
}

export function sustainKernel(x: Float64Array, rows: number, cols: number, window: number, k: number, out: Float64Array): void {
  sustainStream(cols, window, k)(x, 0, rows, out);
}
