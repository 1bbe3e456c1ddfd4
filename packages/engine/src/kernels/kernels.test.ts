import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rankKernel, quantileRowKernel, selectKernel, zscoreKernel } from './cross-section.js';
import { binaryKernel, clipKernel, fillnaKernel, unaryKernel, whereKernel } from './elementwise.js';
import { holdUntilKernel } from './hold-until.js';
import {
  rollingExtremeKernel,
  rollingExtremeStream,
  rollingStdKernel,
  rollingStdStream,
  rollingSumKernel,
  rollingSumStream,
  sumMethodFor,
  sustainKernel,
  sustainStream,
  type HistoryStream,
} from './rolling.js';
import { diffKernel, emaKernel, entryExitKernel, pctChangeKernel, riseFallKernel, rsiKernel, shiftKernel } from './timeseries.js';

/** A small matrix with NaNs, repeated values and a few zeros. */
const matrix = fc
  .record({ rows: fc.integer({ min: 1, max: 14 }), cols: fc.integer({ min: 1, max: 5 }) })
  .chain(({ rows, cols }) =>
    fc
      .array(
        fc.oneof(
          { weight: 6, arbitrary: fc.integer({ min: -20, max: 20 }).map((v) => v / 4) },
          { weight: 1, arbitrary: fc.constant(Number.NaN) },
          { weight: 1, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
        ),
        { minLength: rows * cols, maxLength: rows * cols },
      )
      .map((v) => ({ rows, cols, x: Float64Array.from(v) })),
  );
const boolMatrix = matrix.map(({ rows, cols, x }) => ({ rows, cols, x: x.map((v) => (v > 0 ? 1 : 0)) }));

const col = (x: Float64Array, rows: number, cols: number, s: number): number[] =>
  Array.from({ length: rows }, (_, t) => x[t * cols + s] as number);

const close = (a: number, b: number): boolean =>
  (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

function expectClose(actual: Float64Array, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!close(actual[i] as number, expected[i] as number)) {
      throw new Error(`cell ${i}: got ${actual[i]}, expected ${expected[i]}\n${Array.from(actual)}\n${expected}`);
    }
  }
}

/** naive per-column rolling reference */
function naiveRolling(
  x: Float64Array, rows: number, cols: number, w: number, minP: number, f: (vals: number[]) => number,
): number[] {
  const out = new Array<number>(rows * cols).fill(Number.NaN);
  for (let s = 0; s < cols; s++) {
    const c = col(x, rows, cols, s);
    for (let t = 0; t < rows; t++) {
      const win = c.slice(Math.max(0, t - w + 1), t + 1).filter((v) => !Number.isNaN(v));
      out[t * cols + s] = win.length >= minP ? f(win) : Number.NaN;
    }
  }
  return out;
}
const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);
const std = (v: number[]): number => {
  if (v.length < 2) return Number.NaN;
  const m = sum(v) / v.length;
  return Math.sqrt(sum(v.map((u) => (u - m) ** 2)) / (v.length - 1));
};

describe('rolling kernels match naive windows', () => {
  it('sum / mean / average / std / max / min', () => {
    fc.assert(
      fc.property(matrix, fc.integer({ min: 1, max: 6 }), ({ rows, cols, x }, w) => {
        const out = new Float64Array(rows * cols);
        const half = Math.max(1, Math.floor(w / 2));
        for (const method of ['blocks', 'recorded'] as const) {
          rollingSumKernel(x, rows, cols, w, w, false, out, method);
          expectClose(out, naiveRolling(x, rows, cols, w, w, sum));
          rollingSumKernel(x, rows, cols, w, w, true, out, method);
          expectClose(out, naiveRolling(x, rows, cols, w, w, (v) => sum(v) / v.length));
          rollingSumKernel(x, rows, cols, w, half, true, out, method);
          expectClose(out, naiveRolling(x, rows, cols, w, half, (v) => sum(v) / v.length));
        }
        rollingStdKernel(x, rows, cols, w, w, out);
        const expStd = naiveRolling(x, rows, cols, w, w, std);
        for (let i = 0; i < out.length; i++) {
          const a = out[i] as number;
          const b = expStd[i] as number;
          if (!(Number.isNaN(a) && Number.isNaN(b)) && !(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)))) {
            throw new Error(`std cell ${i}: ${a} vs ${b}`);
          }
        }
        rollingExtremeKernel(x, rows, cols, w, 'max', out);
        expectClose(out, naiveRolling(x, rows, cols, w, w, (v) => Math.max(...v)));
        rollingExtremeKernel(x, rows, cols, w, 'min', out);
        expectClose(out, naiveRolling(x, rows, cols, w, w, (v) => Math.min(...v)));
      }),
      { numRuns: 300 },
    );
  });

  it('std of a constant window is exactly 0', () => {
    const x = Float64Array.from([0.1, 0.1, 0.1, 0.1, 0.3, 0.3, 0.3]);
    const out = new Float64Array(7);
    rollingStdKernel(x, 7, 1, 3, 3, out);
    expect(out[2]).toBe(0);
    expect(out[3]).toBe(0);
    expect(out[6]).toBe(0);
    expect(out[4]).toBeGreaterThan(0);
  });

  it('sustain counts true rows in the window, first n−1 rows false', () => {
    fc.assert(
      fc.property(boolMatrix, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), ({ rows, cols, x }, w, k0) => {
        const k = Math.min(k0, w);
        const out = new Float64Array(rows * cols);
        sustainKernel(x, rows, cols, w, k, out);
        const expected = naiveRolling(x, rows, cols, w, 0, sum).map((v, i) =>
          Math.floor(i / cols) >= w - 1 && v >= k ? 1 : 0,
        );
        expectClose(out, expected);
      }),
    );
  });
});

