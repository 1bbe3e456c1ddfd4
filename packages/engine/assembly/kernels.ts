// WebAssembly (SIMD) forms of the engine's hottest kernels, in AssemblyScript. Every function does, lane by
// lane, exactly the IEEE arithmetic of its TypeScript twin in src/kernels (same operations, same order, no
// fused multiply-add), so both give the same bits; the TypeScript form stays the reference and the path for
// buffers outside the WebAssembly memory. Pointers are byte offsets into the shared memory; `cols` cells of
// 8 bytes per row. Two lanes at a time, then the odd cell.
// Build: node packages/engine/scripts/build-wasm.mjs (writes src/wasm/kernels-wasm.ts).

const NAN = f64x2.splat(NaN);
const ZERO = f64x2.splat(0.0);
const ONE = f64x2.splat(1.0);

/** pctChange over cells [from, to): out[i − shift] = x[i] / x[i − lag] − 1, NaN unless finite. */
export function lagPctChange(x: usize, out: usize, from: i32, to: i32, lag: i32, shift: i32): void {
  const lagBytes = (<usize>lag) << 3;
  const outBase = out - ((<usize>shift) << 3);
  let i = from;
  for (; i + 2 <= to; i += 2) {
    const p = (<usize>i) << 3;
    const r = f64x2.sub(f64x2.div(v128.load(x + p), v128.load(x + p - lagBytes)), ONE);
    v128.store(outBase + p, v128.bitselect(r, NAN, f64x2.eq(f64x2.sub(r, r), ZERO)));
  }
  for (; i < to; i++) {
    const p = (<usize>i) << 3;
    const r = load<f64>(x + p) / load<f64>(x + p - lagBytes) - 1.0;
    store<f64>(outBase + p, r - r == 0.0 ? r : NaN);
  }
}

/** diff over cells [from, to): out[i − shift] = x[i] − x[i − lag], NaN unless finite. */
export function lagDiff(x: usize, out: usize, from: i32, to: i32, lag: i32, shift: i32): void {
  const lagBytes = (<usize>lag) << 3;
  const outBase = out - ((<usize>shift) << 3);
  let i = from;
  for (; i + 2 <= to; i += 2) {
    const p = (<usize>i) << 3;
    const r = f64x2.sub(v128.load(x + p), v128.load(x + p - lagBytes));
    v128.store(outBase + p, v128.bitselect(r, NAN, f64x2.eq(f64x2.sub(r, r), ZERO)));
  }
  for (; i < to; i++) {
    const p = (<usize>i) << 3;
    const r = load<f64>(x + p) - load<f64>(x + p - lagBytes);
    store<f64>(outBase + p, r - r == 0.0 ? r : NaN);
  }
}

/**
 * Rolling sum, recorded prefixes: row `x` enters the block prefix (`reset`: the block's first row, the
 * prefix starts from 0) and the prefix after it is recorded at `recSum`/`recCount`.
 */
export function sumAddRow(x: usize, preSum: usize, preCount: usize, recSum: usize, recCount: usize, cols: i32, reset: bool): void {
  const end = (<usize>cols) << 3;
  let p: usize = 0;
  for (; p + 16 <= end; p += 16) {
    const v = v128.load(x + p);
    const valid = f64x2.eq(v, v);
    const sum0 = reset ? ZERO : v128.load(preSum + p);
    const n0 = reset ? ZERO : v128.load(preCount + p);
    const sum = v128.bitselect(f64x2.add(sum0, v), sum0, valid);
    const n = f64x2.add(n0, v128.and(valid, ONE));
    v128.store(preSum + p, sum);
    v128.store(preCount + p, n);
    v128.store(recSum + p, sum);
    v128.store(recCount + p, n);
  }
  for (; p < end; p += 8) {
    const v = load<f64>(x + p);
    let sum = reset ? 0.0 : load<f64>(preSum + p);
    let n = reset ? 0.0 : load<f64>(preCount + p);
    if (v == v) {
      sum = sum + v;
      n = n + 1.0;
    }
    store<f64>(preSum + p, sum);
    store<f64>(preCount + p, n);
    store<f64>(recSum + p, sum);
    store<f64>(recCount + p, n);
  }
}

