import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIM_OPTIONS } from '../catalogue/sim-options.js';
import { formatStrategyErrors } from '../errors.js';
import type { FactorGraph } from '../graph/types.js';
import { compileStrategy, type CompiledStrategy } from '../strategy.js';
import { arbitraryStrategy } from '../../test/support/arbitrary.js';
import { STRATEGY_CORPUS } from '../../test/support/corpus.js';
import { TEST_CONTEXT } from '../../test/support/market.js';
import { printExpression, printStrategy, quote } from './print.js';

const compile = (source: string): CompiledStrategy => {
  const result = compileStrategy(source, TEST_CONTEXT);
  if (result.isErr()) throw new Error(`${formatStrategyErrors(result.error)}\n${source}`);
  return result.value;
};
const RUNS = process.env['STRYKER_MUTATOR_WORKER'] === undefined ? 1_000 : 15;

/** print(parse(x)) is stable and parse(print(g)) equals g. */
function expectRoundTrip(source: string): void {
  const first = compile(source);
  const second = compile(first.canonicalSource);
  expect(second.graph).toEqual(first.graph);
  expect(second.canonicalSource).toBe(first.canonicalSource);
  expect(second.strategyId).toBe(first.strategyId);
  expect(printStrategy(first.graph)).toBe(first.canonicalSource);
}

