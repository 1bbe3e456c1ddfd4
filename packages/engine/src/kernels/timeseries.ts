/**
 * Time-series kernels down each column of a row-major (rows × cols) matrix. Lag kernels are history streams
 * (read row t − n of the whole input, write rows [t0, t1) to out); ema and rsi are row streams (stateful,
 * read only the current row: `x` and `out` are the block's rows). The `…Kernel` functions are the one-call form.
 */
import type { HistoryStream } from './rolling.js';
import { PLAIN_MEMORY, type KernelMemory } from '../wasm/arena.js';

/** A stateful kernel that only reads the current row: x and out hold `n` rows of the current block. */
export type RowStream = (x: Float64Array, n: number, out: Float64Array) => void;

/** Row t takes row t − n; the first n rows are NaN (bool frames: 0). n = 0 copies. */
export function shiftStream(cols: number, n: number, isBool: boolean): HistoryStream {
  const fill = isBool ? 0 : Number.NaN;
  return (x, t0, t1, out) => {
    for (let t = t0; t < t1; t++) {
      const w = (t - t0) * cols;
      if (t < n) out.fill(fill, w, w + cols);
      else out.set(x.subarray((t - n) * cols, (t - n + 1) * cols), w);
    }
  };
}

export function shiftKernel(x: Float64Array, rows: number, cols: number, n: number, isBool: boolean, out: Float64Array): void {
  shiftStream(cols, n, isBool)(x, 0, rows, out);
}

export type LagOp = 'pctChange' | 'diff' | 'rise' | 'fall';

/**
 * pctChange: x_t / x_{t−n} − 1 (NaN if either is NaN or not finite); diff: x_t − x_{t−n};
 * rise / fall: x_t > / < x_{t−n} (NaN → false). The first n rows are NaN (rise/fall: false).
 */
export function lagStream(cols: number, n: number, op: LagOp, memory: KernelMemory = PLAIN_MEMORY): HistoryStream {
  const bool = op === 'rise' || op === 'fall';
  const lag = n * cols;
  const wasm = memory.wasm;
  return (x, t0, t1, out) => {
    const head = Math.min(t1, n);
    for (let t = t0; t < head; t++) out.fill(bool ? 0 : Number.NaN, (t - t0) * cols, (t - t0 + 1) * cols);
    const from = Math.max(t0, n) * cols;
    const to = t1 * cols;
    const shift = t0 * cols;
    if (wasm !== undefined && (op === 'pctChange' || op === 'diff') && from < to) {
      const px = memory.pointer(x);
      const po = memory.pointer(out);
      if (px >= 0 && po >= 0) {
        (op === 'pctChange' ? wasm.lagPctChange : wasm.lagDiff)(px, po, from, to, lag, shift);
        return;
      }
    }
    switch (op) {
      case 'pctChange':
        for (let i = from; i < to; i++) {
          const r = (x[i] as number) / (x[i - lag] as number) - 1;
          out[i - shift] = r - r === 0 ? r : Number.NaN;
        }
        return;
      case 'diff':
        for (let i = from; i < to; i++) {
          const r = (x[i] as number) - (x[i - lag] as number);
          out[i - shift] = r - r === 0 ? r : Number.NaN;
        }
        return;
      case 'rise':
        for (let i = from; i < to; i++) out[i - shift] = (x[i] as number) > (x[i - lag] as number) ? 1 : 0;
        return;
      case 'fall':
        for (let i = from; i < to; i++) out[i - shift] = (x[i] as number) < (x[i - lag] as number) ? 1 : 0;
        return;
    }
  };
}

export function pctChangeKernel(x: Float64Array, rows: number, cols: number, n: number, out: Float64Array, memory?: KernelMemory): void {
  lagStream(cols, n, 'pctChange', memory)(x, 0, rows, out);
}
export function diffKernel(x: Float64Array, rows: number, cols: number, n: number, out: Float64Array, memory?: KernelMemory): void {
  lagStream(cols, n, 'diff', memory)(x, 0, rows, out);
}
export function riseFallKernel(x: Float64Array, rows: number, cols: number, n: number, which: 'rise' | 'fall', out: Float64Array): void {
  lagStream(cols, n, which)(x, 0, rows, out);
}