/** A window's sum `v` of `n` values: the sum or the mean, NaN below `minP` values. */
@inline function windowValue(v: v128, n: v128, minP: v128, mean: bool): v128 {
  return v128.bitselect(mean ? f64x2.div(v, n) : v, NAN, f64x2.ge(n, minP));
}

/**
 * Rolling sum: the window into `out`. `withPrevious`: (total − before) + prefix — recorded prefixes: the
 * previous block's records at its end and at the row's index; block suffixes: the suffix and zeros
 * (x − 0 is x, bit for bit); else the prefix alone.
 */
export function sumEmit(
  out: usize, preSum: usize, preCount: usize, totalSum: usize, totalCount: usize, beforeSum: usize, beforeCount: usize,
  cols: i32, withPrevious: bool, minPeriods: f64, mean: bool,
): void {
  const end = (<usize>cols) << 3;
  const minP = f64x2.splat(minPeriods);
  let p: usize = 0;
  for (; p + 16 <= end; p += 16) {
    let n = v128.load(preCount + p);
    let v = v128.load(preSum + p);
    if (withPrevious) {
      n = f64x2.add(f64x2.sub(v128.load(totalCount + p), v128.load(beforeCount + p)), n);
      v = f64x2.add(f64x2.sub(v128.load(totalSum + p), v128.load(beforeSum + p)), v);
    }
    v128.store(out + p, windowValue(v, n, minP, mean));
  }
  for (; p < end; p += 8) {
    let n = load<f64>(preCount + p);
    let v = load<f64>(preSum + p);
    if (withPrevious) {
      n = load<f64>(totalCount + p) - load<f64>(beforeCount + p) + n;
      v = load<f64>(totalSum + p) - load<f64>(beforeSum + p) + v;
    }
    store<f64>(out + p, n >= minPeriods ? (mean ? v / n : v) : NaN);
  }
}

/**
 * Welford's update by row `x`: the state at toN/toMean/toM2 becomes the state at fromN/fromMean/fromM2 (all
 * zero when `fresh`) with the row's valid values added (each count, mean and M2 per symbol).
 */
function welfordRow(
  x: usize, fromN: usize, fromMean: usize, fromM2: usize, toN: usize, toMean: usize, toM2: usize, cols: i32, fresh: bool,
): void {
  const end = (<usize>cols) << 3;
  let p: usize = 0;
  for (; p + 16 <= end; p += 16) {
    const v = v128.load(x + p);
    const valid = f64x2.eq(v, v);
    const n0 = fresh ? ZERO : v128.load(fromN + p);
    const mu = fresh ? ZERO : v128.load(fromMean + p);
    const q0 = fresh ? ZERO : v128.load(fromM2 + p);
    const n = f64x2.add(n0, ONE);
    const d = f64x2.sub(v, mu);
    const mu1 = f64x2.add(mu, f64x2.mul(d, f64x2.div(ONE, n)));
    const q = f64x2.add(q0, f64x2.mul(d, f64x2.sub(v, mu1)));
    v128.store(toN + p, v128.bitselect(n, n0, valid));
    v128.store(toMean + p, v128.bitselect(mu1, mu, valid));
    v128.store(toM2 + p, v128.bitselect(q, q0, valid));
  }
  for (; p < end; p += 8) {
    const v = load<f64>(x + p);
    const n0 = fresh ? 0.0 : load<f64>(fromN + p);
    const mu = fresh ? 0.0 : load<f64>(fromMean + p);
    const q0 = fresh ? 0.0 : load<f64>(fromM2 + p);
    if (v == v) {
      const n = n0 + 1.0;
      const d = v - mu;
      const mu1 = mu + d * (1.0 / n);
      store<f64>(toN + p, n);
      store<f64>(toMean + p, mu1);
      store<f64>(toM2 + p, q0 + d * (v - mu1));
    } else {
      store<f64>(toN + p, n0);
      store<f64>(toMean + p, mu);
      store<f64>(toM2 + p, q0);
    }
  }
}

