/** Cross-section kernels across each row (one date) of a row-major (rows × cols) matrix. */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // index of the high word

/**
 * pandas `rank(axis=1, pct=True, method='average')`: among the row's valid cells, the average 1-based rank
 * (1 = smallest) divided by the count of valid cells; NaN stays NaN.
 * Per row: an LSD radix sort (4 passes of 8 bits, passes with one bucket skipped) of the cells by the
 * order-preserving high 32 bits of their float64 value, then an exact insertion-sort fix-up inside runs of
 * equal keys (values within ~1e-6 of each other), then average ranks over exactly equal values.
 */
export function rankKernel(x: Float64Array, rows: number, cols: number, out: Float64Array): void {
  let keys = new Uint32Array(cols);
  let idx = new Int32Array(cols);
  let keys2 = new Uint32Array(cols);
  let idx2 = new Int32Array(cols);
  const hist = new Int32Array(256);
  for (let t = 0; t < rows; t++) {
    const o = t * cols;
    let m = 0;
    for (let s = 0; s < cols; s++) {
      const v = x[o + s] as number;
      if (v !== v) {
        out[o + s] = Number.NaN;
        continue;
      }
      f64[0] = v;
      const hi = u32[HI] as number;
      keys[m] = hi & 0x80000000 ? ~hi >>> 0 : (hi | 0x80000000) >>> 0;
      idx[m++] = s;
    }
    for (let shift = 0; shift < 32; shift += 8) {
      hist.fill(0);
      for (let i = 0; i < m; i++) {
        const d = ((keys[i] as number) >>> shift) & 255;
        hist[d] = (hist[d] as number) + 1;
      }
      let single = false;
      for (let b = 0; b < 256; b++) if (hist[b] === m) single = true;
      if (single) continue;
      let acc = 0;
      for (let b = 0; b < 256; b++) {
        const c = hist[b] as number;
        hist[b] = acc;
        acc += c;
      }
      for (let i = 0; i < m; i++) {
        const k = keys[i] as number;
        const d = (k >>> shift) & 255;
        const p = hist[d] as number;
        hist[d] = p + 1;
        keys2[p] = k;
        idx2[p] = idx[i] as number;
      }
      const tk = keys;
      keys = keys2;
      keys2 = tk;
      const ti = idx;
      idx = idx2;
      idx2 = ti;
    }
    // exact order inside runs of equal keys
    for (let i = 1; i < m; i++) {
      if (keys[i] !== keys[i - 1]) continue;
      const id = idx[i] as number;
      const v = x[o + id] as number;
      let j = i - 1;
      while (j >= 0 && keys[j] === keys[i] && (x[o + (idx[j] as number)] as number) > v) {
        idx[j + 1] = idx[j] as number;
        j--;
      }
      idx[j + 1] = id;
    }
    // average ranks over equal values
    let i = 0;
    while (i < m) {
      const v = x[o + (idx[i] as number)] as number;
      let j = i;
      while (j + 1 < m && x[o + (idx[j + 1] as number)] === v) j++;
      const r = ((i + j) / 2 + 1) / m;
      for (let k = i; k <= j; k++) out[o + (idx[k] as number)] = r;
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
