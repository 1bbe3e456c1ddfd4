/**
 * Evaluating only the rows `sim` reads (its rebalance rows) must not change any backtest: for generated
 * strategies, the corpus and mutation chains, under every resample, the equity curve, trades and statistics
 * equal those of a backtest on the fully evaluated position, bit for bit. So must running the hottest kernels
 * in WebAssembly (a pool's arena) instead of TypeScript.
 */
import { compileStrategy, mutate, MUTATION_OPERATORS, seededRandom, type CompileContext, type CompiledStrategy, type Resample } from '@alphaloop/strategy';
import { arbitraryStrategy, STRATEGY_CORPUS, TEST_FIELDS } from '@alphaloop/strategy/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { smallMarket } from '../../test/support/market.js';
import type { Frame } from '../frame.js';
import { positionRowsRead } from '../sim/schedule.js';
import { sim } from '../sim/sim.js';
import { backtestGraph, simStatistics } from './backtest.js';
import { evaluateGraph, evaluateGraphWithReport, type MarketFrames } from './evaluate.js';
import { BufferPool } from './pool.js';

const base = smallMarket(160, 9);
const fields = new Map<string, Frame>(base.fields as Map<string, Frame>);
TEST_FIELDS.forEach((f, i) => {
  const close = base.prices.close;
  if (!fields.has(f.key)) fields.set(f.key, { ...close, values: close.values.map((v, j) => (Number.isNaN(v) ? v : (v * (1 + i) + i * ((j % 5) - 2)) / 10)) });
});
const market: MarketFrames = { fields, prices: base.prices };
const context: CompileContext = { fields: TEST_FIELDS, dateCount: 2500 };
const RESAMPLES: readonly (Resample | null)[] = ['D', 'W', 'M', 'Q', null];
/** One pool for all the tests, as a research loop keeps one: its buffers and kernels are WebAssembly's. */
const wasmPool = new BufferPool();

/** The backtest on the position evaluated on every row, the way it was computed before rows were requested. */
function fullBacktest(s: CompiledStrategy, resample: Resample | null) {
  const position = evaluateGraph(s.graph, market)._unsafeUnwrap();
  const result = sim(position, market.prices, { ...s.graph.options, resample })._unsafeUnwrap();
  return { result, statistics: simStatistics(result) };
}

function agrees(s: CompiledStrategy): void {
  for (const resample of RESAMPLES) {
    const full = fullBacktest(s, resample);
    const requested = backtestGraph(s.graph, market, { sim: { resample } });
    if (requested.isErr()) throw new Error(`${s.canonicalSource}\n→ ${JSON.stringify(requested.error)}`);
    expect(Array.from(requested.value.result.creturn), `${resample} ${s.canonicalSource}`).toEqual(Array.from(full.result.creturn));
    expect(requested.value.result.trades.count).toBe(full.result.trades.count);
    expect(requested.value.statistics).toEqual(full.statistics);
    const inWasm = backtestGraph(s.graph, market, { sim: { resample }, pool: wasmPool })._unsafeUnwrap();
    expect(Array.from(inWasm.result.creturn), `WebAssembly, ${resample} ${s.canonicalSource}`).toEqual(Array.from(full.result.creturn));
    expect(inWasm.statistics).toEqual(full.statistics);
  }
}

describe('evaluating only the rows the simulation reads', () => {
  it('leaves every backtest of generated strategies unchanged, under every resample', () => {
    fc.assert(
      fc.property(arbitraryStrategy, (source) => {
        const compiled = compileStrategy(source, context);
        if (compiled.isErr()) throw new Error(`generated strategy does not compile: ${source}`);
        agrees(compiled.value);
      }),
      { numRuns: 60 },
    );
  });

  it('leaves the corpus and mutation chains from it unchanged', () => {
    STRATEGY_CORPUS.forEach((source, k) => {
      let current = compileStrategy(source, context)._unsafeUnwrap();
      agrees(current);
      const random = seededRandom(2000 + k);
      for (let gen = 0; gen < 2; gen++) {
        const op = MUTATION_OPERATORS[Math.floor(random.next() * MUTATION_OPERATORS.length)] ?? 'perturb_parameter';
        const child = mutate(current, op, random);
        if (child.isErr()) continue;
        agrees(child.value);
        current = child.value;
      }
    });
  });

  it('computes the row-wise tail of the template on the rebalance rows only, the rest of the result NaN', () => {
    const source = `const close = data.get('price:close');
const position = close.pctChange(1).average(5).where(close > close.rolling(5).max().shift(1)).isLargest(3);
return sim(position, { resample: 'M' });`;
    const s = compileStrategy(source, context)._unsafeUnwrap();
    const dates = market.prices.close.dates;
    const rows = positionRowsRead(dates, dates, 'M');
    if (rows === null) throw new Error('a monthly resample reads some rows only');
    expect(rows.length).toBeGreaterThan(2);
    expect(rows.length).toBeLessThan(dates.length / 10);
    const { frame, report } = evaluateGraphWithReport(s.graph, market, { rows })._unsafeUnwrap();
    const full = evaluateGraph(s.graph, market)._unsafeUnwrap();
    // isLargest, where, gt, the shift, the rolling max it reads and the average: 6 nodes (not the
    // pctChange, whose every row the average reads)
    expect(report.rowOnlyNodes).toBe(6);
    const cols = frame.symbols.length;
    const wanted = new Set(rows);
    for (let t = 0; t < dates.length; t++) {
      const row = Array.from(frame.values.subarray(t * cols, (t + 1) * cols));
      if (wanted.has(t)) expect(row).toEqual(Array.from(full.values.subarray(t * cols, (t + 1) * cols)));
      else expect(row.every(Number.isNaN)).toBe(true);
    }
  });

  it('runs the hottest kernels in WebAssembly with a pool (unless told not to)', () => {
    expect(wasmPool.arena).toBeDefined();
    expect(new BufferPool({ wasm: false }).arena).toBeUndefined();
  });

  it('computes every row without a resample, and rejects rows outside the grid or out of order', () => {
    const dates = market.prices.close.dates;
    expect(positionRowsRead(dates, dates, null)).toBeNull();
    const s = compileStrategy(STRATEGY_CORPUS[0] as string, context)._unsafeUnwrap();
    expect(evaluateGraphWithReport(s.graph, market, { rows: [dates.length] })._unsafeUnwrapErr().message).toMatch(/not a row/);
    expect(evaluateGraphWithReport(s.graph, market, { rows: [3, 1] })._unsafeUnwrapErr().message).toMatch(/ascending/);
    expect(evaluateGraphWithReport(s.graph, market, { rows: [1, 1, 2] }).isOk()).toBe(true);
  });
});
