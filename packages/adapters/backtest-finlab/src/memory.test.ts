import { evaluateGraphWithReport, planEvaluation, positionRowsRead } from '@alphaloop/engine';
import { compileStrategy, MUTATION_OPERATORS, mutate, seededRandom, templateStrategy, type CompiledStrategy } from '@alphaloop/strategy';
import { describe, expect, it } from 'vitest';
import { STRATEGIES, testMarket } from '../test/support/market.js';
import { prepareMarket } from './market.js';
import { checkMemoryBudget, estimateBacktestBytes } from './memory.js';

const { market, context } = testMarket({ dates: 200, symbols: 400, complete: true });
const prepared = prepareMarket(market, context)._unsafeUnwrap();
const runnable = Object.entries(STRATEGIES)
  .filter(([name]) => !['twoErrors', 'missingData'].includes(name))
  .map(([, code]) => code);
const extra = [
  `const c = data.get('price:close');
const a = c.average(5); const b = c.average(10); const d = c.average(20); const e = c.rolling(30).max();
return (a + b + d + e).isLargest(2);`,
  `const c = data.get('price:close');
const r = c.pctChange(1);
return r.rolling(5).std().shift(1) > r.abs().average(20) && c.rolling(5).min() > 1;`,
];

/** What the evaluator really allocated, in bytes, from its own report. */
function measuredBytes(code: string | CompiledStrategy): { bytes: number; full: number; blocks: number } {
  const graph = typeof code === 'string' ? compileStrategy(code, context)._unsafeUnwrap().graph : code.graph;
  // as backtestGraph evaluates: with a resample, only the rows sim reads
  const dates = prepared.prices.close.dates;
  const rows = positionRowsRead(dates, dates, graph.options.resample);
  const { report } = evaluateGraphWithReport(graph, prepared, rows === null ? {} : { rows })._unsafeUnwrap();
  return {
    bytes: (report.fullBuffers * prepared.rows * prepared.cols + report.blockBuffers * report.blockRows * prepared.cols) * 8,
    full: report.fullBuffers,
    blocks: report.blockBuffers,
  };
}

describe('the memory estimate (the engine\'s evaluation plan)', () => {
  it.each([...runnable, ...extra])('is never below what the evaluator allocates: %s', (code) => {
    const graph = compileStrategy(code, context)._unsafeUnwrap().graph;
    const plan = planEvaluation(graph, { rows: prepared.rows, cols: prepared.cols, someRows: graph.options.resample !== null })._unsafeUnwrap();
    const measured = measuredBytes(code);
    expect(plan.wholeFrames).toBeGreaterThanOrEqual(measured.full);
    expect(plan.slots).toBe(measured.blocks);
    expect(estimateBacktestBytes(graph, prepared.rows, prepared.cols)).toBeGreaterThan(measured.bytes);
  });

  it('is never below what the evaluator allocates, along mutation chains from the template', () => {
    const random = seededRandom(99);
    let current = templateStrategy(context)._unsafeUnwrap();
    for (let i = 0; i < 24; i++) {
      const child = mutate(current, MUTATION_OPERATORS[i % MUTATION_OPERATORS.length] ?? 'perturb_parameter', random);
      if (child.isErr()) continue;
      current = child.value;
      const estimate = estimateBacktestBytes(current.graph, prepared.rows, prepared.cols);
      expect(estimate).toBeGreaterThan(measuredBytes(current).bytes);
    }
  });

  it('counts one copy per market field read and keeps cross-sectional intermediates in blocks', () => {
    const graph = compileStrategy(STRATEGIES.neverHolds, context)._unsafeUnwrap().graph; // close < 0: the root only
    const plan = planEvaluation(graph, { rows: 200, cols: 400, someRows: graph.options.resample !== null })._unsafeUnwrap();
    expect({ whole: plan.wholeFrames, slots: plan.slots, blockRows: plan.blockRows, stateCells: plan.stateCells, fields: plan.fields })
      .toEqual({ whole: 1, slots: 0, blockRows: 163, stateCells: 0, fields: ['price:close'] });
    expect(estimateBacktestBytes(graph, 200, 400)).toBe((1 + 1 + 2) * 200 * 400 * 8);
  });
});

describe('checkMemoryBudget', () => {
  const wide = compileStrategy(extra[1] as string, context)._unsafeUnwrap().graph;
  const narrow = compileStrategy(STRATEGIES.neverHolds, context)._unsafeUnwrap().graph;

  it('refuses a strategy whose working memory would not fit, before it runs, and says how much it needs', () => {
    const error = checkMemoryBudget(wide, 2000, 1000, 64)._unsafeUnwrapErr();
    expect(error.kind).toBe('backtest_out_of_memory');
    expect(error.message).toMatch(/needs about \d+ MB .*2000 dates × 1000 symbols.*limit of 64 MB/);
  });

  it('lets a strategy through that fits', () => {
    expect(checkMemoryBudget(narrow, 2000, 1000, 64).isOk()).toBe(true);
    expect(checkMemoryBudget(wide, 2000, 1000, 1024).isOk()).toBe(true);
  });
});
