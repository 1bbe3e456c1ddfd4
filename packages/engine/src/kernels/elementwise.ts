import { alignFrames, reindexFfill, sameGrid, type Frame } from '../frame.js';
import { PLAIN_MEMORY, type KernelMemory } from '../wasm/arena.js';

/** Elementwise binary operations of the catalogue. */
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div'
  | 'gt' | 'ge' | 'lt' | 'le' | 'eq' | 'ne'
  | 'and' | 'or'
  | 'maximum' | 'minimum';

export const BINARY_OPS: readonly BinaryOp[] = [
  'add', 'sub', 'mul', 'div', 'gt', 'ge', 'lt', 'le', 'eq', 'ne', 'and', 'or', 'maximum', 'minimum',
];

/** A frame or a number broadcast to every cell. */
export type Operand = Frame | number;

const isFrame = (x: Operand): x is Frame => typeof x !== 'number';

/**
 * out[i] = a[i] ⊕ b[i] where either side may be a number. Semantics (catalogue): arithmetic is IEEE with
 * non-finite results turned into NaN; comparisons with NaN are false except `ne` (true); `and`/`or` treat
 * NaN and 0 as false; `maximum`/`minimum` are NaN when either side is NaN. Bool results are 0/1.
 */
export function binaryKernel(
  op: BinaryOp,
  a: Float64Array | number,
  b: Float64Array | number,
  out: Float64Array,
  memory: KernelMemory = PLAIN_MEMORY,
): void {
  const n = out.length;
  const wasm = memory.wasm;
  if (wasm !== undefined && (typeof a !== 'number' || typeof b !== 'number')) {
    const pa = typeof a === 'number' ? 0 : memory.pointer(a);
    const pb = typeof b === 'number' ? 0 : memory.pointer(b);
    const po = memory.pointer(out);
    if (pa >= 0 && pb >= 0 && po >= 0) {
      const sa = typeof a === 'number' ? a : 0;
      const sb = typeof b === 'number' ? b : 0;
      wasm.binary(BINARY_OPS.indexOf(op), pa, sa, typeof a === 'number' ? 0 : 1, pb, sb, typeof b === 'number' ? 0 : 1, po, n);
      return;
    }
  }
  const A = typeof a === 'number' ? null : a;
  const B = typeof b === 'number' ? null : b;
  const sa = typeof a === 'number' ? a : 0;
  const sb = typeof b === 'number' ? b : 0;
  // one loop per operand shape, so each loop reads plain typed arrays (no per-cell branch on the shape)
  switch (op) {
    case 'add':
      if (A !== null && B !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = B[i] as number;
        const r = x + y;
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      else if (A !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = sb;
        const r = x + y;
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      else if (B !== null) for (let i = 0; i < n; i++) {
        const x = sa;
        const y = B[i] as number;
        const r = x + y;
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      else for (let i = 0; i < n; i++) {
        const x = sa;
        const y = sb;
        const r = x + y;
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      return;
    case 'sub':
      if (A !== null && B !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = B[i] as number;
        const r = x - y;
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      else if (A !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = sb;
        const r = x - y;
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      else if (B !== null) for (let i = 0; i < n; i++) {
        const x = sa;
        const y = B[i] as number;
        const r = x - y;
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      else for (let i = 0; i < n; i++) {
        const x = sa;
        const y = sb;
        const r = x - y;
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      return;
    case 'mul':
      if (A !== null && B !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = B[i] as number;
        const r = x * y;
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      else if (A !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = sb;
        const r = x * y;
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      else if (B !== null) for (let i = 0; i < n; i++) {
        const x = sa;
        const y = B[i] as number;
        const r = x * y;
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      else for (let i = 0; i < n; i++) {
        const x = sa;
        const y = sb;
        const r = x * y;
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      return;
    case 'div':
      if (A !== null && B !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = B[i] as number;
        const r = x / y;
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      else if (A !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = sb;
        const r = x / y;
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      else if (B !== null) for (let i = 0; i < n; i++) {
        const x = sa;
        const y = B[i] as number;
        const r = x / y;
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      else for (let i = 0; i < n; i++) {
        const x = sa;
        const y = sb;
        const r = x / y;
        out[i] = r - r === 0 ? r : Number.NaN;
      }
      return;
    case 'gt':
      if (A !== null && B !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = B[i] as number;
        out[i] = +(x > y);
      }
      else if (A !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = sb;
        out[i] = +(x > y);
      }
      else if (B !== null) for (let i = 0; i < n; i++) {
        const x = sa;
        const y = B[i] as number;
        out[i] = +(x > y);
      }
      else for (let i = 0; i < n; i++) {
        const x = sa;
        const y = sb;
        out[i] = +(x > y);
      }
      return;
    case 'ge':
      if (A !== null && B !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = B[i] as number;
        out[i] = +(x >= y);
      }
      else if (A !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = sb;
        out[i] = +(x >= y);
      }
      else if (B !== null) for (let i = 0; i < n; i++) {
        const x = sa;
        const y = B[i] as number;
        out[i] = +(x >= y);
      }
      else for (let i = 0; i < n; i++) {
        const x = sa;
        const y = sb;
        out[i] = +(x >= y);
      }
      return;
    case 'lt':
      if (A !== null && B !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = B[i] as number;
        out[i] = +(x < y);
      }
      else if (A !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = sb;
        out[i] = +(x < y);
      }
      else if (B !== null) for (let i = 0; i < n; i++) {
        const x = sa;
        const y = B[i] as number;
        out[i] = +(x < y);
      }
      else for (let i = 0; i < n; i++) {
        const x = sa;
        const y = sb;
        out[i] = +(x < y);
      }
      return;
    case 'le':
      if (A !== null && B !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = B[i] as number;
        out[i] = +(x <= y);
      }
      else if (A !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = sb;
        out[i] = +(x <= y);
      }
      else if (B !== null) for (let i = 0; i < n; i++) {
        const x = sa;
        const y = B[i] as number;
        out[i] = +(x <= y);
      }
      else for (let i = 0; i < n; i++) {
        const x = sa;
        const y = sb;
        out[i] = +(x <= y);
      }
      return;
    case 'eq':
      if (A !== null && B !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = B[i] as number;
        out[i] = +(x === y);
      }
      else if (A !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = sb;
        out[i] = +(x === y);
      }
      else if (B !== null) for (let i = 0; i < n; i++) {
        const x = sa;
        const y = B[i] as number;
        out[i] = +(x === y);
      }
      else for (let i = 0; i < n; i++) {
        const x = sa;
        const y = sb;
        out[i] = +(x === y);
      }
      return;
    case 'ne':
      if (A !== null && B !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = B[i] as number;
        out[i] = +(x !== y);
      }
      else if (A !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = sb;
        out[i] = +(x !== y);
      }
      else if (B !== null) for (let i = 0; i < n; i++) {
        const x = sa;
        const y = B[i] as number;
        out[i] = +(x !== y);
      }
      else for (let i = 0; i < n; i++) {
        const x = sa;
        const y = sb;
        out[i] = +(x !== y);
      }
      return;
    case 'and':
      if (A !== null && B !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = B[i] as number;
        out[i] = +((x > 0 || x < 0) && (y > 0 || y < 0));
      }
      else if (A !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = sb;
        out[i] = +((x > 0 || x < 0) && (y > 0 || y < 0));
      }
      else if (B !== null) for (let i = 0; i < n; i++) {
        const x = sa;
        const y = B[i] as number;
        out[i] = +((x > 0 || x < 0) && (y > 0 || y < 0));
      }
      else for (let i = 0; i < n; i++) {
        const x = sa;
        const y = sb;
        out[i] = +((x > 0 || x < 0) && (y > 0 || y < 0));
      }
      return;
    case 'or':
      if (A !== null && B !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = B[i] as number;
        out[i] = +(x > 0 || x < 0 || y > 0 || y < 0);
      }
      else if (A !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = sb;
        out[i] = +(x > 0 || x < 0 || y > 0 || y < 0);
      }
      else if (B !== null) for (let i = 0; i < n; i++) {
        const x = sa;
        const y = B[i] as number;
        out[i] = +(x > 0 || x < 0 || y > 0 || y < 0);
      }
      else for (let i = 0; i < n; i++) {
        const x = sa;
        const y = sb;
        out[i] = +(x > 0 || x < 0 || y > 0 || y < 0);
      }
      return;
    case 'maximum':
      if (A !== null && B !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = B[i] as number;
        out[i] = x !== x || y !== y ? Number.NaN : x >= y ? x : y;
      }
      else if (A !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = sb;
        out[i] = x !== x || y !== y ? Number.NaN : x >= y ? x : y;
      }
      else if (B !== null) for (let i = 0; i < n; i++) {
        const x = sa;
        const y = B[i] as number;
        out[i] = x !== x || y !== y ? Number.NaN : x >= y ? x : y;
      }
      else for (let i = 0; i < n; i++) {
        const x = sa;
        const y = sb;
        out[i] = x !== x || y !== y ? Number.NaN : x >= y ? x : y;
      }
      return;
    case 'minimum':
      if (A !== null && B !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = B[i] as number;
        out[i] = x !== x || y !== y ? Number.NaN : x <= y ? x : y;
      }
      else if (A !== null) for (let i = 0; i < n; i++) {
        const x = A[i] as number;
        const y = sb;
        out[i] = x !== x || y !== y ? Number.NaN : x <= y ? x : y;
      }
      else if (B !== null) for (let i = 0; i < n; i++) {
        const x = sa;
        const y = B[i] as number;
        out[i] = x !== x || y !== y ? Number.NaN : x <= y ? x : y;
      }
      else for (let i = 0; i < n; i++) {
        const x = sa;
        const y = sb;
        out[i] = x !== x || y !== y ? Number.NaN : x <= y ? x : y;
      }
      return;
  }
}

/**
 * Frame-level binary op. Frames on one grid combine cell by cell; frames on different grids are first
 * aligned by FinLab's rule (`alignFrames`: union of dates from the later start, intersection of symbols,
 * as-of rows). At least one side must be a frame. `out` (optional) receives the values when the grids match.
 */
export function binaryFrame(op: BinaryOp, a: Operand, b: Operand, out?: Float64Array): Frame {
  if (isFrame(a) && isFrame(b)) {
    if (sameGrid(a, b)) {
      const values = out ?? new Float64Array(a.values.length);
      binaryKernel(op, a.values, b.values, values);
      return { dates: a.dates, symbols: a.symbols, values };
    }
    const al = alignFrames(a, b);
    const ra = reindexFfill(a, al.dates, al.symbols);
    const rb = reindexFfill(b, al.dates, al.symbols);
    binaryKernel(op, ra.values, rb.values, ra.values);
    return ra;
  }
  const grid = isFrame(a) ? a : isFrame(b) ? b : null;
  if (grid === null) throw new Error('binaryFrame needs at least one frame operand');
  const values = out ?? new Float64Array(grid.values.length);
  binaryKernel(op, isFrame(a) ? a.values : a, isFrame(b) ? b.values : b, values);
  return { dates: grid.dates, symbols: grid.symbols, values };
}

export type UnaryOp = 'neg' | 'not' | 'abs' | 'log' | 'sqrt';

export function unaryKernel(op: UnaryOp, x: Float64Array, out: Float64Array): void {
  const n = x.length;
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -(x[i] as number);
      return;
    case 'not':
      for (let i = 0; i < n; i++) {
        const v = x[i] as number;
        out[i] = v > 0 || v < 0 ? 0 : 1;
      }
      return;
    case 'abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i] as number);
      return;
    case 'log':
      for (let i = 0; i < n; i++) {
        const v = x[i] as number;
        out[i] = v > 0 && v < Infinity ? Math.log(v) : Number.NaN;
      }
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) {
        const v = x[i] as number;
        out[i] = v >= 0 && v < Infinity ? Math.sqrt(v) : Number.NaN;
      }
      return;
  }
}

/** NaN → value. */
export function fillnaKernel(x: Float64Array, value: number, out: Float64Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    out[i] = v === v ? v : value;
  }
}

/** min(max(x, lower), upper); NaN stays NaN. */
export function clipKernel(x: Float64Array, lower: number, upper: number, out: Float64Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    out[i] = v < lower ? lower : v > upper ? upper : v;
  }
}

/** x where mask is true (non-zero, non-NaN), NaN elsewhere (pandas `where`, FinLab `df[mask]`). */
export function whereKernel(x: Float64Array, mask: Float64Array, out: Float64Array, memory: KernelMemory = PLAIN_MEMORY): void {
  const wasm = memory.wasm;
  if (wasm !== undefined) {
    const px = memory.pointer(x);
    const pm = memory.pointer(mask);
    const po = memory.pointer(out);
    if (px >= 0 && pm >= 0 && po >= 0) {
      wasm.where(px, pm, po, x.length);
      return;
    }
  }
  for (let i = 0; i < x.length; i++) {
    const m = mask[i] as number;
    out[i] = m > 0 || m < 0 ? (x[i] as number) : Number.NaN;
  }
}
