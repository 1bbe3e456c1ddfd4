import { evaluateGraphWithReport } from '@alphaloop/engine';
import { compileStrategy } from '@alphaloop/strategy';
import { describe, expect, it } from 'vitest';
import { STRATEGIES, testMarket } from '../test/support/market.js';
import { prepareMarket } from './market.js';
import { checkMemoryBudget, estimateBacktestBytes, peakFrameBuffers } from './memory.js';

const { market, context } = testMarket({ dates: 80, symbols: 6 });
const prepared = prepareMarket(market, context)._unsafeUnwrap();
const runnable = Object.entries(STRATEGIES).filter(([name]) => !['twoErrors', 'missingData'].includes(name));
const extra = [
  `const c = data.get('price:close');
const a = c.average(5); const b = c.average(10); const d = c.average(20); const e = c.rolling(30).max();
return (a + b + d + e).isLargest(2);`,
  `const c = data.get('price:close');
return c.rolling(5).min() > 1 && c.shift(3) > c.shift(4);`,
];

describe('peakFrameBuffers', () => {
  it.each([...runnable.map(([, code]) => code), ...extra])('equals the evaluator’s measured peak: %s', (code) => {
    const graph = compileStrategy(code, context)._unsafeUnwrap().graph;
    const report = evaluateGraphWithReport(graph, prepared)._unsafeUnwrap().report;
    expect(peakFrameBuffers(graph)).toBe(report.peakLive);
  });
});

describe('checkMemoryBudget', () => {
  const wide = compileStrategy(extra[0] as string, context)._unsafeUnwrap().graph;
  const narrow = compileStrategy(STRATEGIES.neverHolds, context)._unsafeUnwrap().graph;

  it('refuses a strategy whose frames would not fit, before it runs, and says how much it needs', () => {
    const bytes = estimateBacktestBytes(wide, 2000, 1000);
    expect(bytes).toBe((peakFrameBuffers(wide) + 2) * 2000 * 1000 * 8);
    const error = checkMemoryBudget(wide, 2000, 1000, 64)._unsafeUnwrapErr();
    expect(error.kind).toBe('backtest_out_of_memory');
    expect(error.message).toMatch(/needs about \d+ MB .*2000 dates × 1000 symbols.*limit of 64 MB/);
  });

  it('lets a strategy through that fits', () => {
    expect(checkMemoryBudget(narrow, 2000, 1000, 64).isOk()).toBe(true);
    expect(checkMemoryBudget(wide, 2000, 1000, 1024).isOk()).toBe(true);
  });
});