/** Rolling std: row `x` enters the prefix's Welford state (`reset`: the block's first row). */
export function stdAddPrefix(x: usize, preN: usize, preMean: usize, preM2: usize, cols: i32, reset: bool): void {
  welfordRow(x, preN, preMean, preM2, preN, preMean, preM2, cols, reset);
}

/**
 * Rolling std: the suffix of row `x` (at sufN/sufMean/sufM2) from the suffix of the row after it (at the
 * same pointers + `next` bytes); `last`: the block's last row, a suffix of one row.
 */
export function stdAddSuffix(x: usize, sufN: usize, sufMean: usize, sufM2: usize, next: usize, cols: i32, last: bool): void {
  if (!last) {
    welfordRow(x, sufN + next, sufMean + next, sufM2 + next, sufN, sufMean, sufM2, cols, false);
    return;
  }
  // one row: count 1, mean 0 + v, M2 exactly 0 (also for an infinite v, where Welford's update gives NaN)
  const end = (<usize>cols) << 3;
  let p: usize = 0;
  for (; p + 16 <= end; p += 16) {
    const v = v128.load(x + p);
    const valid = f64x2.eq(v, v);
    v128.store(sufN + p, v128.and(valid, ONE));
    v128.store(sufMean + p, v128.bitselect(f64x2.add(ZERO, v), ZERO, valid));
    v128.store(sufM2 + p, ZERO);
  }
  for (; p < end; p += 8) {
    const v = load<f64>(x + p);
    const valid = v == v;
    store<f64>(sufN + p, valid ? 1.0 : 0.0);
    store<f64>(sufMean + p, valid ? 0.0 + v : 0.0);
    store<f64>(sufM2 + p, 0.0);
  }
}

/**
 * Rolling std: the window into `out` from the prefix and (`withSuffix`) the previous block's suffix at
 * sufN/sufMean/sufM2, by Chan's pairwise formula; ddof 1, NaN below `minPeriods` or 2 values.
 */
export function stdEmit(
  out: usize, preN: usize, preMean: usize, preM2: usize, sufN: usize, sufMean: usize, sufM2: usize, cols: i32,
  withSuffix: bool, minPeriods: f64,
): void {
  const end = (<usize>cols) << 3;
  const minP = f64x2.splat(minPeriods < 2.0 ? 2.0 : minPeriods);
  let p: usize = 0;
  for (; p + 16 <= end; p += 16) {
    const nb = v128.load(preN + p);
    const qb = v128.load(preM2 + p);
    let n = nb;
    let q = qb;
    if (withSuffix) {
      const na = v128.load(sufN + p);
      const qa = v128.load(sufM2 + p);
      n = f64x2.add(na, nb);
      const d = f64x2.sub(v128.load(preMean + p), v128.load(sufMean + p));
      const both = f64x2.add(f64x2.add(qa, qb), f64x2.div(f64x2.mul(f64x2.mul(f64x2.mul(d, d), na), nb), n));
      // na = 0: the prefix's M2; nb = 0: the suffix's; else combined
      q = v128.bitselect(qb, v128.bitselect(qa, both, f64x2.eq(nb, ZERO)), f64x2.eq(na, ZERO));
    }
    const variance = v128.bitselect(f64x2.div(q, f64x2.sub(n, ONE)), ZERO, f64x2.gt(q, ZERO));
    v128.store(out + p, v128.bitselect(f64x2.sqrt(variance), NAN, f64x2.ge(n, minP)));
  }
  for (; p < end; p += 8) {
    const nb = load<f64>(preN + p);
    const qb = load<f64>(preM2 + p);
    let n = nb;
    let q = qb;
    if (withSuffix) {
      const na = load<f64>(sufN + p);
      const qa = load<f64>(sufM2 + p);
      n = na + nb;
      if (na == 0.0) q = qb;
      else if (nb == 0.0) q = qa;
      else {
        const d = load<f64>(preMean + p) - load<f64>(sufMean + p);
        q = qa + qb + (d * d * na * nb) / n;
      }
    }
    store<f64>(out + p, n >= minPeriods && n >= 2.0 ? Math.sqrt(q > 0.0 ? q / (n - 1.0) : 0.0) : NaN);
  }
}

