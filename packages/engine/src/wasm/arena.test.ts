import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rollingExtremeStream, rollingStdStream, rollingSumStream, type HistoryStream } from '../kernels/rolling.js';
import { lagStream } from '../kernels/timeseries.js';
import { BINARY_OPS, binaryKernel, whereKernel } from '../kernels/elementwise.js';
import { PLAIN_MEMORY, WasmArena, type KernelMemory, type WasmKernels } from './arena.js';

const arena = WasmArena.create();

/** The arena's memory, counting the WebAssembly calls (so a test knows the kernels really ran there). */
function counting(a: WasmArena): { memory: KernelMemory; calls: () => number } {
  let calls = 0;
  const wasm = Object.fromEntries(
    Object.entries(a.wasm).map(([name, f]) => [name, (...args: number[]) => {
      calls++;
      return (f as (...xs: number[]) => void)(...args);
    }]),
  ) as unknown as WasmKernels;
  return { memory: { wasm, alloc: (n) => a.alloc(n), pointer: (v) => a.pointer(v) }, calls: () => calls };
}

/** A matrix with NaN runs, repeated values, signed zeros, huge and tiny values; odd and even column counts. */
const matrix = fc
  .record({ rows: fc.integer({ min: 1, max: 30 }), cols: fc.integer({ min: 1, max: 7 }) })
  .chain(({ rows, cols }) =>
    fc
      .array(
        fc.oneof(
          { weight: 6, arbitrary: fc.integer({ min: -20, max: 20 }).map((v) => v / 4) },
          { weight: 1, arbitrary: fc.constant(Number.NaN) },
          { weight: 1, arbitrary: fc.constantFrom(-0, 0, 1e300, -1e-300, Number.POSITIVE_INFINITY) },
          { weight: 2, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
        ),
        { minLength: rows * cols, maxLength: rows * cols },
      )
      .map((v) => ({ rows, cols, values: v })),
  );
const calls = fc.array(fc.record({ at: fc.nat(), length: fc.integer({ min: 1, max: 6 }) }), { minLength: 1, maxLength: 10 });

const makers: [string, (cols: number, w: number, m: KernelMemory) => HistoryStream][] = [
  ['pctChange', (c, w, m) => lagStream(c, w, 'pctChange', m)],
  ['diff', (c, w, m) => lagStream(c, w, 'diff', m)],
  ['sum by recorded prefixes', (c, w, m) => rollingSumStream(c, w, w, false, 'recorded', m)],
  ['average by recorded prefixes', (c, w, m) => rollingSumStream(c, w, Math.max(1, Math.floor(w / 2)), true, 'recorded', m)],
  ['sum by block suffixes', (c, w, m) => rollingSumStream(c, w, w, false, 'blocks', m)],
  ['average by block suffixes', (c, w, m) => rollingSumStream(c, w, Math.max(1, Math.floor(w / 2)), true, 'blocks', m)],
  ['max', (c, w, m) => rollingExtremeStream(c, w, 'max', m)],
  ['min', (c, w, m) => rollingExtremeStream(c, w, 'min', m)],
  ['std', (c, w, m) => rollingStdStream(c, w, w, m)],
  ['std, minPeriods 1', (c, w, m) => rollingStdStream(c, w, 1, m)],
];

describe.skipIf(arena === undefined)('WebAssembly kernels', () => {
  const a = arena as WasmArena;

  it.each(makers)('%s: the same bits as the TypeScript kernel, for any rows asked in any order', (_name, make) => {
    const { memory, calls: wasmCalls } = counting(a);
    fc.assert(
      fc.property(matrix, fc.integer({ min: 1, max: 8 }), calls, ({ rows, cols, values }, w, asks) => {
        const plainX = Float64Array.from(values);
        const x = a.take(rows * cols) as Float64Array;
        x.set(values);
        const expected = new Float64Array(rows * cols);
        make(cols, w, PLAIN_MEMORY)(plainX, 0, rows, expected);
        const stream = make(cols, w, memory);
        for (const { at, length } of asks) {
          const t0 = at % rows;
          const t1 = Math.min(rows, t0 + length);
          const out = a.take((t1 - t0) * cols) as Float64Array;
          out.fill(12345);
          stream(x, t0, t1, out);
          for (let i = 0; i < out.length; i++) {
            const got = out[i] as number;
            const want = expected[t0 * cols + i] as number;
            if (!Object.is(got, want)) throw new Error(`rows ${t0}–${t1 - 1}, cell ${i}: ${got} vs ${want}`);
          }
          a.release(out);
        }
        a.release(x);
      }),
      { numRuns: 300 },
    );
    expect(wasmCalls()).toBeGreaterThan(0);
  });

  const cell = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }).map((v) => v / 2) },
    { weight: 1, arbitrary: fc.constantFrom(Number.NaN, -0, 0, 1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e308) },
    { weight: 2, arbitrary: fc.double({ noNaN: false }) },
  );
  const operand = fc.oneof(fc.constant<'frame'>('frame'), cell);

  it.each(BINARY_OPS)('%s: the same bits as the TypeScript kernel, for frames and numbers on either side', (op) => {
    const { memory, calls: wasmCalls } = counting(a);
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 9 }), fc.array(cell, { minLength: 9, maxLength: 9 }), operand, operand, (xs, ys, sa, sb) => {
        if (sa !== 'frame' && sb !== 'frame') return;
        const n = xs.length;
        const x = a.take(n) as Float64Array;
        const y = a.take(n) as Float64Array;
        const out = a.take(n) as Float64Array;
        x.set(xs);
        y.set(ys.slice(0, n));
        const left = sa === 'frame' ? x : sa;
        const right = sb === 'frame' ? y : sb;
        const expected = new Float64Array(n);
        binaryKernel(op, typeof left === 'number' ? left : Float64Array.from(x), typeof right === 'number' ? right : Float64Array.from(y), expected);
        binaryKernel(op, left, right, out, memory);
        for (let i = 0; i < n; i++) {
          if (!Object.is(out[i], expected[i])) throw new Error(`${op}(${String(left === x ? x[i] : left)}, ${String(right === y ? y[i] : right)}): ${out[i]} vs ${expected[i]}`);
        }
        for (const b of [x, y, out]) a.release(b);
      }),
      { numRuns: 300 },
    );
    expect(wasmCalls()).toBeGreaterThan(0);
  });

  it('where: the same bits as the TypeScript kernel', () => {
    const { memory, calls: wasmCalls } = counting(a);
    fc.assert(
      fc.property(fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 9 }), (pairs) => {
        const n = pairs.length;
        const x = a.take(n) as Float64Array;
        const mask = a.take(n) as Float64Array;
        const out = a.take(n) as Float64Array;
        pairs.forEach(([v, m], i) => {
          x[i] = v;
          mask[i] = m;
        });
        const expected = new Float64Array(n);
        whereKernel(Float64Array.from(x), Float64Array.from(mask), expected);
        whereKernel(x, mask, out, memory);
        for (let i = 0; i < n; i++) if (!Object.is(out[i], expected[i])) throw new Error(`cell ${i}: ${out[i]} vs ${expected[i]}`);
        for (const b of [x, mask, out]) a.release(b);
      }),
      { numRuns: 300 },
    );
    expect(wasmCalls()).toBeGreaterThan(0);
  });

  it('runs the TypeScript form when a buffer lies outside the arena', () => {
    const { memory, calls: wasmCalls } = counting(a);
    const x = Float64Array.from([1, 2, 4, 8, 16, 32]);
    const out = new Float64Array(6);
    lagStream(2, 1, 'pctChange', memory)(x, 0, 3, out);
    expect(Array.from(out)).toEqual([Number.NaN, Number.NaN, 3, 3, 3, 3]);
    expect(wasmCalls()).toBe(0);
  });
});