describe('sumMethodFor', () => {
  it('takes block suffixes when rebalances are a window or more apart, recorded prefixes otherwise', () => {
    expect(sumMethodFor(20, 'M')).toBe('blocks');
    expect(sumMethodFor(21, 'M')).toBe('blocks');
    expect(sumMethodFor(22, 'M')).toBe('recorded');
    expect(sumMethodFor(60, 'Q')).toBe('blocks');
    expect(sumMethodFor(64, 'Q')).toBe('recorded');
    expect(sumMethodFor(5, 'W')).toBe('blocks');
    expect(sumMethodFor(20, 'W')).toBe('recorded');
    expect(sumMethodFor(1, 'D')).toBe('blocks');
    expect(sumMethodFor(2, 'D')).toBe('recorded');
    expect(sumMethodFor(2, null)).toBe('recorded');
    expect(sumMethodFor(1, undefined)).toBe('blocks');
  });
});

describe('rolling streams asked for rows out of sequence', () => {
  const makers: [string, (cols: number, w: number) => HistoryStream][] = [
    ['sum by block suffixes', (c, w) => rollingSumStream(c, w, w, false, 'blocks')],
    ['average by block suffixes', (c, w) => rollingSumStream(c, w, Math.max(1, Math.floor(w / 2)), true, 'blocks')],
    ['sum by recorded prefixes', (c, w) => rollingSumStream(c, w, w, false, 'recorded')],
    ['average by recorded prefixes', (c, w) => rollingSumStream(c, w, Math.max(1, Math.floor(w / 2)), true, 'recorded')],
    ['std', (c, w) => rollingStdStream(c, w, w)],
    ['max', (c, w) => rollingExtremeStream(c, w, 'max')],
    ['min', (c, w) => rollingExtremeStream(c, w, 'min')],
    ['sustain', (c, w) => sustainStream(c, w, Math.max(1, w - 1))],
  ];
  /** Row ranges to ask for, in the order asked: ascending with gaps of any size, then some going back. */
  const calls = fc.array(fc.record({ at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 12 });

  it.each(makers)('%s: every row has the bits of the one-pass result, whatever was asked before', (_name, make) => {
    fc.assert(
      fc.property(matrix, fc.integer({ min: 1, max: 6 }), calls, fc.boolean(), ({ rows, cols, x }, w, asks, sorted) => {
        const expected = new Float64Array(rows * cols);
        make(cols, w)(x, 0, rows, expected);
        const stream = make(cols, w);
        const ranges = asks.map(({ at, length }) => [at % rows, Math.min(rows, (at % rows) + length)] as const);
        if (sorted) ranges.sort((a, b) => a[0] - b[0]);
        for (const [t0, t1] of ranges) {
          const out = new Float64Array((t1 - t0) * cols).fill(12345);
          stream(x, t0, t1, out);
          for (let i = 0; i < out.length; i++) {
            const a = out[i] as number;
            const b = expected[t0 * cols + i] as number;
            if (!Object.is(a, b)) throw new Error(`rows ${t0}–${t1 - 1}, cell ${i}: ${a} vs ${b}`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('time-series kernels', () => {
  it('shift / pctChange / diff / rise / fall / isEntry / isExit', () => {
    fc.assert(
      fc.property(matrix, fc.integer({ min: 0, max: 5 }), ({ rows, cols, x }, n) => {
        const out = new Float64Array(rows * cols);
        const at = (t: number, s: number): number => (t >= 0 ? (x[t * cols + s] as number) : Number.NaN);
        const each = (f: (t: number, s: number) => number): number[] =>
          Array.from({ length: rows * cols }, (_, i) => f(Math.floor(i / cols), i % cols));
        shiftKernel(x, rows, cols, n, false, out);
        expectClose(out, each((t, s) => at(t - n, s)));
        if (n >= 1) {
          pctChangeKernel(x, rows, cols, n, out);
          expectClose(out, each((t, s) => {
            const r = at(t, s) / at(t - n, s) - 1;
            return Number.isFinite(r) ? r : Number.NaN;
          }));
          diffKernel(x, rows, cols, n, out);
          expectClose(out, each((t, s) => at(t, s) - at(t - n, s)));
          riseFallKernel(x, rows, cols, n, 'rise', out);
          expectClose(out, each((t, s) => (at(t, s) > at(t - n, s) ? 1 : 0)));
          riseFallKernel(x, rows, cols, n, 'fall', out);
          expectClose(out, each((t, s) => (at(t, s) < at(t - n, s) ? 1 : 0)));
        }
        const b = x.map((v) => (v > 0 ? 1 : 0));
        const bt = (t: number, s: number): boolean => t >= 0 && b[t * cols + s] === 1;
        entryExitKernel(b, rows, cols, 'entry', out);
        expectClose(out, each((t, s) => (bt(t, s) && !bt(t - 1, s) ? 1 : 0)));
        entryExitKernel(b, rows, cols, 'exit', out);
        expectClose(out, each((t, s) => (!bt(t, s) && bt(t - 1, s) ? 1 : 0)));
        shiftKernel(b, rows, cols, n, true, out);
        expectClose(out, each((t, s) => (bt(t - n, s) ? 1 : 0)));
      }),
    );
  });

  it('ema with span n, seeded by the first valid value, NaN until n values', () => {
    const x = Float64Array.from([1, 2, Number.NaN, 4, 5]);
    const out = new Float64Array(5);
    emaKernel(x, 5, 1, 2, out);
    const a = 2 / 3;
    const e1 = 1;
    const e2 = a * 2 + (1 - a) * e1;
    const e4 = a * 4 + (1 - a) * e2;
    const e5 = a * 5 + (1 - a) * e4;
    expectClose(out, [Number.NaN, e2, Number.NaN, e4, e5]);
  });

  it('rsi (Wilder) against a hand computation', () => {
    // changes: +1, -2, +3, +1 ; n = 2
    const x = Float64Array.from([10, 11, 9, 12, 13]);
    const out = new Float64Array(5);
    rsiKernel(x, 5, 1, 2, out);
    const g2 = (1 + 0) / 2;
    const l2 = (0 + 2) / 2;
    const g3 = (g2 * 1 + 3) / 2;
    const l3 = (l2 * 1 + 0) / 2;
    const g4 = (g3 + 1) / 2;
    const l4 = l3 / 2;
    expectClose(out, [Number.NaN, Number.NaN, (100 * g2) / (g2 + l2), (100 * g3) / (g3 + l3), (100 * g4) / (g4 + l4)]);
    const flat = new Float64Array(4);
    rsiKernel(Float64Array.from([5, 5, 5, 5]), 4, 1, 2, flat);
    expectClose(flat, [Number.NaN, Number.NaN, 0, 0]);
  });
});

describe('cross-section kernels', () => {
  it('rank is pandas pct average rank', () => {
    fc.assert(
      fc.property(matrix, ({ rows, cols, x }) => {
        const out = new Float64Array(rows * cols);
        rankKernel(x, rows, cols, out);
        const expected: number[] = [];
        for (let t = 0; t < rows; t++) {
          const row = Array.from(x.subarray(t * cols, t * cols + cols));
          const valid = row.filter((v) => !Number.isNaN(v));
          for (const v of row) {
            if (Number.isNaN(v)) expected.push(Number.NaN);
            else {
              const less = valid.filter((u) => u < v).length;
              const eq = valid.filter((u) => u === v).length;
              expected.push((less + (eq + 1) / 2) / valid.length);
            }
          }
        }
        expectClose(out, expected);
      }),
    );
  });

  it('isLargest / isSmallest pick exactly min(n, valid), ties to the earlier column', () => {
    fc.assert(
      fc.property(matrix, fc.integer({ min: 1, max: 6 }), ({ rows, cols, x }, n) => {
        for (const which of ['largest', 'smallest'] as const) {
          const out = new Float64Array(rows * cols);
          selectKernel(x, rows, cols, n, which, out);
          const expected: number[] = [];
          for (let t = 0; t < rows; t++) {
            const row = Array.from(x.subarray(t * cols, t * cols + cols)).map((v, s) => ({ v, s }));
            const order = row
              .filter((c) => !Number.isNaN(c.v))
              .sort((a, b) => (which === 'largest' ? b.v - a.v : a.v - b.v) || a.s - b.s)
              .slice(0, n)
              .map((c) => c.s);
            for (let s = 0; s < cols; s++) expected.push(order.includes(s) ? 1 : 0);
          }
          expectClose(out, expected);
        }
      }),
    );
  });

  it('quantileRow interpolates linearly; zscore uses ddof 1', () => {
    const x = Float64Array.from([1, 2, 3, 4, Number.NaN, 5, 5, Number.NaN]);
    const out = new Float64Array(8);
    quantileRowKernel(x, 2, 4, 0.25, out);
    expectClose(out, [1.75, 1.75, 1.75, 1.75, 5, 5, 5, 5]);
    zscoreKernel(x, 2, 4, out);
    const sd = Math.sqrt((1.5 ** 2 + 0.5 ** 2) * 2 / 3);
    expectClose(out, [-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd, Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
  });
});

describe('elementwise kernels', () => {
  it('arithmetic: non-finite → NaN; comparisons: NaN false except ne', () => {
    const a = Float64Array.from([1, Number.NaN, 2, 0]);
    const b = Float64Array.from([0, 1, 2, 0]);
    const out = new Float64Array(4);
    binaryKernel('div', a, b, out);
    expectClose(out, [Number.NaN, Number.NaN, 1, Number.NaN]);
    binaryKernel('gt', a, 0.5, out);
    expectClose(out, [1, 0, 1, 0]);
    binaryKernel('ne', a, b, out);
    expectClose(out, [1, 1, 0, 0]);
    binaryKernel('eq', 2, b, out);
    expectClose(out, [0, 0, 1, 0]);
    binaryKernel('sub', 1, a, out);
    expectClose(out, [0, Number.NaN, -1, 1]);
    binaryKernel('maximum', a, b, out);
    expectClose(out, [1, Number.NaN, 2, 0]);
    binaryKernel('and', Float64Array.from([1, 1, 0, Number.NaN]), Float64Array.from([1, 0, 1, 1]), out);
    expectClose(out, [1, 0, 0, 0]);
    binaryKernel('or', Float64Array.from([1, 0, 0, Number.NaN]), Float64Array.from([0, 0, 1, 0]), out);
    expectClose(out, [1, 0, 1, 0]);
    unaryKernel('log', Float64Array.from([Math.E, 0, -1, Number.NaN]), out);
    expectClose(out, [1, Number.NaN, Number.NaN, Number.NaN]);
    unaryKernel('sqrt', Float64Array.from([4, 0, -1, Number.NaN]), out);
    expectClose(out, [2, 0, Number.NaN, Number.NaN]);
    unaryKernel('not', Float64Array.from([1, 0, Number.NaN, 1]), out);
    expectClose(out, [0, 1, 1, 0]);
    fillnaKernel(a, 7, out);
    expectClose(out, [1, 7, 2, 0]);
    clipKernel(Float64Array.from([-5, 0.5, 9, Number.NaN]), 0, 1, out);
    expectClose(out, [0, 0.5, 1, Number.NaN]);
    whereKernel(Float64Array.from([1, 2, 3, 4]), Float64Array.from([1, 0, Number.NaN, 1]), out);
    expectClose(out, [1, Number.NaN, Number.NaN, 4]);
  });
});

describe('holdUntil', () => {
  const run = (entry: number[][], exit: number[][], limit: number | null, rank?: number[][]): number[][] => {
    const rows = entry.length;
    const cols = entry[0]?.length ?? 0;
    const out = new Float64Array(rows * cols);
    holdUntilKernel(
      Float64Array.from(entry.flat()), Float64Array.from(exit.flat()),
      rank === undefined ? null : Float64Array.from(rank.flat()), rows, cols, limit, out,
    );
    return Array.from({ length: rows }, (_, t) => Array.from(out.subarray(t * cols, t * cols + cols)));
  };
  it('enters on entry, stays until exit', () => {
    expect(run([[1, 0], [0, 0], [0, 1], [0, 0]], [[0, 0], [0, 0], [1, 0], [0, 1]], null)).toEqual([
      [1, 0], [1, 0], [0, 1], [0, 0],
    ]);
  });
  it('with a limit: holdings first, then entries by rank (NaN last), ties by column', () => {
    const entry = [[1, 1, 1, 1], [1, 1, 1, 1], [0, 0, 0, 0]];
    const exit = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 1, 0, 0]];
    const rank = [[1, 3, Number.NaN, 3], [9, 9, 9, 9], [0, 0, 0, 0]];
    expect(run(entry, exit, 2, rank)).toEqual([[0, 1, 0, 1], [0, 1, 0, 1], [0, 0, 0, 1]]);
    expect(run(entry, exit, 3)).toEqual([[1, 1, 1, 0], [1, 1, 1, 0], [1, 0, 1, 0]]);
  });
});