/** Truthiness as the catalogue defines it (0 and NaN are false), as an all-ones/all-zeros lane mask. */
@inline function truthy(v: v128): v128 {
  return v128.or(f64x2.gt(v, ZERO), f64x2.lt(v, ZERO));
}

/** `x` when finite, else NaN (the catalogue's arithmetic). */
@inline function finiteOrNaN(r: v128): v128 {
  return v128.bitselect(r, NAN, f64x2.eq(f64x2.sub(r, r), ZERO));
}

/** 1.0 where the mask is set, 0.0 elsewhere. */
@inline function oneWhere(mask: v128): v128 {
  return v128.and(mask, ONE);
}

@inline function binaryLanes(op: i32, x: v128, y: v128): v128 {
  switch (op) {
    case 0: return finiteOrNaN(f64x2.add(x, y));
    case 1: return finiteOrNaN(f64x2.sub(x, y));
    case 2: return finiteOrNaN(f64x2.mul(x, y));
    case 3: return finiteOrNaN(f64x2.div(x, y));
    case 4: return oneWhere(f64x2.gt(x, y));
    case 5: return oneWhere(f64x2.ge(x, y));
    case 6: return oneWhere(f64x2.lt(x, y));
    case 7: return oneWhere(f64x2.le(x, y));
    case 8: return oneWhere(f64x2.eq(x, y));
    case 9: return oneWhere(f64x2.ne(x, y));
    case 10: return oneWhere(v128.and(truthy(x), truthy(y)));
    case 11: return oneWhere(v128.or(truthy(x), truthy(y)));
    case 12: return v128.bitselect(v128.bitselect(x, y, f64x2.ge(x, y)), NAN, v128.and(f64x2.eq(x, x), f64x2.eq(y, y)));
    default: return v128.bitselect(v128.bitselect(x, y, f64x2.le(x, y)), NAN, v128.and(f64x2.eq(x, x), f64x2.eq(y, y)));
  }
}

/** One operation's loop (inlined with a constant `op`, so the switch in `binaryLanes` folds away). */
@inline function binaryLoop(op: i32, a: usize, sa: f64, aFrame: bool, b: usize, sb: f64, bFrame: bool, out: usize, n: i32): void {
  const end = (<usize>n) << 3;
  const va = f64x2.splat(sa);
  const vb = f64x2.splat(sb);
  let p: usize = 0;
  for (; p + 16 <= end; p += 16) {
    const x = aFrame ? v128.load(a + p) : va;
    const y = bFrame ? v128.load(b + p) : vb;
    v128.store(out + p, binaryLanes(op, x, y));
  }
  if (p < end) {
    const x = aFrame ? f64x2.splat(load<f64>(a + p)) : va;
    const y = bFrame ? f64x2.splat(load<f64>(b + p)) : vb;
    store<f64>(out + p, f64x2.extract_lane(binaryLanes(op, x, y), 0));
  }
}

/**
 * The catalogue's binary operations (`op`: the index in BINARY_OPS: add, sub, mul, div, gt, ge, lt, le, eq,
 * ne, and, or, maximum, minimum) over `n` cells into `out`; an operand is the frame at `a` (`aFrame`) or the
 * number `sa` on every cell (likewise b). The odd last cell goes through the same lanes (padded).
 */
