/** Time-series kernels down each column of a row-major (rows × cols) matrix. */

/** Row t takes row t − n; the first n rows are NaN (bool frames: 0). n = 0 copies. */
export function shiftKernel(x: Float64Array, rows: number, cols: number, n: number, isBool: boolean, out: Float64Array): void {
  const lag = Math.min(n, rows) * cols;
  if (n === 0) {
    if (out !== x) out.set(x);
    return;
  }
  // copy backwards-safe: out may not alias x (the evaluator never aliases for shift)
  out.set(x.subarray(0, rows * cols - lag), lag);
  out.fill(isBool ? 0 : Number.NaN, 0, lag);
}

/** x_t / x_{t−n} − 1; NaN if either is NaN or the result is not finite (x_{t−n} = 0). */
export function pctChangeKernel(x: Float64Array, rows: number, cols: number, n: number, out: Float64Array): void {
  const lag = Math.min(n, rows) * cols;
  const total = rows * cols;
  for (let i = lag; i < total; i++) {
    const r = (x[i] as number) / (x[i - lag] as number) - 1;
    out[i] = r - r === 0 ? r : Number.NaN;
  }
  out.fill(Number.NaN, 0, lag);
}

/** x_t − x_{t−n}. */
export function diffKernel(x: Float64Array, rows: number, cols: number, n: number, out: Float64Array): void {
  const lag = Math.min(n, rows) * cols;
  const total = rows * cols;
  for (let i = lag; i < total; i++) {
    const r = (x[i] as number) - (x[i - lag] as number);
    out[i] = r - r === 0 ? r : Number.NaN;
  }
  out.fill(Number.NaN, 0, lag);
}

/** FinLab rise (x_t > x_{t−n}) or fall (x_t < x_{t−n}); NaN on either side → false. */
export function riseFallKernel(
  x: Float64Array,
  rows: number,
  cols: number,
  n: number,
  which: 'rise' | 'fall',
  out: Float64Array,
): void {
  const lag = Math.min(n, rows) * cols;
  const total = rows * cols;
  if (which === 'rise') for (let i = lag; i < total; i++) out[i] = (x[i] as number) > (x[i - lag] as number) ? 1 : 0;
  else for (let i = lag; i < total; i++) out[i] = (x[i] as number) < (x[i - lag] as number) ? 1 : 0;
  out.fill(0, 0, lag);
}

/** isEntry: x_t && !x_{t−1}; isExit: !x_t && x_{t−1} (row −1 counts as false). */
export function entryExitKernel(x: Float64Array, rows: number, cols: number, which: 'entry' | 'exit', out: Float64Array): void {
  const total = rows * cols;
  const n = Math.min(cols, total);
  for (let i = 0; i < n; i++) {
    const v = x[i] as number;
    const on = v > 0 || v < 0;
    out[i] = which === 'entry' ? (on ? 1 : 0) : 0;
  }
  for (let i = cols; i < total; i++) {
    const v = x[i] as number;
    const p = x[i - cols] as number;
    const on = v > 0 || v < 0;
    const was = p > 0 || p < 0;
    out[i] = which === 'entry' ? (on && !was ? 1 : 0) : !on && was ? 1 : 0;
  }
}

/**
 * EMA with span n (pandas ewm(span=n, adjust=False)): e_t = α·x_t + (1−α)·e_{t−1}, α = 2/(n+1), seeded
 * with the first valid value. A NaN input gives NaN on that row and leaves the state untouched; NaN until
 * n valid values were seen.
 */
export function emaKernel(x: Float64Array, rows: number, cols: number, n: number, out: Float64Array): void {
  const alpha = 2 / (n + 1);
  const beta = 1 - alpha;
  const state = new Float64Array(cols);
  const seen = new Int32Array(cols);
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
}

/**
 * TA-Lib RSI (Wilder smoothing): changes against the previous valid value; the first averages are the
 * simple means of the first n gains / losses, then avg = (avg·(n−1) + current)/n. RSI = 100·g/(g+l), 0 when
 * both are 0. NaN until n changes were seen; a NaN input gives NaN on that row and leaves the state untouched.
 */
export function rsiKernel(x: Float64Array, rows: number, cols: number, n: number, out: Float64Array): void {
  const prev = new Float64Array(cols).fill(Number.NaN);
  const changes = new Int32Array(cols);
  const gain = new Float64Array(cols);
  const loss = new Float64Array(cols);
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
}
