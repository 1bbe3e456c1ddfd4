import { compileStrategy, type GraphNode } from '@alphaloop/strategy';
import { STRATEGY_CORPUS, TEST_FIELDS } from '@alphaloop/strategy/testing';
import { describe, expect, it } from 'vitest';
import type { FactorGraph } from '@alphaloop/strategy';
import { opTraits } from '../ops/index.js';
import { planEvaluation } from './plan.js';
import { rowDemand } from './row-only.js';

/** The plan's row-only marks when only some rows are read. */
const rowOnlyNodes = (g: FactorGraph): Uint8Array => planEvaluation(g, { rows: 100, cols: 3, someRows: true })._unsafeUnwrap().rowOnly;
const lagOf = (n: GraphNode): number | null => opTraits(n.op)?.lag?.(n.params) ?? null;

describe('rowOnlyNodes', () => {
  const context = { fields: TEST_FIELDS, dateCount: 2500 };
  const graphOf = (source: string) => compileStrategy(source, context)._unsafeUnwrap().graph;
  const opsOf = (source: string) => {
    const g = graphOf(source);
    const marks = rowOnlyNodes(g);
    return g.nodes.filter((_, i) => marks[i] === 1).map((n) => n.op).sort();
  };

  it('marks the row-wise tail with the windows and lags it reads and a lag\'s input, but not a window\'s input', () => {
    // the pctChange is read by a rolling window: every row of it is needed
    expect(opsOf(`const c = data.get('price:close');
return c.pctChange(1).average(20).where(c > c.rolling(20).max().shift(1)).isLargest(10);`)).toEqual(['average', 'gt', 'isLargest', 'rollingMax', 'shift', 'where']);
    // a lag reads two rows of its input per row: the abs() is computed on those rows only
    expect(opsOf(`const c = data.get('price:close');
return c.abs().shift(2) > c.pctChange(5);`)).toEqual(['abs', 'gt', 'pctChange', 'shift']);
    expect(opsOf(`const c = data.get('price:close');
return c.abs().average(5) > 1 && (c > 1).sustain(3);`)).toEqual(['and', 'average', 'gt', 'sustain']);
  });

  it('marks nothing when the root carries state from row to row', () => {
    expect(opsOf(`const c = data.get('price:close');
return c.ema(5) > 1;`)).toEqual(['gt']);
    expect(opsOf(`const c = data.get('price:close');
return (c > c.shift(1)).holdUntil(c < 0, 5);`)).toEqual([]);
  });

  it('marks only computed frame nodes of the corpus (never data, constants or numbers)', () => {
    for (const source of STRATEGY_CORPUS) {
      const g = graphOf(source);
      rowOnlyNodes(g).forEach((m: number, i: number) => {
        if (m === 1) expect(['data', 'const']).not.toContain(g.nodes[i]?.op);
        if (m === 1) expect(g.nodes[i]?.type).not.toBe('number');
      });
    }
  });
});

describe('lagOf', () => {
  const node = (op: string, params: unknown[]) => ({ id: 1, op, args: [0], params, type: 'float_frame' }) as unknown as GraphNode;

  it('is the lag of a lag, 1 for isEntry/isExit, null for anything else', () => {
    expect(lagOf(node('shift', [3]))).toBe(3);
    expect(lagOf(node('shift', [0]))).toBe(0);
    expect(lagOf(node('pctChange', [20]))).toBe(20);
    expect(lagOf(node('diff', [2]))).toBe(2);
    expect(lagOf(node('rise', [4]))).toBe(4);
    expect(lagOf(node('fall', [5]))).toBe(5);
    expect(lagOf(node('isEntry', []))).toBe(1);
    expect(lagOf(node('isExit', []))).toBe(1);
    expect(lagOf(node('average', [20]))).toBeNull();
    expect(lagOf(node('gt', []))).toBeNull();
    expect(lagOf(node('shift', [-1]))).toBeNull();
    expect(lagOf(node('shift', [1.5]))).toBeNull();
    expect(lagOf(node('shift', ['1']))).toBeNull();
  });
});

describe('rowDemand', () => {
  const context = { fields: TEST_FIELDS, dateCount: 2500 };
  /** The rows of each row-only node, by op name, for a graph on a grid of `rows` rows. */
  const demand = (source: string, requested: number[], rows: number) => {
    const g = compileStrategy(source, context)._unsafeUnwrap().graph;
    const plan = planEvaluation(g, { rows, cols: 3, someRows: true })._unsafeUnwrap();
    const marks = plan.rowOnly;
    const lists = rowDemand(plan.nodes, plan.traits, marks, g.root, Int32Array.from(requested), rows);
    const byOp: Record<string, number[]> = {};
    g.nodes.forEach((n, i) => {
      const l = lists[i];
      if (marks[i] === 1) expect(l).toBeDefined();
      else expect(l).toBeUndefined();
      if (l !== undefined) byOp[n.op] = Array.from(l);
    });
    return byOp;
  };

  it('gives the root the requested rows and a lag\'s input rows t and t − n (a shift\'s t − n only)', () => {
    expect(demand(`const c = data.get('price:close');
return c.abs().pctChange(2) > c.log().shift(3);`, [5, 9], 12)).toEqual({
      gt: [5, 9],
      pctChange: [5, 9],
      abs: [3, 5, 7, 9],
      shift: [5, 9],
      log: [2, 6],
    });
    // a rolling window's input is computed on every row: not row-only
    expect(demand(`const c = data.get('price:close');
return c.abs().average(4) > c.log();`, [5, 9], 12)).toEqual({ gt: [5, 9], average: [5, 9], log: [5, 9] });
  });

  it('reads nothing before row 0', () => {
    expect(demand(`const c = data.get('price:close');
return c.abs().pctChange(5) > 0;`, [0, 2, 7], 10)).toEqual({ gt: [0, 2, 7], pctChange: [0, 2, 7], abs: [0, 2, 7] });
  });

  it('is empty when the root is not row-only', () => {
    const g = compileStrategy(`const c = data.get('price:close');
return c.ema(5) > 1;`, context)._unsafeUnwrap().graph;
    const none = new Uint8Array(g.nodes.length);
    expect(rowDemand(g.nodes, g.nodes.map((n) => opTraits(n.op)), none, g.root, Int32Array.from([1, 2]), 10).every((l) => l === undefined)).toBe(true);
  });
});
