/** Cross-section kernels across each row (one date) of a row-major (rows × cols) matrix. */

/**
 * Sorts vals[lo..hi) ascending, carrying ids along: a most-significant-digit bucket sort on the value range
 * (n buckets spread linearly between min and max, recursing into crowded buckets), insertion sort for small
 * ranges, heap sort when the range does not split (deep recursion, non-finite spread). Expected O(n).
 */
class RowSorter {
  private readonly tmpV: Float64Array;
  private readonly tmpI: Int32Array;
  private readonly counts: Int32Array[];

  constructor(size: number) {
    this.tmpV = new Float64Array(size);
    this.tmpI = new Int32Array(size);
    this.counts = Array.from({ length: 8 }, () => new Int32Array(size + 1));
  }

  sort(vals: Float64Array, ids: Int32Array, lo: number, hi: number, depth: number): void {
    const n = hi - lo;
    if (n <= 24) {
      for (let i = lo + 1; i < hi; i++) {
        const v = vals[i] as number;
        const id = ids[i] as number;
        let j = i - 1;
        while (j >= lo && (vals[j] as number) > v) {
          vals[j + 1] = vals[j] as number;
          ids[j + 1] = ids[j] as number;
          j--;
        }
        vals[j + 1] = v;
        ids[j + 1] = id;
      }
      return;
    }
    let min = vals[lo] as number;
    let max = min;
    for (let i = lo + 1; i < hi; i++) {
      const v = vals[i] as number;
      if (v < min) min = v;
      else if (v > max) max = v;
    }
    if (min === max) return;
    const spread = max - min;
    const counts = this.counts[depth];
    if (counts === undefined || !(spread < Infinity)) {
      heapSort(vals, ids, lo, hi);
      return;
    }
    const scale = (n - 1) / spread;
    counts.fill(0, 0, n + 1);
    for (let i = lo; i < hi; i++) {
      let b = Math.floor(((vals[i] as number) - min) * scale);
      if (b >= n) b = n - 1;
      counts[b + 1] = (counts[b + 1] as number) + 1;
    }
    for (let b = 0; b < n; b++) counts[b + 1] = (counts[b + 1] as number) + (counts[b] as number);
    const tv = this.tmpV;
    const ti = this.tmpI;
    for (let i = lo; i < hi; i++) {
      const v = vals[i] as number;
      let b = Math.floor((v - min) * scale);
      if (b >= n) b = n - 1;
      const p = counts[b] as number;
      counts[b] = p + 1;
      tv[p] = v;
      ti[p] = ids[i] as number;
    }
    // counts[b] is now the end of bucket b; copy back and sort the buckets with more than one value
    for (let i = 0; i < n; i++) {
      vals[lo + i] = tv[i] as number;
      ids[lo + i] = ti[i] as number;
    }
    let start = 0;
    for (let b = 0; b < n; b++) {
      const end = counts[b] as number; // deeper levels use their own counts array
      if (end - start > 1) this.sort(vals, ids, lo + start, lo + end, depth + 1);
      start = end;
    }
  }
}

function heapSort(vals: Float64Array, ids: Int32Array, lo: number, hi: number): void {
  const n = hi - lo;
  const sift = (root: number, size: number): void => {
    let r = root;
    for (;;) {
      let c = 2 * r + 1;
      if (c >= size) return;
      if (c + 1 < size && (vals[lo + c + 1] as number) > (vals[lo + c] as number)) c++;
      if (!((vals[lo + c] as number) > (vals[lo + r] as number))) return;
      const tv = vals[lo + r] as number;
      vals[lo + r] = vals[lo + c] as number;
      vals[lo + c] = tv;
      const ti = ids[lo + r] as number;
      ids[lo + r] = ids[lo + c] as number;
      ids[lo + c] = ti;
      r = c;
    }
  };
  for (let i = (n >> 1) - 1; i >= 0; i--) sift(i, n);
  for (let end = n - 1; end > 0; end--) {
    const tv = vals[lo] as number;
    vals[lo] = vals[lo + end] as number;
    vals[lo + end] = tv;
    const ti = ids[lo] as number;
    ids[lo] = ids[lo + end] as number;
    ids[lo + end] = ti;
    sift(0, end);
  }
}

/**
 * pandas `rank(axis=1, pct=True, method='average')`: among the row's valid cells, the average 1-based rank
 * (1 = smallest) divided by the count of valid cells; NaN stays NaN. Per row, a bucket sort of the valid
 * cells (`RowSorter`), then the mean position over each run of equal values.
 */
export function rankKernel(x: Float64Array, rows: number, cols: number, out: Float64Array): void {
  const vals = new Float64Array(cols);
  const ids = new Int32Array(cols);
  const sorter = new RowSorter(cols);
  for (let t = 0; t < rows; t++) {
    const o = t * cols;
    let m = 0;
    for (let s = 0; s < cols; s++) {
      const v = x[o + s] as number;
      if (v !== v) {
        out[o + s] = Number.NaN;
        continue;
      }
      vals[m] = v;
      ids[m++] = s;
    }
    sorter.sort(vals, ids, 0, m, 0);
    let i = 0;
    while (i < m) {
      const v = vals[i] as number;
      let j = i;
      while (j + 1 < m && vals[j + 1] === v) j++;
      const r = ((i + j) / 2 + 1) / m;
      for (let k = i; k <= j; k++) out[o + (ids[k] as number)] = r;
      i = j + 1;
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
