import { DEFAULT_SIM_OPTIONS, type FactorGraph, type GraphNode } from '@alphaloop/strategy';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backtestGraph } from './backtest.js';
import { evaluateGraph, evaluateGraphWithReport } from './evaluate.js';
import { evaluateGraphReference } from './reference.js';
import { frameRow } from '../frame.js';
import { rollingSumKernel } from '../kernels/rolling.js';
import { buildGraph, simOptionsArbitrary, stepsArbitrary } from '../../test/support/graphs.js';
import { smallMarket } from '../../test/support/market.js';

const market = smallMarket();
const node = (id: number, op: string, args: number[], params: (number | string)[], type: GraphNode['type']): GraphNode => ({
  id, op, args, params, type,
});
const graph = (nodes: GraphNode[], root = nodes.length - 1): FactorGraph => ({ nodes, root, options: DEFAULT_SIM_OPTIONS });

describe('evaluateGraph', () => {
  it('evaluates close > close.average(5) like the kernels do', () => {
    const g = graph([
      node(0, 'data', [], ['price:close'], 'float_frame'),
      node(1, 'average', [0], [5], 'float_frame'),
      node(2, 'gt', [0, 1], [], 'bool_frame'),
    ]);
    const out = evaluateGraph(g, market)._unsafeUnwrap();
    const close = market.prices.close;
    const rows = close.dates.length;
    const cols = close.symbols.length;
    const avg = new Float64Array(rows * cols);
    rollingSumKernel(close.values, rows, cols, 5, 2, true, avg);
    for (let i = 0; i < avg.length; i++) expect(out.values[i]).toBe((close.values[i] as number) > (avg[i] as number) ? 1 : 0);
  });

  it('computes a shared node once and releases buffers when their last consumer ran', () => {
    // close feeds four consumers; a chain of 30 additions reuses at most a few buffers
    const nodes: GraphNode[] = [node(0, 'data', [], ['price:close'], 'float_frame'), node(1, 'const', [], [1], 'number')];
    nodes.push(node(2, 'average', [0], [3], 'float_frame'));
    nodes.push(node(3, 'sub', [0, 2], [], 'float_frame'));
    nodes.push(node(4, 'div', [3, 0], [], 'float_frame'));
    nodes.push(node(5, 'mul', [4, 0], [], 'float_frame'));
    for (let k = 0; k < 30; k++) nodes.push(node(nodes.length, 'add', [nodes.length - 1, 1], [], 'float_frame'));
    const { report } = evaluateGraphWithReport(graph(nodes), market)._unsafeUnwrap();
    expect(Math.max(...report.computed)).toBe(1);
    // the chain only ever needs two block buffers (input and output of the current addition); the root is whole
    expect(report.blockBuffers).toBeLessThanOrEqual(3);
    expect(report.fullBuffers).toBe(1);
    expect(report.reused).toBeGreaterThan(25);
  });

  it('puts a field on another grid (monthly revenue dated the 10th) on the trading calendar, as of each day', () => {
    const g = graph([node(0, 'data', [], ['monthly_revenue:revenue'], 'float_frame'), node(1, 'abs', [0], [], 'float_frame')]);
    const out = evaluateGraph(g, market)._unsafeUnwrap();
    const rev = market.fields.get('monthly_revenue:revenue');
    expect(out.dates).toBe(market.prices.close.dates);
    // 2023-01-09 (before the first publication) is NaN, 2023-01-10 has January's row
    expect(frameRow(out, 5).every(Number.isNaN)).toBe(true);
    expect(frameRow(out, 6)).toEqual(Array.from(rev?.values.subarray(0, 6) ?? []));
  });

  it('reports missing data, unknown ops and malformed graphs as values', () => {
    const missing = evaluateGraph(graph([node(0, 'data', [], ['price:nope'], 'float_frame')]), market);
    expect(missing._unsafeUnwrapErr().kind).toBe('data_missing');
    const unknown = evaluateGraph(
      graph([node(0, 'data', [], ['price:close'], 'float_frame'), node(1, 'frobnicate', [0], [], 'float_frame')]),
      market,
    );
    expect(unknown._unsafeUnwrapErr()).toMatchObject({ kind: 'unsupported_op', nodeId: 1 });
    const forward = evaluateGraph(graph([node(0, 'abs', [1], [], 'float_frame'), node(1, 'data', [], ['price:close'], 'float_frame')], 0), market);
    expect(forward._unsafeUnwrapErr().kind).toBe('invalid_input');
    const scalarRoot = evaluateGraph(graph([node(0, 'const', [], [2], 'number')]), market);
    expect(scalarRoot._unsafeUnwrapErr().kind).toBe('invalid_input');
    const badWindow = evaluateGraph(
      graph([node(0, 'data', [], ['price:close'], 'float_frame'), node(1, 'average', [0], [0], 'float_frame')]),
      market,
    );
    expect(badWindow._unsafeUnwrapErr()).toMatchObject({ kind: 'invalid_input', nodeId: 1, op: 'average' });
  });

  it('a strategy that never holds a position backtests to NaN metrics, not an exception', () => {
    const g = graph([
      node(0, 'data', [], ['price:close'], 'float_frame'),
      node(1, 'const', [], [1e12], 'number'),
      node(2, 'gt', [0, 1], [], 'bool_frame'),
    ]);
    const bt = backtestGraph(g, market, { splitDate: market.prices.close.dates[40] as number })._unsafeUnwrap();
    expect(bt.result.trades.count).toBe(0);
    expect(bt.statistics.full.dailySharpe).toBeNaN();
    expect(bt.statistics.full.winRatio).toBeNaN();
    expect(bt.statistics.full.totalReturn).toBe(0);
  });
});

