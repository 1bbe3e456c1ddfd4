/**
 * Rolling-window kernels down each column of a row-major (rows × cols) matrix, one pass, no per-cell
 * allocation. Windows count rows and include the current row.
 */

/**
 * Rolling sum or mean with `minPeriods` valid values required (NaNs inside the window are skipped, as in
 * pandas). Running sums per column with Neumaier compensation, so long series do not drift.
 * `rollingMean`/`rollingSum`: minPeriods = window; FinLab `average(n)`: minPeriods = max(1, floor(n/2)).
 */
export function rollingSumKernel(
  x: Float64Array,
  rows: number,
  cols: number,
  window: number,
  minPeriods: number,
  mean: boolean,
  out: Float64Array,
): void {
  const sum = new Float64Array(cols);
  const comp = new Float64Array(cols);
  const count = new Int32Array(cols);
  for (let t = 0; t < rows; t++) {
    const o = t * cols;
    const old = t - window;
    const oo = old * cols;
    for (let s = 0; s < cols; s++) {
      const v = x[o + s] as number;
      let acc = sum[s] as number;
      let c = comp[s] as number;
      let cnt = count[s] as number;
      if (v === v) {
        const tt = acc + v;
        c += Math.abs(acc) >= Math.abs(v) ? acc - tt + v : v - tt + acc;
        acc = tt;
        cnt++;
      }
      if (old >= 0) {
        const w = x[oo + s] as number;
        if (w === w) {
          const nw = -w;
          const tt = acc + nw;
          c += Math.abs(acc) >= Math.abs(nw) ? acc - tt + nw : nw - tt + acc;
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
      if (cnt >= minPeriods) {
        const total = acc + c;
        out[o + s] = mean ? total / cnt : total;
      } else {
        out[o + s] = Number.NaN;
      }
    }
  }
}

/**
 * Rolling sample standard deviation (ddof = 1) with `minPeriods` valid values (≥ 2 needed). Welford
 * add/remove per column; a window whose values are all equal gives exactly 0 (as pandas).
 */
export function rollingStdKernel(
  x: Float64Array,
  rows: number,
  cols: number,
  window: number,
  minPeriods: number,
  out: Float64Array,
): void {
  const mean = new Float64Array(cols);
  const m2 = new Float64Array(cols);
  const count = new Int32Array(cols);
  const last = new Float64Array(cols).fill(Number.NaN);
  const run = new Int32Array(cols); // length of the current run of equal valid values ending at this row
  for (let t = 0; t < rows; t++) {
    const o = t * cols;
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
        const w = x[old * cols + s] as number;
        if (w === w) {
          n--;
          if (n === 0) {
            mu = 0;
            q = 0;
          } else {
            const q0 = q;
            const d = w - mu;
            mu -= d / n;
            q -= d * (w - mu);
            if (q < q0 * 1e-4) {
              // a large value left the window: the update cancelled catastrophically; recompute exactly
              let acc = 0;
              let c = 0;
              for (let r = old + 1; r <= t; r++) {
                const u = x[r * cols + s] as number;
                if (u === u) {
                  acc += u;
                  c++;
                }
              }
              mu = acc / c;
              let sq = 0;
              for (let r = old + 1; r <= t; r++) {
                const u = x[r * cols + s] as number;
                if (u === u) sq += (u - mu) * (u - mu);
              }
              q = sq;
            }
          }
        }
      }
      mean[s] = mu;
      m2[s] = q;
      count[s] = n;
      if (n >= minPeriods && n >= 2) {
        out[o + s] = (run[s] as number) >= n ? 0 : Math.sqrt(q > 0 ? q / (n - 1) : 0);
      } else {
        out[o + s] = Number.NaN;
      }
    }
  }
}

/**
 * Rolling max / min over `window` rows with min_periods = window (any NaN in the window → NaN), by the
 * van Herk / Gil-Werman block algorithm: per block of `window` rows a forward prefix extreme and a backward
 * suffix extreme, then out[t] = ext(suffix[t − window + 1], prefix[t]). Three contiguous row-wise passes,
 * O(1) per cell whatever the window. `scratch` (same length as x) may be passed to avoid an allocation.
 */
export function rollingExtremeKernel(
  x: Float64Array,
  rows: number,
  cols: number,
  window: number,
  which: 'max' | 'min',
  out: Float64Array,
  scratch?: Float64Array,
): void {
  const total = rows * cols;
  const suffix = scratch !== undefined && scratch.length >= total ? scratch : new Float64Array(total);
  const isMax = which === 'max';
  // prefix within each block → out
  for (let t = 0; t < rows; t++) {
    const o = t * cols;
    if (t % window === 0) {
      for (let s = 0; s < cols; s++) out[o + s] = x[o + s] as number;
    } else {
      const p = o - cols;
      for (let s = 0; s < cols; s++) {
        const a = out[p + s] as number;
        const b = x[o + s] as number;
        out[o + s] = isMax ? (a > b || a !== a ? a : b) : a < b || a !== a ? a : b;
      }
    }
  }
  // suffix within each block (backwards) → suffix
  for (let t = rows - 1; t >= 0; t--) {
    const o = t * cols;
    if ((t + 1) % window === 0 || t === rows - 1) {
      for (let s = 0; s < cols; s++) suffix[o + s] = x[o + s] as number;
    } else {
      const p = o + cols;
      for (let s = 0; s < cols; s++) {
        const a = suffix[p + s] as number;
        const b = x[o + s] as number;
        suffix[o + s] = isMax ? (a > b || a !== a ? a : b) : a < b || a !== a ? a : b;
      }
    }
  }
  // combine (in place over the prefix; out[t] is read before it is written)
  const head = Math.min(window - 1, rows) * cols;
  for (let t = rows - 1; t >= window - 1; t--) {
    const o = t * cols;
    const so = (t - window + 1) * cols;
    for (let s = 0; s < cols; s++) {
      const a = suffix[so + s] as number;
      const b = out[o + s] as number;
      out[o + s] = isMax ? (a > b || a !== a ? a : b) : a < b || a !== a ? a : b;
    }
  }
  out.fill(Number.NaN, 0, head);
}

/**
 * FinLab `sustain(n, k)`: true where at least k of the last n rows (incl. today) are true; rows 0..n−2 are
 * false. Exact integer counts per column.
 */
export function sustainKernel(x: Float64Array, rows: number, cols: number, window: number, k: number, out: Float64Array): void {
  const count = new Int32Array(cols);
  for (let t = 0; t < rows; t++) {
    const o = t * cols;
    const oo = (t - window) * cols;
    for (let s = 0; s < cols; s++) {
      const v = x[o + s] as number;
      let c = count[s] as number;
      if (v > 0 || v < 0) c++;
      if (t >= window) {
        const w = x[oo + s] as number;
        if (w > 0 || w < 0) c--;
      }
      count[s] = c;
      out[o + s] = t >= window - 1 && c >= k ? 1 : 0;
    }
  }
}
