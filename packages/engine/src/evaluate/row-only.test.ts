import { compileStrategy, type GraphNode } from '@alphaloop/strategy';
import { STRATEGY_CORPUS, TEST_FIELDS } from '@alphaloop/strategy/testing';
import { describe, expect, it } from 'vitest';
import { rowOnlyNodes, streamTraits } from './row-only.js';
import { STREAMS } from './streams.js';

const PARAM_CANDIDATES: readonly (readonly number[])[] = [[], [5], [5, 3], [0.5], [0.1, 0.9]];

describe('streamTraits', () => {
  it.each(Object.keys(STREAMS))('matches how the evaluator runs %s', (op) => {
    const made = PARAM_CANDIDATES.map((params) => {
      const node = { id: 2, op, args: [0, 1, 1], params, type: 'float_frame' } as unknown as GraphNode;
      return (STREAMS[op] as NonNullable<(typeof STREAMS)[string]>)(node, { rows: 10, cols: 3 });
    }).find((r) => r.isOk());
    if (made === undefined) throw new Error(`no parameters build ${op}`);
    const { history, rowwise } = made._unsafeUnwrap();
    expect({ history, rowwise }).toEqual(streamTraits(op));
  });

  it('has no traits for the leaves', () => {
    expect(streamTraits('data')).toBeUndefined();
    expect(streamTraits('const')).toBeUndefined();
  });
});

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
      rowOnlyNodes(g).forEach((m, i) => {
        if (m === 1) expect(['data', 'const']).not.toContain(g.nodes[i]?.op);
        if (m === 1) expect(g.nodes[i]?.type).not.toBe('number');
      });
    }
  });
});
