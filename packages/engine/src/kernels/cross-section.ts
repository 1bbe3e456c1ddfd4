/** Cross-section kernels across each row (one date) of a row-major (rows × cols) matrix. */

/**
 * pandas `rank(axis=1, pct=True, method='average')`: among the row's valid cells, the average 1-based rank
 * (1 = smallest) divided by the count of valid cells; NaN stays NaN. One native numeric sort per row,
 * then a binary search per cell (ties get the mean of their positions).
 */
export function rankKernel(x: Float64Array, rows: number, cols: number, out: Float64Array): void {
  const buf = new Float64Array(cols);
  for (let t = 0; t < rows; t++) {
    const o = t * cols;
    let m = 0;
    for (let s = 0; s < cols; s++) {
      const v = x[o + s] as number;
      if (v === v) buf[m++] = v;
    }
    const sorted = buf.subarray(0, m);
    sorted.sort();
    for (let s = 0; s < cols; s++) {
      const v = x[o + s] as number;
      if (v !== v) {
        out[o + s] = Number.NaN;
        continue;
      }
      // first index with sorted[i] >= v
      let lo = 0;
      let hi = m;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((sorted[mid] as number) < v) lo = mid + 1;
        else hi = mid;
      }
      let last = lo;
      while (last + 1 < m && sorted[last + 1] === v) last++;
      out[o + s] = ((lo + last) / 2 + 1) / m;
    }
  }
}

/**
 * Marks, per row, the k cells with the largest (or smallest) valid values with 1, others 0 (FinLab
 * is_largest / is_smallest: pandas nlargest keep='first', ties go to the earlier column, exactly
 * min(k, valid) cells are chosen; NaN never). A bounded heap of the k best per row: O(cols · log k).
 */
export function selectKernel(
  x: Float64Array,
  rows: number,
  cols: number,
  k: number,
  which: 'largest' | 'smallest',
  out: Float64Array,
): void {
  const sign = which === 'largest' ? 1 : -1;
  const heapKey = new Float64Array(Math.max(1, Math.min(k, cols)));
  const heapIdx = new Int32Array(heapKey.length);
  for (let t = 0; t < rows; t++) {
    const o = t * cols;
    out.fill(0, o, o + cols);
    if (k <= 0) continue;
    const size = topK(x, o, cols, k, sign, heapKey, heapIdx);
    for (let i = 0; i < size; i++) out[o + (heapIdx[i] as number)] = 1;
  }
}

/**
 * Heap selection of the `k` best cells of x[o .. o+cols) by key = sign·value (NaN skipped), ties to the
 * lower column. Fills heapIdx[0..size) with the chosen columns (unordered) and returns size.
 * The heap's top is the worst kept element: smaller key, or equal key and larger column.
 */
export function topK(
  x: Float64Array,
  o: number,
  cols: number,
  k: number,
  sign: number,
  heapKey: Float64Array,
  heapIdx: Int32Array,
): number {
  let size = 0;
  for (let s = 0; s < cols; s++) {
    const raw = x[o + s] as number;
    if (raw !== raw) continue;
    const key = sign * raw;
    if (size < k) {
      // sift up
      let i = size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        const pk = heapKey[p] as number;
        // parent must be "worse or equal" than child: worse = smaller key, or equal key and larger index
        if (pk < key || (pk === key && (heapIdx[p] as number) > s)) break;
        heapKey[i] = pk;
        heapIdx[i] = heapIdx[p] as number;
        i = p;
      }
      heapKey[i] = key;
      heapIdx[i] = s;
    } else if (key > (heapKey[0] as number)) {
      // replace the worst, sift down
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const r = l + 1;
        let w = l;
        if (r < size) {
          const lk = heapKey[l] as number;
          const rk = heapKey[r] as number;
          if (rk < lk || (rk === lk && (heapIdx[r] as number) > (heapIdx[l] as number))) w = r;
        }
        const wk = heapKey[w] as number;
        if (key < wk || (key === wk && s > (heapIdx[w] as number))) break;
        heapKey[i] = wk;
        heapIdx[i] = heapIdx[w] as number;
        i = w;
      }
      heapKey[i] = key;
      heapIdx[i] = s;
    }
  }
  return size;
}

/**
 * FinLab quantile_row: per row, the q-quantile of the valid cells with linear interpolation (position
 * q·(m−1) in the sorted values), written to every column of the row; NaN when no cell is valid.
 */
export function quantileRowKernel(x: Float64Array, rows: number, cols: number, q: number, out: Float64Array): void {
  const buf = new Float64Array(cols);
  for (let t = 0; t < rows; t++) {
    const o = t * cols;
    let m = 0;
    for (let s = 0; s < cols; s++) {
      const v = x[o + s] as number;
      if (v === v) buf[m++] = v;
    }
    let value = Number.NaN;
    if (m > 0) {
      const sorted = buf.subarray(0, m);
      sorted.sort();
      const pos = q * (m - 1);
      const lo = Math.floor(pos);
      const hi = Math.min(lo + 1, m - 1);
      const frac = pos - lo;
      const a = sorted[lo] as number;
      const b = sorted[hi] as number;
      // numpy's lerp: symmetric form for accuracy near both ends
      value = frac === 0 ? a : frac >= 0.5 ? b - (b - a) * (1 - frac) : a + (b - a) * frac;
    }
    out.fill(value, o, o + cols);
  }
}

/** Per row (x − mean)/std over the valid cells, std with ddof = 1; NaN if fewer than 2 valid cells or std = 0. */
export function zscoreKernel(x: Float64Array, rows: number, cols: number, out: Float64Array): void {
  for (let t = 0; t < rows; t++) {
    const o = t * cols;
    let m = 0;
    let sum = 0;
    for (let s = 0; s < cols; s++) {
      const v = x[o + s] as number;
      if (v === v) {
        sum += v;
        m++;
      }
    }
    const mean = m > 0 ? sum / m : Number.NaN;
    let ss = 0;
    for (let s = 0; s < cols; s++) {
      const v = x[o + s] as number;
      if (v === v) ss += (v - mean) * (v - mean);
    }
    const sd = m >= 2 ? Math.sqrt(ss / (m - 1)) : Number.NaN;
    if (!(sd > 0)) {
      out.fill(Number.NaN, o, o + cols);
      continue;
    }
    for (let s = 0; s < cols; s++) {
      const v = x[o + s] as number;
      out[o + s] = v === v ? (v - mean) / sd : Number.NaN;
    }
  }
}