describe('printStrategy round trip', () => {
  it('has a corpus of at least 30 strategies', () => {
    expect(STRATEGY_CORPUS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(STRATEGY_CORPUS.map((source, i) => [i + 1, source] as const))('corpus strategy %i', (_, source) => {
    expectRoundTrip(source);
  });

  it('holds for generated strategies', () => {
    fc.assert(fc.property(arbitraryStrategy, (source) => expectRoundTrip(source)), { numRuns: RUNS });
  });

  it('gives distinct corpus strategies distinct ids', () => {
    const ids = STRATEGY_CORPUS.map((source) => compile(source).strategyId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('printStrategy layout', () => {
  it('names data fields, shares repeated sub-expressions and inlines the rest', () => {
    const compiled = compile(`const close = data.get('price:收盤價');
const ma = close.average(20);
const momentum = close / close.shift(20) - 1;
return sim(momentum.where(close > ma && ma > ma.shift(1)).isLargest(10), { resample: 'M', trailStop: 0.1 });`);
    expect(compiled.canonicalSource).toBe(`const close = data.get('price:close');
const average20 = close.average(20);
const position = (close / close.shift(20) - 1).where(close > average20 && average20 > average20.shift(1)).isLargest(10);
return sim(position, { resample: 'M', trailStop: 0.1 });
`);
  });

  it('prints the minimal parentheses for precedence and associativity', () => {
    const cases: [string, string][] = [
      ['c - (c - c)', 'c - (c - c)'], ['(c - c) - c', 'c - c - c'], ['c / (c * c)', 'c / (c * c)'], ['c * c + c', 'c * c + c'],
      ['(c + c) * c', '(c + c) * c'], ['-(c + c)', '-(c + c)'], ['-(-c)', '-(-c)'], ['c - -1', 'c - -1'], ['-1 * c', '-1 * c'],
      ['(c + c).abs()', '(c + c).abs()'], ['(-c).abs()', '(-c).abs()'], ['c > 1 && (c < 2 || c > 3)', 'c > 1 && (c < 2 || c > 3)'],
      ['(c > 1 && c < 2) || c > 3', 'c > 1 && c < 2 || c > 3'], ['!(c > 1)', '!(c > 1)'], ['!!(c > 1)', '!!(c > 1)'],
      ['(c > 1) == (c > 2)', ''], ['c.max(-2)', 'c.max(-2)'], ['c.rolling(5).max()', 'c.rolling(5).max()'],
      ['(c > 1).holdUntil(c < 1, 3, c.rank())', '(c > 1).holdUntil(c < 1, 3, c.rank())'], ['(c > 1).holdUntil(c < 1, 3)', '(c > 1).holdUntil(c < 1, 3)'],
      ['c.clip(-0.5, 1e14)', 'c.clip(-0.5, 100000000000000)'], ['c > 1e21', 'c > 1e+21'], ['c > 1e-7', 'c > 1e-7'],
    ];
    for (const [expr, printed] of cases) {
      const result = compileStrategy(`const c = data.get('price:close');\nreturn sim(${expr});`, TEST_CONTEXT);
      if (printed === '') {
        expect(result.isErr()).toBe(true);
        continue;
      }
      const compiled = result._unsafeUnwrap();
      const line = compiled.canonicalSource.split('\n').find((l) => l.startsWith('const position = '));
      expect(line?.replace(/data\.get\('price:close'\)/g, 'c').replace(/close/g, 'c'), expr).toBe(`const position = ${printed};`);
      expectRoundTrip(compiled.canonicalSource);
    }
  });

  it('lists only options that differ from the defaults, in spec order', () => {
    expect(compile("const c = data.get('price:close');\nreturn sim(c > 1, { trailStop: 0.1, resample: 'M', positionLimit: 1 });").canonicalSource)
      .toContain("return sim(position, { resample: 'M', trailStop: 0.1 });");
    expect(compile("const c = data.get('price:close');\nreturn c > 1;").canonicalSource).toContain('return sim(position);');
    expect(compile("const c = data.get('price:close');\nreturn sim(c > 1, { touchedExit: true, tradeAt: 'open' });").canonicalSource)
      .toContain("return sim(position, { tradeAt: 'open', touchedExit: true });");
  });

  it('chooses valid, distinct variable names for any key', () => {
    const graph: FactorGraph = {
      nodes: [
        { id: 0, op: 'data', args: [], params: ['x:return'], type: 'float_frame' },
        { id: 1, op: 'data', args: [], params: ['y:return'], type: 'float_frame' },
        { id: 2, op: 'data', args: [], params: ['a:收盤價'], type: 'float_frame' },
        { id: 3, op: 'data', args: [], params: ["q:it's"], type: 'float_frame' },
        { id: 4, op: 'data', args: [], params: ['z:adj_close'], type: 'float_frame' },
        { id: 5, op: 'data', args: [], params: ['w:eval'], type: 'float_frame' },
        { id: 6, op: 'add', args: [0, 1], params: [], type: 'float_frame' },
        { id: 7, op: 'add', args: [6, 2], params: [], type: 'float_frame' },
        { id: 8, op: 'add', args: [7, 3], params: [], type: 'float_frame' },
        { id: 9, op: 'add', args: [8, 4], params: [], type: 'float_frame' },
        { id: 10, op: 'add', args: [9, 5], params: [], type: 'float_frame' },
      ],
      root: 10,
      options: DEFAULT_SIM_OPTIONS,
    };
    expect(printStrategy(graph)).toBe(`const return2 = data.get('x:return');
const return3 = data.get('y:return');
const field = data.get('a:收盤價');
const itS = data.get('q:it\\'s');
const adjClose = data.get('z:adj_close');
const eval2 = data.get('w:eval');
const position = return2 + return3 + field + itS + adjClose + eval2;
return sim(position);
`);
  });

  it('names shared nodes after their op and params', () => {
    const compiled = compile(`const c = data.get('price:close');
const q = c.quantileRow(0.25);
const k = c.clip(-1, 2);
const s = c.shift(1);
const s2 = c.shift(1).abs();
return sim(c > q && c < q * 2 && k > k.shift(1) && s > s2 && s2 > 1 && s > 0);`);
    expect(compiled.canonicalSource).toContain('const quantileRow0p25 = close.quantileRow(0.25);');
    expect(compiled.canonicalSource).toContain('const clipm1_2 = close.clip(-1, 2);');
    expect(compiled.canonicalSource).toContain('const shift1 = close.shift(1);');
    expect(compiled.canonicalSource).toContain('const abs = shift1.abs();');
  });

  it('prints single expressions with data inline', () => {
    const compiled = compile("const c = data.get('price:close');\nreturn c.average(5) > c;");
    expect(printExpression(compiled.graph, compiled.graph.root)).toBe("data.get('price:close').average(5) > data.get('price:close')");
    expect(printExpression(compiled.graph, 99)).toBe('');
  });

  it('refuses to inline exponentially large expressions', () => {
    const doubling = Array.from({ length: 40 }, (_, i) => `const d${i + 1} = d${i} + d${i};`).join('\n');
    const compiled = compile(`const d0 = data.get('price:close');\n${doubling}\nreturn d40 > 1;`);
    expect(compiled.graph.nodes.length).toBeLessThan(50);
    expect(compiled.canonicalSource.length).toBeLessThan(3_000);
    expect(printExpression(compiled.graph, compiled.graph.root)).toBe('');
    const small = compile("const d0 = data.get('price:close');\nconst d1 = d0 + d0;\nreturn d1 > 1;");
    expect(printExpression(small.graph, small.graph.root)).toBe("data.get('price:close') + data.get('price:close') > 1");
  });

  it('quotes strings as single-quoted JavaScript literals', () => {
    expect(quote('a')).toBe("'a'");
    expect(quote("it's")).toBe("'it\\'s'");
    expect(quote('say "hi"\n\\')).toBe(`'say "hi"\\n\\\\'`);
  });
});
