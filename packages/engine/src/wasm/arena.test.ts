import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rollingStdStream, rollingSumStream, type HistoryStream } from '../kernels/rolling.js';
import { lagStream } from '../kernels/timeseries.js';
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