describe('every valid graph evaluates and simulates (catalogue-driven property)', () => {
  it('streaming in blocks of any size gives exactly the whole-frame result', () => {
    const f = ['price:close', 'price:volume', 'monthly_revenue:revenue'];
    const rowsN = market.prices.close.dates.length;
    const colsN = market.prices.close.symbols.length;
    fc.assert(
      fc.property(stepsArbitrary, simOptionsArbitrary, fc.integer({ min: 1, max: 9 }), (steps, options, blockRows) => {
        const g = buildGraph(steps, f, rowsN, colsN, options);
        const expected = evaluateGraphReference(g, market)._unsafeUnwrap();
        const got = evaluateGraph(g, market, { blockRows })._unsafeUnwrap();
        expect(got.values.length).toBe(expected.values.length);
        for (let i = 0; i < got.values.length; i++) {
          const a = got.values[i] as number;
          const b = expected.values[i] as number;
          if (!(Object.is(a, b) || (a === b))) throw new Error(`cell ${i}: streamed ${a} vs whole ${b}\n${JSON.stringify(g.nodes)}`);
        }
      }),
      { numRuns: 200 },
    );
  });

  const fields = ['price:close', 'price:open', 'price:high', 'price:low', 'price:volume', 'monthly_revenue:revenue'];
  const rows = market.prices.close.dates.length;
  const cols = market.prices.close.symbols.length;
  it('never throws, never errs, statistics are numbers or NaN', () => {
    fc.assert(
      fc.property(stepsArbitrary, simOptionsArbitrary, fc.option(fc.integer({ min: 0, max: rows - 1 }), { nil: undefined }), (steps, options, split) => {
        const g = buildGraph(steps, fields, rows, cols, options);
        const bt = backtestGraph(g, market, split === undefined ? {} : { splitDate: market.prices.close.dates[split] as number });
        if (bt.isErr()) throw new Error(`${JSON.stringify(bt.error)}\n${JSON.stringify(g)}`);
        const { result, statistics } = bt.value;
        expect(result.creturn.length).toBe(result.dates.length);
        for (const v of result.creturn) expect(Number.isFinite(v)).toBe(true);
        for (const p of [statistics.full, statistics.inSample, statistics.holdout]) {
          if (p === null) continue;
          for (const k of ['totalReturn', 'cagr', 'maxDrawdown', 'calmar', 'dailySharpe', 'dailySortino', 'volatility', 'winRatio', 'turnover'] as const) {
            expect(typeof p[k]).toBe('number');
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('order-preserving rank skip', () => {
  it('score.rank().where(mask).isLargest(n) selects exactly what the computed rank selects', () => {
    const g = graph([
      node(0, 'data', [], ['price:close'], 'float_frame'),
      node(1, 'const', [], [2], 'number'),
      node(2, 'pctChange', [0], [3], 'float_frame'),
      node(3, 'fillna', [2], [0], 'float_frame'), // many exact ties at 0
      node(4, 'rank', [3], [], 'float_frame'),
      node(5, 'gt', [0, 1], [], 'bool_frame'),
      node(6, 'where', [4, 5], [], 'float_frame'),
      node(7, 'isLargest', [6], [3], 'bool_frame'),
      node(8, 'isSmallest', [4], [2], 'bool_frame'),
      node(9, 'or', [7, 8], [], 'bool_frame'),
    ]);
    const expected = evaluateGraphReference(g, market)._unsafeUnwrap();
    const got = evaluateGraphWithReport(g, market, { blockRows: 7 })._unsafeUnwrap();
    expect(Array.from(got.frame.values)).toEqual(Array.from(expected.values));
    expect(got.report.computed[4]).toBe(0); // the rank was not computed
    // a rank whose values are used (here by a comparison) is computed
    const used = graph([
      node(0, 'data', [], ['price:close'], 'float_frame'),
      node(1, 'const', [], [0.5], 'number'),
      node(2, 'rank', [0], [], 'float_frame'),
      node(3, 'gt', [2, 1], [], 'bool_frame'),
    ]);
    const r = evaluateGraphWithReport(used, market)._unsafeUnwrap();
    expect(r.report.computed[2]).toBe(1);
    expect(Array.from(r.frame.values)).toEqual(Array.from(evaluateGraphReference(used, market)._unsafeUnwrap().values));
  });
});

describe('BufferPool', () => {
  it('reuses whole-frame buffers across backtests without changing results', async () => {
    const { BufferPool } = await import('./pool.js');
    const pool = new BufferPool();
    const g = graph([
      node(0, 'data', [], ['price:close'], 'float_frame'),
      node(1, 'pctChange', [0], [1], 'float_frame'),
      node(2, 'average', [1], [5], 'float_frame'),
      node(3, 'isLargest', [2], [2], 'bool_frame'),
    ]);
    const first = backtestGraph(g, market)._unsafeUnwrap();
    for (let k = 0; k < 3; k++) {
      const again = backtestGraph(g, market, { pool })._unsafeUnwrap();
      expect(Array.from(again.result.creturn)).toEqual(Array.from(first.result.creturn));
    }
    expect(pool.size).toBe(3); // the pctChange frame (read by average), the average (kept on the rebalance rows) and the position
  });
});
