import { OPERATION_CATALOGUE, type GraphNode, type OperationSpec } from '@alphaloop/strategy';
import { describe, expect, it } from 'vitest';
import { OPS, opRecord, type PreparedOp, type StreamArg } from './index.js';

const ROWS = 40;
const COLS = 5;

/** Deterministic test values with NaNs; bool inputs are 0/1. */
function input(seed: number, bool: boolean): Float64Array {
  const out = new Float64Array(ROWS * COLS);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const u = s / 2147483648;
    out[i] = bool ? (u < 0.5 ? 1 : 0) : u < 0.05 ? Number.NaN : 50 + 10 * Math.sin(i / 7) + u * 5;
  }
  return out;
}

/** Parameters that satisfy a spec (windows of 4, lags of 2, q of 0.5, limits of 2, bounds in order). */
function paramsFor(spec: OperationSpec): (number | string)[] {
  return spec.params
    .filter((p) => p.optional !== true)
    .map((p, i) => {
      if (p.type === 'string') return 'price:close';
      if (spec.name === 'clip') return i === 0 ? 40 : 60;
      if (p.name === 'q') return 0.5;
      if (p.name === 'k') return 2;
      if (p.name === 'value') return 1.5;
      return spec.name === 'rsi' ? 3 : 4;
    });
}

const streamed = OPERATION_CATALOGUE.filter((s) => s.kind !== 'literal' && s.kind !== 'data');

function prepared(spec: OperationSpec): { node: GraphNode; op: PreparedOp; args: Float64Array[] } {
  const args = spec.args.map((a, i) => input(7 + 13 * i, a.types.includes('bool_frame') && !a.types.includes('float_frame')));
  const node: GraphNode = {
    id: spec.args.length, op: spec.name, args: spec.args.map((_, i) => i), params: paramsFor(spec),
    type: spec.result === 'receiver' ? 'float_frame' : spec.result,
  };
  return { node, op: opRecord(spec.name)?.prepare(node)._unsafeUnwrap() as PreparedOp, args };
}

/** Runs a stream on rows [t0, t1), giving whole frames for past inputs and the block's rows for the others. */
function runRows(op: PreparedOp, past: readonly number[], args: Float64Array[], t0: number, t1: number, run = op.stream?.({ rows: ROWS, cols: COLS })): Float64Array {
  const out = new Float64Array((t1 - t0) * COLS);
  const block: StreamArg[] = args.map((a, k) => (past.includes(k) ? a : a.slice(t0 * COLS, t1 * COLS)));
  run?.(t0, t1, block, out);
  return out;
}

describe('the operation registry', () => {
  it('has a record for every catalogue operation, traits for every one but the leaves', () => {
    for (const spec of OPERATION_CATALOGUE) {
      const record = OPS[spec.name];
      expect(record, spec.name).toBeDefined();
      expect(record.traits === null, spec.name).toBe(spec.kind === 'literal' || spec.kind === 'data');
      for (const k of record.traits?.past ?? []) expect(k, spec.name).toBeLessThan(spec.args.length);
    }
    expect(opRecord('nope')).toBeUndefined();
    expect(opRecord('toString')).toBeUndefined();
  });

  // The traits are what the evaluator plans by: a stream given only the block's rows of its other inputs,
  // and run block by block, gives the whole-frame kernel's bits; a row-wise stream gives them on any lone row.
  it.each(streamed.map((s) => [s.name, s] as const))('%s: the stream matches the kernel block by block, and row by row when row-wise', (_name, spec) => {
    const { op, args } = prepared(spec);
    const traits = OPS[spec.name].traits;
    if (traits === null) throw new Error('no traits');
    const grid = { dates: Int32Array.from({ length: ROWS }, (_, i) => i), symbols: Array.from({ length: COLS }, (_, j) => `S${j}`) };
    const ctx = {
      grid: { ...grid, values: new Float64Array(ROWS * COLS) }, rows: ROWS, cols: COLS,
      alloc: () => new Float64Array(ROWS * COLS), release: () => undefined,
      data: () => { throw new Error('no data'); },
    };
    const whole = op.kernel(ctx, args.map((values) => ({ ...grid, values })))._unsafeUnwrap();
    const expected = Array.from(typeof whole === 'number' ? [] : whole.values);
    const run = op.stream?.({ rows: ROWS, cols: COLS });
    const blocks: number[] = [];
    for (let t0 = 0; t0 < ROWS; t0 += 7) blocks.push(...runRows(op, traits.past, args, t0, Math.min(ROWS, t0 + 7), run));
    expect(blocks).toEqual(expected);
    if (traits.rowwise) {
      for (const t of [33, 5, 20, 4, 39, 0]) {
        expect(Array.from(runRows(op, traits.past, args, t, t + 1)), `row ${t}`).toEqual(expected.slice(t * COLS, (t + 1) * COLS));
      }
    }
  });
});
