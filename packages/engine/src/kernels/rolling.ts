/**
 * Rolling-window kernels down each column of a row-major (rows × cols) matrix, one pass, no per-cell
 * allocation. Windows count rows and include the current row.
 *
 * Each kernel exists as a stream: a factory holding per-column state and a `run(x, t0, t1, out)` that
 * computes rows [t0, t1). `x` is the whole input (rows before t0 are read for the window), `out` receives
 * rows t0..t1−1 at out[(t − t0)·cols + s]. Calling `run` on consecutive row ranges gives exactly the result of
 * one call over all rows. The `…Kernel` functions are the one-call form.
 */

export type HistoryStream = (x: Float64Array, t0: number, t1: number, out: Float64Array) => void;

/**
 * Rolling sum or mean with `minPeriods` valid values required (NaNs inside the window are skipped, as in
 * pandas). Running sums per column with compensation (the exact rounding error of every addition and
 * removal, by Knuth's branch-free TwoSum), so long series do not drift; branch-free because on market data
 * the sign and size comparisons of the branchy form mispredict half the time.
 * `rollingMean`/`rollingSum`: minPeriods = window; FinLab `average(n)`: minPeriods = max(1, floor(n/2)).
 */
export function rollingSumStream(cols: number, window: number, minPeriods: number, mean: boolean): HistoryStream {
  const sum = new Float64Array(cols);
  const comp = new Float64Array(cols);
  const count = new Int32Array(cols);
  return (x, t0, t1, out) => {
    for (let t = t0; t < t1; t++) {
      const o = t * cols;
      const w = (t - t0) * cols;
      const oo = (t - window) * cols;
      const leaving = t >= window;
      for (let s = 0; s < cols; s++) {
        let acc = sum[s] as number;
        let c = comp[s] as number;
        let cnt = count[s] as number;
        const v = x[o + s] as number;
        if (v === v) {
          const tt = acc + v;
          const b = tt - acc;
          c += acc - (tt - b) + (v - b);
          acc = tt;
          cnt++;
        }
        if (leaving) {
          const u = -(x[oo + s] as number);
          if (u === u) {
            const tt = acc + u;
            const b = tt - acc;
            c += acc - (tt - b) + (u - b);
            acc = tt;
            cnt--;
          }
        }
        if (cnt === 0) {
          acc = 0;
          c = 0;
        }
        sum[s] = acc;
        comp[s] = c;
        count[s] = cnt;
        out[w + s] = cnt >= minPeriods ? (mean ? (acc + c) / cnt : acc + c) : Number.NaN;
      }
    }
  };
}

export function rollingSumKernel(
  x: Float64Array, rows: number, cols: number, window: number, minPeriods: number, mean: boolean, out: Float64Array,
): void {
  rollingSumStream(cols, window, minPeriods, mean)(x, 0, rows, out);
}

/**
 * Rolling sample standard deviation (ddof = 1) with `minPeriods` valid values (≥ 2 needed). Welford
 * add/remove per column; a window whose values are all equal gives exactly 0 (as pandas); when a large value
 * leaves the window and the update cancels, the column's window is recomputed exactly.
 */
