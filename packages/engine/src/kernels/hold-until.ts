import { topK } from './cross-section.js';

/**
 * FinLab `hold_until` without price stops (catalogue semantics), row by row: a name is a candidate when
 * (entry_t or held_{t−1}) and not exit_t. Without a limit, held_t = candidate. With a limit, names held
 * yesterday come first, then new entries by descending rank (NaN rank last; no rank = all equal), ties by
 * column order; the first `limit` candidates are held.
 */
export function holdUntilKernel(
  entry: Float64Array,
  exit: Float64Array,
  rank: Float64Array | null,
  rows: number,
  cols: number,
  limit: number | null,
  out: Float64Array,
): void {
  holdUntilStream(cols, limit)(entry, exit, rank, rows, out);
}

/** The stateful form: call with consecutive blocks of rows (entry/exit/rank/out hold the block's rows). */
export function holdUntilStream(
  cols: number,
  limit: number | null,
): (entry: Float64Array, exit: Float64Array, rank: Float64Array | null, rows: number, out: Float64Array) => void {
  const held = new Uint8Array(cols);
  const keys = new Float64Array(cols);
  const k = limit === null ? 0 : Math.max(0, limit);
  const heapKey = new Float64Array(Math.max(1, Math.min(k, cols)));
  const heapIdx = new Int32Array(heapKey.length);
  return (entry, exit, rank, rows, out) => {
    for (let t = 0; t < rows; t++) {
      const o = t * cols;
      if (limit === null) {
        for (let s = 0; s < cols; s++) {
          const e = entry[o + s] as number;
          const x = exit[o + s] as number;
          const h = ((e > 0 || e < 0) || held[s] === 1) && !(x > 0 || x < 0);
          held[s] = h ? 1 : 0;
          out[o + s] = h ? 1 : 0;
        }
        continue;
      }
      // keep yesterday's holdings that are not exiting; collect new entries as keys (NaN = not a candidate)
      let kept = 0;
      let newCount = 0;
      for (let s = 0; s < cols; s++) {
        const x = exit[o + s] as number;
        const exiting = x > 0 || x < 0;
        if (held[s] === 1 && !exiting) {
          kept++;
          keys[s] = Number.NaN;
          continue;
        }
        held[s] = 0;
        const e = entry[o + s] as number;
        if ((e > 0 || e < 0) && !exiting) {
          newCount++;
          if (rank === null) keys[s] = 0;
          else {
            const r = rank[o + s] as number;
            // NaN rank sorts after every valid rank
            keys[s] = r === r ? r : -Infinity;
          }
        } else keys[s] = Number.NaN;
      }
      const slots = Math.min(k - kept, newCount);
      if (slots > 0) {
        const size = topK(keys, 0, cols, slots, 1, heapKey, heapIdx);
        for (let i = 0; i < size; i++) held[heapIdx[i] as number] = 1;
      }
      for (let s = 0; s < cols; s++) out[o + s] = held[s] as number;
    }
  };
}