export function binary(op: i32, a: usize, sa: f64, aFrame: bool, b: usize, sb: f64, bFrame: bool, out: usize, n: i32): void {
  switch (op) {
    case 0: binaryLoop(0, a, sa, aFrame, b, sb, bFrame, out, n); break;
    case 1: binaryLoop(1, a, sa, aFrame, b, sb, bFrame, out, n); break;
    case 2: binaryLoop(2, a, sa, aFrame, b, sb, bFrame, out, n); break;
    case 3: binaryLoop(3, a, sa, aFrame, b, sb, bFrame, out, n); break;
    case 4: binaryLoop(4, a, sa, aFrame, b, sb, bFrame, out, n); break;
    case 5: binaryLoop(5, a, sa, aFrame, b, sb, bFrame, out, n); break;
    case 6: binaryLoop(6, a, sa, aFrame, b, sb, bFrame, out, n); break;
    case 7: binaryLoop(7, a, sa, aFrame, b, sb, bFrame, out, n); break;
    case 8: binaryLoop(8, a, sa, aFrame, b, sb, bFrame, out, n); break;
    case 9: binaryLoop(9, a, sa, aFrame, b, sb, bFrame, out, n); break;
    case 10: binaryLoop(10, a, sa, aFrame, b, sb, bFrame, out, n); break;
    case 11: binaryLoop(11, a, sa, aFrame, b, sb, bFrame, out, n); break;
    case 12: binaryLoop(12, a, sa, aFrame, b, sb, bFrame, out, n); break;
    default: binaryLoop(13, a, sa, aFrame, b, sb, bFrame, out, n);
  }
}

/** `where`: x where the mask is truthy, else NaN, over `n` cells. */
export function where(x: usize, mask: usize, out: usize, n: i32): void {
  const end = (<usize>n) << 3;
  let p: usize = 0;
  for (; p + 16 <= end; p += 16) {
    v128.store(out + p, v128.bitselect(v128.load(x + p), NAN, truthy(v128.load(mask + p))));
  }
  if (p < end) {
    const m = load<f64>(mask + p);
    store<f64>(out + p, m > 0.0 || m < 0.0 ? load<f64>(x + p) : NaN);
  }
}

/**
 * Rolling sum, block suffixes: the suffix of row `x` (at sufSum/sufCount) from the suffix of the row after
 * it (the same pointers + `next` bytes): v + suffix when v is valid; `last`: the block's last row, 0 + v.
 */
export function sumAddSuffix(x: usize, sufSum: usize, sufCount: usize, next: usize, cols: i32, last: bool): void {
  const end = (<usize>cols) << 3;
  let p: usize = 0;
  for (; p + 16 <= end; p += 16) {
    const v = v128.load(x + p);
    const valid = f64x2.eq(v, v);
    const sum0 = last ? ZERO : v128.load(sufSum + next + p);
    const n0 = last ? ZERO : v128.load(sufCount + next + p);
    v128.store(sufSum + p, v128.bitselect(last ? f64x2.add(ZERO, v) : f64x2.add(v, sum0), sum0, valid));
    v128.store(sufCount + p, f64x2.add(n0, v128.and(valid, ONE)));
  }
  for (; p < end; p += 8) {
    const v = load<f64>(x + p);
    const sum0 = last ? 0.0 : load<f64>(sufSum + next + p);
    const n0 = last ? 0.0 : load<f64>(sufCount + next + p);
    if (v == v) {
      store<f64>(sufSum + p, last ? 0.0 + v : v + sum0);
      store<f64>(sufCount + p, n0 + 1.0);
    } else {
      store<f64>(sufSum + p, sum0);
      store<f64>(sufCount + p, n0);
    }
  }
}

/**
 * Pairwise extreme: out = max (`isMax`) or min of a and b, cell by cell, as `a > b ? a : b` (`a < b ? a : b`)
 * when a is a number, else a (NaN); NaN in b gives b.
 */
export function extremeRow(isMax: bool, a: usize, b: usize, out: usize, n: i32): void {
  const end = (<usize>n) << 3;
  let p: usize = 0;
  for (; p + 16 <= end; p += 16) {
    const u = v128.load(a + p);
    const v = v128.load(b + p);
    const wins = isMax ? f64x2.gt(u, v) : f64x2.lt(u, v);
    v128.store(out + p, v128.bitselect(v128.bitselect(u, v, wins), u, f64x2.eq(u, u)));
  }
  for (; p < end; p += 8) {
    const u = load<f64>(a + p);
    const v = load<f64>(b + p);
    store<f64>(out + p, u == u ? ((isMax ? u > v : u < v) ? u : v) : u);
  }
}