export function rollingStdStream(cols: number, window: number, minPeriods: number): HistoryStream {
  const mean = new Float64Array(cols);
  const m2 = new Float64Array(cols);
  const count = new Int32Array(cols);
  const last = new Float64Array(cols).fill(Number.NaN);
  const run = new Int32Array(cols); // length of the current run of equal valid values ending at this row
  return (x, t0, t1, out) => {
    for (let t = t0; t < t1; t++) {
      const o = t * cols;
      const w = (t - t0) * cols;
      const old = t - window;
      for (let s = 0; s < cols; s++) {
        const v = x[o + s] as number;
        let mu = mean[s] as number;
        let q = m2[s] as number;
        let n = count[s] as number;
        if (v === v) {
          n++;
          const d = v - mu;
          mu += d / n;
          q += d * (v - mu);
          if (v === last[s]) run[s] = (run[s] as number) + 1;
          else {
            run[s] = 1;
            last[s] = v;
          }
        } else {
          run[s] = 0;
          last[s] = Number.NaN;
        }
        if (old >= 0) {
          const u = x[old * cols + s] as number;
          if (u === u) {
            n--;
            if (n === 0) {
              mu = 0;
              q = 0;
            } else {
              const q0 = q;
              const d = u - mu;
              mu -= d / n;
              q -= d * (u - mu);
              if (q < q0 * 1e-4) {
                // a large value left the window: the update cancelled catastrophically; recompute exactly
                let acc = 0;
                let c = 0;
                for (let r = old + 1; r <= t; r++) {
                  const y = x[r * cols + s] as number;
                  if (y === y) {
                    acc += y;
                    c++;
                  }
                }
                mu = acc / c;
                let sq = 0;
                for (let r = old + 1; r <= t; r++) {
                  const y = x[r * cols + s] as number;
                  if (y === y) sq += (y - mu) * (y - mu);
                }
                q = sq;
              }
            }
          }
        }
        mean[s] = mu;
        m2[s] = q;
        count[s] = n;
        out[w + s] = n >= minPeriods && n >= 2 ? ((run[s] as number) >= n ? 0 : Math.sqrt(q > 0 ? q / (n - 1) : 0)) : Number.NaN;
      }
    }
  };
}

export function rollingStdKernel(x: Float64Array, rows: number, cols: number, window: number, minPeriods: number, out: Float64Array): void {
  rollingStdStream(cols, window, minPeriods)(x, 0, rows, out);
}

/**
 * Rolling max / min over `window` rows with min_periods = window (any NaN in the window → NaN), by the
 * van Herk / Gil-Werman block algorithm, streamed: a running prefix extreme of the current block of
 * `window` rows, and the suffix extremes of the previous (complete) block, computed when it ends.
 * out[t] = ext(suffix[t − window + 1], prefix[t]); O(1) per cell whatever the window.
 *
 * The pairwise extreme does not branch on the data: which of two noisy prices is larger is a coin toss, and
 * a mispredicted branch per cell made the kernel about twice as slow. The winner is read from a two-cell
 * scratch array at the comparison's 0/1; only NaN (rare, in runs) branches. Ties and signed zeros resolve
 * as `a > b ? a : b` (max) and `a < b ? a : b` (min); NaN in either gives NaN.
 */
export function rollingExtremeStream(cols: number, window: number, which: 'max' | 'min'): HistoryStream {
  const prefix = new Float64Array(cols);
  const suffix = new Float64Array(window * cols); // suffix extremes of the last complete block, by row % window
  const pick = new Float64Array(2);
  const isMax = which === 'max';
  return (x, t0, t1, out) => {
    for (let t = t0; t < t1; t++) {
      const o = t * cols;
      const w = (t - t0) * cols;
      const j = t % window;
      if (j === 0) prefix.set(x.subarray(o, o + cols));
      else extreme(isMax, pick, prefix, 0, x, o, prefix, 0, cols);
      if (t < window - 1) out.fill(Number.NaN, w, w + cols);
      else if (j === window - 1) out.set(prefix, w);
      else extreme(isMax, pick, suffix, ((t - window + 1) % window) * cols, prefix, 0, out, w, cols);
      if (j === window - 1) {
        // the block [t − window + 1, t] is complete: its suffix extremes, from the end backwards
        suffix.set(x.subarray(o, o + cols), j * cols);
        for (let k = j - 1; k >= 0; k--) extreme(isMax, pick, suffix, (k + 1) * cols, x, (t - (j - k)) * cols, suffix, k * cols, cols);
      }
    }
  };
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
  x: Float64Array, rows: number, cols: number, window: number, which: 'max' | 'min', out: Float64Array,
): void {
  rollingExtremeStream(cols, window, which)(x, 0, rows, out);
}

/**
 * FinLab `sustain(n, k)`: true where at least k of the last n rows (incl. today) are true; rows 0..n−2 are
 * false. Exact integer counts per column.
 */
export function sustainStream(cols: number, window: number, k: number): HistoryStream {
  const count = new Int32Array(cols);
  return (x, t0, t1, out) => {
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
  };
}

export function sustainKernel(x: Float64Array, rows: number, cols: number, window: number, k: number, out: Float64Array): void {
  sustainStream(cols, window, k)(x, 0, rows, out);
}