/** isEntry: x_t && !x_{t−1}; isExit: !x_t && x_{t−1} (row −1 counts as false). */
export function entryExitStream(cols: number, which: 'entry' | 'exit'): HistoryStream {
  return (x, t0, t1, out) => {
    for (let t = t0; t < t1; t++) {
      const o = t * cols;
      const w = (t - t0) * cols;
      for (let s = 0; s < cols; s++) {
        const v = x[o + s] as number;
        const p = t > 0 ? (x[o - cols + s] as number) : 0;
        const on = v > 0 || v < 0;
        const was = p > 0 || p < 0;
        out[w + s] = which === 'entry' ? (on && !was ? 1 : 0) : !on && was ? 1 : 0;
      }
    }
  };
}

export function entryExitKernel(x: Float64Array, rows: number, cols: number, which: 'entry' | 'exit', out: Float64Array): void {
  entryExitStream(cols, which)(x, 0, rows, out);
}

/**
 * EMA with span n (pandas ewm(span=n, adjust=False)): e_t = α·x_t + (1−α)·e_{t−1}, α = 2/(n+1), seeded
 * with the first valid value. A NaN input gives NaN on that row and leaves the state untouched; NaN until
 * n valid values were seen.
 */
export function emaStream(cols: number, n: number): RowStream {
  const alpha = 2 / (n + 1);
  const beta = 1 - alpha;
  const state = new Float64Array(cols);
  const seen = new Int32Array(cols);
  return (x, rows, out) => {
    for (let t = 0; t < rows; t++) {
      const o = t * cols;
      for (let s = 0; s < cols; s++) {
        const v = x[o + s] as number;
        if (v !== v) {
          out[o + s] = Number.NaN;
          continue;
        }
        const k = (seen[s] as number) + 1;
        seen[s] = k;
        const e = k === 1 ? v : alpha * v + beta * (state[s] as number);
        state[s] = e;
        out[o + s] = k >= n ? e : Number.NaN;
      }
    }
  };
}

export function emaKernel(x: Float64Array, rows: number, cols: number, n: number, out: Float64Array): void {
  emaStream(cols, n)(x, rows, out);
}

/**
 * TA-Lib RSI (Wilder smoothing): changes against the previous valid value; the first averages are the
 * simple means of the first n gains / losses, then avg = (avg·(n−1) + current)/n. RSI = 100·g/(g+l), 0 when
 * both are 0. NaN until n changes were seen; a NaN input gives NaN on that row and leaves the state untouched.
 */
export function rsiStream(cols: number, n: number): RowStream {
  const prev = new Float64Array(cols).fill(Number.NaN);
  const changes = new Int32Array(cols);
  const gain = new Float64Array(cols);
  const loss = new Float64Array(cols);
  return (x, rows, out) => {
    for (let t = 0; t < rows; t++) {
      const o = t * cols;
      for (let s = 0; s < cols; s++) {
        const v = x[o + s] as number;
        if (v !== v) {
          out[o + s] = Number.NaN;
          continue;
        }
        const p = prev[s] as number;
        prev[s] = v;
        if (p !== p) {
          out[o + s] = Number.NaN;
          continue;
        }
        const ch = v - p;
        const up = ch > 0 ? ch : 0;
        const down = ch < 0 ? -ch : 0;
        const k = (changes[s] as number) + 1;
        changes[s] = k;
        let g: number;
        let l: number;
        if (k < n) {
          gain[s] = (gain[s] as number) + up;
          loss[s] = (loss[s] as number) + down;
          out[o + s] = Number.NaN;
          continue;
        } else if (k === n) {
          g = ((gain[s] as number) + up) / n;
          l = ((loss[s] as number) + down) / n;
        } else {
          g = ((gain[s] as number) * (n - 1) + up) / n;
          l = ((loss[s] as number) * (n - 1) + down) / n;
        }
        gain[s] = g;
        loss[s] = l;
        const d = g + l;
        out[o + s] = d > 0 ? (100 * g) / d : 0;
      }
    }
  };
}

export function rsiKernel(x: Float64Array, rows: number, cols: number, n: number, out: Float64Array): void {
  rsiStream(cols, n)(x, rows, out);
}