describe.skipIf(arena === undefined)('WasmArena', () => {
  const a = arena as WasmArena;

  it('keeps earlier buffers valid when the memory grows, and hands freed buffers out again', () => {
    const first = a.take(1000) as Float64Array;
    first.fill(7);
    const big = a.take(2_000_000) as Float64Array; // grows the memory
    big[1_999_999] = 3;
    expect(first.length).toBe(1000);
    expect(first[999]).toBe(7);
    expect(a.holds(first) && a.holds(big)).toBe(true);
    expect(a.pointer(new Float64Array(4))).toBe(-1);
    a.release(big);
    const again = a.take(2_000_000) as Float64Array;
    expect(again.byteOffset).toBe(big.byteOffset);
    a.release(again);
    a.release(first);
  });

  it('gives zeroed state, copies a market array in once and never copies its own buffers', () => {
    const used = a.take(64) as Float64Array;
    used.fill(9);
    a.release(used);
    expect(Array.from(a.alloc(64))).toEqual(new Array<number>(64).fill(0));
    const field = Float64Array.from({ length: 100 }, (_, i) => i / 3);
    const copy = a.adopt(field);
    expect(a.holds(copy)).toBe(true);
    expect(Array.from(copy)).toEqual(Array.from(field));
    expect(a.adopt(field)).toBe(copy);
    expect(a.adopt(copy)).toBe(copy);
  });
});
