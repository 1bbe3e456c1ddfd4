import { describe, expect, it } from 'vitest';
import { formatStrategyError, formatStrategyErrors, type StrategyError } from '../errors.js';
import type { GraphNode } from '../graph/types.js';
import { LIMITS } from '../limits.js';
import { compileStrategy, type CompiledStrategy } from '../strategy.js';
import { TEST_CONTEXT } from '../../test/support/market.js';

const CLOSE = "const close = data.get('price:close');\n";
const ok = (source: string): CompiledStrategy => {
  const result = compileStrategy(source, TEST_CONTEXT);
  if (result.isErr()) throw new Error(formatStrategyErrors(result.error));
  return result.value;
};
const errors = (source: string): readonly StrategyError[] => compileStrategy(source, TEST_CONTEXT)._unsafeUnwrapErr();
const first = (source: string): StrategyError => errors(source)[0] as StrategyError;
const rootOf = (compiled: CompiledStrategy): GraphNode => compiled.graph.nodes[compiled.graph.root] as GraphNode;
const opsOf = (compiled: CompiledStrategy): string[] => compiled.graph.nodes.map((n) => n.op);
/** The root node of `return <expr> > 0` style probes: compiles `expr` and returns its node. */
const probe = (expr: string): GraphNode => {
  const compiled = ok(`${CLOSE}const x = ${expr};\nreturn x;`);
  return rootOf(compiled);
};

describe('compileStrategy: the graph', () => {
  it('compiles the design example into a typed, topologically ordered graph', () => {
    const compiled = ok(`${CLOSE}const volume = data.get('price:volume');
const momentum = close / close.shift(20) - 1;
const entry = close > close.average(60) && volume.average(20) > 1_000_000;
return sim(momentum.where(entry).isLargest(10), { resample: 'M', stopLoss: 0.08 });`);
    const { nodes } = compiled.graph;
    nodes.forEach((node, i) => {
      expect(node.id).toBe(i);
      for (const arg of node.args) expect(arg).toBeLessThan(i);
    });
    expect(rootOf(compiled)).toMatchObject({ op: 'isLargest', params: [10], type: 'bool_frame' });
    expect(compiled.graph.root).toBe(nodes.length - 1);
    expect(nodes.find((n) => n.op === 'data' && n.params[0] === 'price:close')?.type).toBe('float_frame');
    expect(nodes.find((n) => n.op === 'const' && n.params[0] === 1_000_000)?.type).toBe('number');
    expect(nodes.find((n) => n.op === 'and')?.type).toBe('bool_frame');
    expect(compiled.options).toMatchObject({ resample: 'M', stopLoss: 0.08, trailStop: null, feeRatio: 0.001425 });
    expect(compiled.graph.options).toBe(compiled.options);
    expect(compiled.strategyId).toMatch(/^[0-9a-f]{16}$/);
    expect(compiled.lineage).toBeNull();
    expect(compiled.context).toBe(TEST_CONTEXT);
  });

  it('hash-conses equal sub-expressions into one node', () => {
    const compiled = ok(`${CLOSE}const a = close.average(20);\nconst b = close.average(20);\nreturn a > b;`);
    expect(opsOf(compiled)).toEqual(['data', 'average', 'gt']);
    expect(rootOf(compiled).args).toEqual([1, 1]);
  });

  it('keeps only nodes reachable from the position and warns about unused names', () => {
    const compiled = ok(`${CLOSE}const unused = close.rsi(14);\nreturn close > 1;`);
    expect(opsOf(compiled)).toEqual(['data', 'const', 'gt']);
    expect(compiled.warnings).toEqual([
      { kind: 'unused_declaration', line: 2, column: 7, message: "'unused' is declared but never used", hint: 'remove it or use it in the position' },
    ]);
    expect(ok(`${CLOSE}return close > 1;`).warnings).toEqual([]);
  });

  it('folds constant arithmetic and unary minus, and normalises -0', () => {
    expect(probe('close * (2 * 3 - 1 / 4 + 0.25)')).toMatchObject({ op: 'mul' });
    const compiled = ok(`${CLOSE}return close > 2 * 3 - 1 / 4 + 0.25;`);
    expect(compiled.graph.nodes.find((n) => n.op === 'const')?.params).toEqual([6]);
    expect(ok(`${CLOSE}return close > -(-2);`).graph.nodes[1]?.params).toEqual([2]);
    expect(ok(`${CLOSE}return close > -0;`).graph.nodes[1]?.params).toEqual([0]);
    expect(ok(`${CLOSE}return close > 0 * -1;`).graph.nodes[1]?.params).toEqual([0]);
    expect(ok(`${CLOSE}return close > 1 - 1;`).graph.nodes[1]?.params).toEqual([0]);
    expect(ok(`${CLOSE}return close > 1_000;`).graph.nodes[1]?.params).toEqual([1000]);
    expect(ok(`${CLOSE}return close > 0x10;`).graph.nodes[1]?.params).toEqual([16]);
    expect(ok(`${CLOSE}return close.fillna(-0) > 1;`).graph.nodes[1]?.params).toEqual([0]);
  });

  it('maps every operator to its op, with numbers on either side', () => {
    const cases: [string, string, string][] = [
      ['close + 1', 'add', 'float_frame'], ['1 - close', 'sub', 'float_frame'], ['close * close', 'mul', 'float_frame'], ['close / 2', 'div', 'float_frame'],
      ['close > 1', 'gt', 'bool_frame'], ['close >= 1', 'ge', 'bool_frame'], ['close < 1', 'lt', 'bool_frame'], ['close <= 1', 'le', 'bool_frame'],
      ['close == 1', 'eq', 'bool_frame'], ['close === 1', 'eq', 'bool_frame'], ['close != 1', 'ne', 'bool_frame'], ['close !== 1', 'ne', 'bool_frame'],
      ['close > 1 && close < 2', 'and', 'bool_frame'], ['(close > 1) & (close < 2)', 'and', 'bool_frame'],
      ['close > 1 || close < 2', 'or', 'bool_frame'], ['(close > 1) | (close < 2)', 'or', 'bool_frame'],
      ['!(close > 1)', 'not', 'bool_frame'], ['-close', 'neg', 'float_frame'],
    ];
    for (const [expr, op, type] of cases) expect(probe(expr), expr).toMatchObject({ op, type });
    expect(ok(`${CLOSE}return 1 - close;`).graph.nodes.map((n) => n.op)).toEqual(['const', 'data', 'sub']);
  });

  it('compiles every catalogue method with its params and defaults filled in', () => {
    const cases: [string, string, readonly (number | string)[], string][] = [
      ['close.average(5)', 'average', [5], 'float_frame'],
      ['close.rolling(5).mean()', 'rollingMean', [5], 'float_frame'],
      ['close.rolling(5).sum()', 'rollingSum', [5], 'float_frame'],
      ['close.rolling(5).max()', 'rollingMax', [5], 'float_frame'],
      ['close.rolling(5).min()', 'rollingMin', [5], 'float_frame'],
      ['close.rolling(5).std()', 'rollingStd', [5], 'float_frame'],
      ['close.shift(0)', 'shift', [0], 'float_frame'],
      ['(close > 1).shift(3)', 'shift', [3], 'bool_frame'],
      ['close.pctChange()', 'pctChange', [1], 'float_frame'],
      ['close.pctChange(5)', 'pctChange', [5], 'float_frame'],
      ['close.diff()', 'diff', [1], 'float_frame'],
      ['close.rise()', 'rise', [1], 'bool_frame'],
      ['close.fall(3)', 'fall', [3], 'bool_frame'],
      ['(close > 1).sustain(5)', 'sustain', [5, 5], 'bool_frame'],
      ['(close > 1).sustain(5, 2)', 'sustain', [5, 2], 'bool_frame'],
      ['close.ema(12)', 'ema', [12], 'float_frame'],
      ['close.rsi(14)', 'rsi', [14], 'float_frame'],
      ['close.rank()', 'rank', [], 'float_frame'],
      ['close.isLargest(3)', 'isLargest', [3], 'bool_frame'],
      ['close.isSmallest(3)', 'isSmallest', [3], 'bool_frame'],
      ['close.quantileRow(0.25)', 'quantileRow', [0.25], 'float_frame'],
      ['close.zscore()', 'zscore', [], 'float_frame'],
      ['close.where(close > 1)', 'where', [], 'float_frame'],
      ['close.fillna(0)', 'fillna', [0], 'float_frame'],
      ['close.abs()', 'abs', [], 'float_frame'],
      ['close.log()', 'log', [], 'float_frame'],
      ['close.sqrt()', 'sqrt', [], 'float_frame'],
      ['close.max(close.shift(1))', 'maximum', [], 'float_frame'],
      ['close.min(3)', 'minimum', [], 'float_frame'],
      ['close.clip(-1, 1)', 'clip', [-1, 1], 'float_frame'],
      ['(close > 1).isEntry()', 'isEntry', [], 'bool_frame'],
      ['(close > 1).isExit()', 'isExit', [], 'bool_frame'],
      ['(close > 1).holdUntil(close < 1)', 'holdUntil', [], 'bool_frame'],
      ['(close > 1).holdUntil(close < 1, 5)', 'holdUntil', [5], 'bool_frame'],
      ['(close > 1).holdUntil(close < 1, 5, close.rank())', 'holdUntil', [5], 'bool_frame'],
    ];
    for (const [expr, op, params, type] of cases) expect(probe(expr), expr).toMatchObject({ op, params, type });
    expect(probe('(close > 1).holdUntil(close < 1, 5, close.rank())').args).toHaveLength(3);
    expect(probe('close.min(3)').args).toHaveLength(2);
  });

  it('accepts constants declared with const wherever a number or key is expected', () => {
    const compiled = ok("const key = 'price:close';\nconst n = 10 * 2;\nconst close = data.get(key);\nreturn close.average(n) > close;");
    expect(compiled.graph.nodes[1]).toMatchObject({ op: 'average', params: [20] });
  });

  it('resolves data aliases to the canonical key', () => {
    const a = ok("const c = data.get('price:收盤價');\nreturn c > 1;");
    const b = ok("const c = data.get('price:close');\nreturn c > 1;");
    expect(a.graph).toEqual(b.graph);
    expect(a.strategyId).toBe(b.strategyId);
  });

  it('gives equal ids to strategies that differ only in names, layout and comments', () => {
    const a = ok(`${CLOSE}const ma = close.average(20); // trend\nreturn sim(close > ma, { resample: 'M' });`);
    const b = ok("/* x */ const c=data.get('price:close');const m=(c.average(20));\n\n\nreturn sim(((c) > (m)), {'resample':'M',});");
    expect(a.strategyId).toBe(b.strategyId);
    expect(a.canonicalSource).toBe(b.canonicalSource);
    expect(ok(`${CLOSE}return close > close.average(21);`).strategyId).not.toBe(a.strategyId);
  });
});

describe('compileStrategy: return and sim options', () => {
  it('accepts a bare position with default options, and sim without options', () => {
    expect(ok(`${CLOSE}return close > 1;`).options).toEqual(ok(`${CLOSE}return sim(close > 1);`).options);
    expect(ok(`${CLOSE}return close > 1;`).options.resample).toBeNull();
    expect(rootOf(ok(`${CLOSE}return close.rank();`)).type).toBe('float_frame');
  });

  it('checks every option against its spec', () => {
    const options = ok(`${CLOSE}return sim(close > 1, { resample: 'Q', stopLoss: 0.1, takeProfit: 2, trailStop: 1, positionLimit: 0.5,
      feeRatio: 0, taxRatio: 0.05, tradeAt: 'open', touchedExit: true, retainCostWhenRebalance: true, stopTradingNextPeriod: false });`).options;
    expect(options).toEqual({ resample: 'Q', stopLoss: 0.1, takeProfit: 2, trailStop: 1, positionLimit: 0.5, feeRatio: 0, taxRatio: 0.05,
      tradeAt: 'open', touchedExit: true, retainCostWhenRebalance: true, stopTradingNextPeriod: false });
    expect(ok(`${CLOSE}return sim(close > 1, { resample: null, stopLoss: null, takeProfit: null });`).options).toMatchObject({ resample: null, stopLoss: null, takeProfit: null });
    expect(ok(`${CLOSE}return sim(close > 1, { feeRatio: 1.425 / 1000 / 3 });`).options.feeRatio).toBeCloseTo(0.000475, 9);
    const shorthand = ok(`${CLOSE}const resample = 'W';\nreturn sim(close > 1, { resample });`);
    expect(shorthand.options.resample).toBe('W');
  });

  it('refuses cost options when the run sets costs, naming where they are written, and allows every other option', () => {
    const runCosts = { ...TEST_CONTEXT, runSetsCosts: true };
    for (const name of ['feeRatio', 'taxRatio']) {
      const failed = compileStrategy(`${CLOSE}return sim(close > 1, { resample: 'D', ${name}: 0 });`, runCosts)._unsafeUnwrapErr();
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({
        kind: 'invalid_option',
        line: 2,
        column: 40,
        message: `'${name}' is set by the run, not by the strategy: every strategy of a run pays the run's fees and tax`,
        hint: `remove ${name} from the sim options`,
      });
    }
    expect(compileStrategy(`${CLOSE}return sim(close > 1, { resample: 'D', stopLoss: 0.05, touchedExit: true });`, runCosts).isOk()).toBe(true);
    expect(compileStrategy(`${CLOSE}return sim(close > 1, { feeRatio: 0 });`, { ...TEST_CONTEXT, runSetsCosts: false }).isOk()).toBe(true);
  });

  it.each([
    ["{ resample: 'ME' }", 'invalid_option', "resample must be 'D', 'W', 'M' or 'Q' or null, not 'ME'", "write resample: 'M'"],
    ['{ resample: 1 }', 'invalid_option', "resample must be 'D', 'W', 'M' or 'Q' or null, not the number 1", "write resample: 'D'"],
    ['{ tradeAt: null }', 'invalid_option', 'tradeAt cannot be null', 'omit it to use the default "close"'],
    ["{ touchedExit: 'yes' }", 'invalid_option', "touchedExit must be true or false, not the string 'yes'", 'write touchedExit: true'],
    ["{ stopLoss: 'x' }", 'invalid_option', "stopLoss must be a number or null, not the string 'x'", 'write stopLoss: 0.1'],
    ['{ positionLimit: close }', 'invalid_option', 'positionLimit must be a number, not a float frame', 'sim options are fixed numbers; frames belong in the position'],
    ['{ stopLoss: 8 }', 'invalid_option', 'stopLoss is 8, outside (0, 1]', 'use a value in that range; a percentage is written as a fraction: 0.08 for 8%'],
    ['{ stopLoss: 0 }', 'invalid_option', 'stopLoss is 0, outside (0, 1]: a stop of 0 does not exist (FinLab reads it as no stop)',
      'write stopLoss: null or leave it out for no stop, or a fraction such as stopLoss: 0.1'],
    ['{ trailStop: 0 }', 'invalid_option', 'trailStop is 0, outside (0, 1]: a stop of 0 does not exist (FinLab reads it as no stop)',
      'write trailStop: null or leave it out for no stop, or a fraction such as trailStop: 0.1'],
    ['{ takeProfit: 0 }', 'invalid_option', 'takeProfit is 0, outside (0, 10]: a stop of 0 does not exist (FinLab reads it as no stop)',
      'write takeProfit: null or leave it out for no stop, or a fraction such as takeProfit: 1'],
    ['{ stopLoss: -0.1 }', 'invalid_option', 'stopLoss is -0.1, outside (0, 1]', 'use a value in that range'],
    ['{ positionLimit: 0 }', 'invalid_option', 'positionLimit is 0, outside (0, 1]', 'use a value in that range'],
    ['{ feeRatio: -0.001 }', 'invalid_option', 'feeRatio is -0.001, outside [0, 0.05]', 'use a value in that range'],
    ['{ takeProfit: 500 }', 'invalid_option', 'takeProfit is 500, outside (0, 10]', 'use a value in that range'],
    ['{ stop_loss: 0.1 }', 'unknown_option', "unknown sim option 'stop_loss'. Did you mean 'stopLoss'?", undefined],
    ["{ trade_at_price: 'open' }", 'unknown_option', "unknown sim option 'trade_at_price'. Did you mean 'tradeAt'?", undefined],
    ["{ name: 'x' }", 'unknown_option', "the FinLab option 'name' is not supported here", 'remove it'],
    ['{ banana: 1 }', 'unknown_option', "unknown sim option 'banana'.", undefined],
    ["{ resample: 'M', resample: 'W' }", 'invalid_option', "the option 'resample' is given twice", 'keep one of them'],
    ["{ ['resample']: 'M' }", 'forbidden_syntax', 'sim options must be plain name: value pairs', undefined],
    ['{ stopLoss() { return 1; } }', 'forbidden_syntax', 'sim options must be plain name: value pairs', undefined],
    ['{ get stopLoss() { return 1; } }', 'forbidden_syntax', 'sim options must be plain name: value pairs', undefined],
    ['{ ...x }', 'forbidden_syntax', 'spread (...) is not allowed in sim options', undefined],
    ['{ 1: 2 }', 'invalid_option', 'an option name must be a plain name', undefined],
    ['{ constructor: 1 }', 'forbidden_identifier', "'constructor' is not an option and reaches into the object model", undefined],
    ['opts', 'invalid_option', "the options of sim must be an object literal, not 'opts'", undefined],
    ['[1]', 'invalid_option', 'the options of sim must be an object literal, not an expression', undefined],
  ])('sim options %s → %s', (options, kind, message, hint) => {
    const error = first(`${CLOSE}const opts = 1;\nreturn sim(close > 1, ${options});`);
    expect(error.kind).toBe(kind);
    expect(error.message).toBe(message);
    if (hint !== undefined) expect(error.hint).toBe(hint);
    expect(error.line).toBe(3);
  });

  it('rejects wrong sim calls and non-frame positions', () => {
    expect(first(`${CLOSE}return sim();`)).toMatchObject({ kind: 'wrong_arguments', message: 'sim takes a position and an optional options object, got 0 arguments' });
    expect(first(`${CLOSE}return sim(close > 1, {}, 3);`).message).toBe('sim takes a position and an optional options object, got 3 arguments');
    expect(first(`${CLOSE}return sim(3);`)).toMatchObject({ kind: 'type_mismatch', message: 'the position must be a frame (a condition or weights), not the number 3' });
    expect(first(`${CLOSE}return 'x';`).message).toBe("the position must be a frame (a condition or weights), not the string 'x'");
    expect(first(`${CLOSE}return;`)).toMatchObject({ kind: 'missing_return', message: 'the return statement returns nothing' });
    expect(first(`${CLOSE}return sim(clsoe);`).kind).toBe('unknown_name');
    expect(first(`${CLOSE}return sim(close > 1, { resample: clsoe });`).kind).toBe('unknown_name');
  });
});

describe('compileStrategy: errors', () => {
  it('reports line and column (1-based) of the offending expression', () => {
    const error = first(`${CLOSE}const ma = close.average(20);\nconst bad = close.shift(-3);\nreturn close > ma;`);
    expect(error).toEqual({ kind: 'look_ahead', line: 3, column: 25, message: 'shift(-3) looks 3 days into the future', hint: 'shift needs n ≥ 0; for the value 3 days ago write shift(3)' });
    expect(formatStrategyError(error)).toBe('3:25: shift(-3) looks 3 days into the future — shift needs n ≥ 0; for the value 3 days ago write shift(3)');
  });

  it('collects one error per failing statement without cascades, up to the cap', () => {
    const list = errors(`${CLOSE}const a = close.foo(1);\nconst b = a.average(5);\nconst c = close.bar();\nreturn sim(b > c);`);
    expect(list.map((e) => [e.kind, e.line])).toEqual([['unknown_method', 2], ['unknown_method', 4]]);
    const many = errors(Array.from({ length: 20 }, (_, i) => `const x${i} = nope${i};`).join('\n'));
    expect(many).toHaveLength(LIMITS.maxErrors);
    expect(formatStrategyErrors(many.slice(0, 2))).toBe([
      "1:12: unknown name 'nope0' — declare it first: const nope0 = ...; (data is read with data.get('key'))",
      "2:12: unknown name 'nope1' — declare it first: const nope1 = ...; (data is read with data.get('key'))",
    ].join('\n'));
  });

  it.each([
    ['close.average()', 'wrong_arguments', 'average() takes 1 argument (n), got 0', 'write x.average(n)'],
    ['close.average(5, 6)', 'wrong_arguments', 'average() takes 1 argument (n), got 2', 'write x.average(n)'],
    ['(close > 1).sustain()', 'wrong_arguments', 'sustain() takes 1 to 2 arguments (n, k), got 0', 'write x.sustain(n, k)'],
    ['close.average(close)', 'type_mismatch', 'the n of average() must be a number written in the strategy, not a float frame', 'write x.average(n) with a literal number, e.g. 20'],
    ['close.average(2.5)', 'parameter_out_of_range', 'the n of average() must be a whole number, got 2.5', 'use 3'],
    ['close.average(0.2)', 'parameter_out_of_range', 'the n of average() must be a whole number, got 0.2', 'use 1'],
    ['close.average(0)', 'parameter_out_of_range', 'the n of average() is 0, below the minimum 1', 'use a value between 1 and 2500'],
    ['close.average(2501)', 'parameter_out_of_range', 'the n of average() is 2501, above the maximum 2500 (the market data has 2500 dates)', 'use a value between 1 and 2500'],
    ['close.isLargest(10001)', 'parameter_out_of_range', 'the n of isLargest() is 10001, above the maximum 10000', 'use a value between 1 and 10000'],
    ['close.quantileRow(1.5)', 'parameter_out_of_range', 'the q of quantileRow() is 1.5, above the maximum 1', 'use a value between 0 and 1'],
    ['close.rsi(1)', 'parameter_out_of_range', 'the n of rsi() is 1, below the minimum 2', 'use a value between 2 and 2500'],
    ['close.clip(2, 1)', 'parameter_out_of_range', 'clip(2, 1) has lower > upper', 'write clip(1, 2)'],
    ['(close > 1).sustain(3, 4)', 'parameter_out_of_range', 'sustain(3, 4) asks for more days than the window has', 'k must be at most n: sustain(3, 3)'],
    ['(close > 1).holdUntil(close < 1, close.rank())', 'type_mismatch', 'the nStocksLimit of holdUntil() must be a number written in the strategy, not a float frame', 'write entry.holdUntil(exit, nStocksLimit, rank) with a literal number, e.g. 20'],
    ['(close > 1).holdUntil(close)', 'type_mismatch', 'the exit of holdUntil() must be a condition (boolean frame), not a float frame', 'write entry.holdUntil(exit, nStocksLimit, rank)'],
    ['close.where(close)', 'type_mismatch', 'the mask of where() must be a condition (boolean frame), not a float frame', 'write x.where(mask)'],
    ['close.max(close > 1)', 'type_mismatch', 'the y of max() must be a float frame or a number, not a condition (boolean frame)', 'write x.max(y)'],
    ['close.max()', 'wrong_arguments', 'max() needs another frame or a number to compare with', 'for a rolling maximum write x.rolling(n).max(); elementwise: x.max(y)'],
    ['close.min()', 'wrong_arguments', 'min() needs another frame or a number to compare with', 'for a rolling minimum write x.rolling(n).min(); elementwise: x.min(y)'],
    ['close.rolling(5)', 'wrong_arguments', 'rolling(n) must be followed by an aggregation', 'write x.rolling(n).mean(), .sum(), .max(), .min() or .std()'],
    ['close.rolling(5).max(3)', 'wrong_arguments', 'rolling(n).max() takes no arguments; the window goes into rolling(n)', 'write x.rolling(20).max()'],
    ['close.rolling(5).median()', 'unknown_method', "rolling(n) has no method 'median'. Did you mean 'mean'?", "after rolling(n) write one of '.mean()', '.sum()', '.max()', '.min()' or '.std()'"],
    ['close.rolling(5).quantile()', 'unknown_method', "rolling(n) has no method 'quantile'.", "after rolling(n) write one of '.mean()', '.sum()', '.max()', '.min()' or '.std()'"],
    ['close.rolling(5, 1).mean()', 'wrong_arguments', 'rolling(n).mean() takes 1 argument (n), got 2', 'write x.rolling(n).mean()'],
    ['(close > 1).average(5)', 'type_mismatch', 'average() is called on a condition (boolean frame), but it needs a float frame', 'average works on values, not conditions: apply it to the values, or select them with values.where(condition)'],
    ['close.sustain(5)', 'type_mismatch', 'sustain() is called on a float frame, but it needs a condition (boolean frame)', 'turn the values into a condition first, e.g. (close > ma).sustain(...)'],
    ["'x'.average(5)", 'type_mismatch', "average() is called on the string 'x', but it needs a float frame", "write x.average(n) on a frame, e.g. data.get('price:close')"],
    ['close.mean()', 'unknown_method', "unknown method 'mean'.", 'write x.average(n) or x.rolling(n).mean()'],
    ['close.ewm(5)', 'unknown_method', "unknown method 'ewm'.", 'write x.ema(n)'],
    ['close.averge(5)', 'unknown_method', "unknown method 'averge'. Did you mean 'average'?", 'write x.average(...)'],
    ['close.qwertyuiop()', 'unknown_method', "unknown method 'qwertyuiop'.", undefined],
    ['data.get()', 'wrong_arguments', 'data.get takes exactly one data key, got 0 arguments', "write data.get('price:close')"],
    ["data.get('price:close', true)", 'wrong_arguments', 'data.get takes exactly one data key, got 2 arguments', "write data.get('price:close')"],
    ['data.get(5)', 'type_mismatch', 'data.get needs a data key string, not the number 5', "write data.get('price:close')"],
    ["data.get('price:成交量')", 'unknown_data_key', "unknown data key 'price:成交量'. Did you mean 'price:volume' ('price:成交股數') or 'price:turnover' ('price:成交金額')?", "use a key the market data has, e.g. 'price:volume' ('price:成交股數')"],
    ["data.get('price:clos')", 'unknown_data_key', "unknown data key 'price:clos'. Did you mean 'price:close'?", "use a key the market data has, e.g. 'price:close'"],
    ["data.get('zzzzzzzzzzzzzzzzzzzz')", 'unknown_data_key', "unknown data key 'zzzzzzzzzzzzzzzzzzzz'.", "the market data has 17 fields, e.g. 'price:close', 'price:open', 'price:high', 'price:low', 'price:volume', 'price:turnover', 'etl:adj_close' or 'etl:market_value'"],
    ["data.load('x')", 'unknown_method', "data has no method 'load'. Did you mean 'get'?", "read a field with data.get('price:close')"],
    ['data', 'forbidden_syntax', "'data' can only be used as data.get('key')", "write data.get('price:close')"],
    ['sim', 'forbidden_syntax', "'sim' can only be called in the return statement", "end with return sim(position, { resample: 'M' });"],
    ['sim(close)', 'forbidden_syntax', 'sim(...) can only be called in the return statement', 'end the strategy with return sim(position, { ... });'],
    ['close(5)', 'forbidden_syntax', "'close' is a value, not a function", 'call a method on it instead, e.g. close.average(20)'],
    ['average(close, 5)', 'unknown_method', "there is no function 'average': only sim(...) and methods on frames exist", 'call it as a method on a frame: x.average(...)'],
    ['ewm(close)', 'unknown_method', "there is no function 'ewm': only sim(...) and methods on frames exist", 'write x.ema(n)'],
    ['foo(close)', 'unknown_method', "there is no function 'foo': only sim(...) and methods on frames exist", 'call catalogue methods on frames, e.g. close.average(20), and data.get(key) for data'],
    ['close.length', 'forbidden_syntax', "property access '.length' is not allowed: only method calls are", "call a catalogue method, e.g. close.average(20); data is read with data.get('key')"],
    ['close.then', 'forbidden_identifier', "'then' is not available: strategies never reach into the object model", 'call catalogue methods only, e.g. close.average(20)'],
    ['close.call()', 'forbidden_identifier', "'call' is not available: strategies never reach into the object model", 'call catalogue methods only, e.g. close.average(20)'],
    ["close['average'](5)", 'forbidden_syntax', 'computed member access (x[...]) is not allowed', 'write x.method(...) with a catalogue method name'],
    ['close.#average(5)', 'syntax_error', undefined, undefined],
    ['close[0]', 'forbidden_syntax', 'computed member access (x[...]) is not allowed', 'to keep values where a condition holds write x.where(condition); data fields are read with data.get(key)'],
    ['close.#x', 'syntax_error', 'syntax error: private field \'#x\' must be declared in an enclosing class', undefined],
    ['close > 1 ?? close', 'forbidden_syntax', "the operator '??' is not allowed", undefined],
    ['close > 1 || close ?? 1', 'syntax_error', undefined, undefined],
    ['close ?? 1', 'forbidden_syntax', "the operator '??' is not allowed", "there is no '??'; to replace missing values write x.fillna(0)"],
    ['close % 2', 'forbidden_syntax', "the operator '%' is not allowed", 'there is no modulo; use arithmetic with + - * / and comparisons'],
    ['close ** 2', 'forbidden_syntax', "the operator '**' is not allowed", 'there is no power operator; use x * x or x.sqrt()'],
    ['close << 2', 'forbidden_syntax', "the operator '<<' is not allowed", 'there are no bit shifts; for a past value write x.shift(n)'],
    ["'a' in close", 'forbidden_syntax', "the operator 'in' is not allowed", "there is no 'in'; data fields are read with data.get('key')"],
    ['+close', 'forbidden_syntax', "the operator '+' is not allowed", 'remove the +: numbers and frames need no sign'],
    ['~close', 'forbidden_syntax', "the operator '~' is not allowed", 'negate a condition with !'],
    ['typeof close', 'forbidden_syntax', "the operator 'typeof' is not allowed", 'remove it: types are checked by the compiler; typeof is not needed'],
    ['void close', 'forbidden_syntax', "the operator 'void' is not allowed", 'there is no void; every const must hold a value'],
    ['-(close > 1)', 'type_mismatch', "unary '-' needs a number or a float frame, not a condition (boolean frame)", 'negate a condition with !'],
    ["-'a'", 'type_mismatch', "unary '-' needs a number or a float frame, not the string 'a'", 'write a number or a frame'],
    ['!close', 'type_mismatch', "'!' negates a condition, not a float frame", 'compare first, e.g. !(momentum > 0)'],
    ['!1', 'type_mismatch', "'!' negates a condition, not the number 1", 'write !condition'],
    ['close && close > 1', 'type_mismatch', "'&&' combines two conditions, but its left side is a float frame", 'turn the float frame into a condition first, e.g. momentum > 0'],
    ['(close > 1) | 1', 'type_mismatch', "'|' combines two conditions, but its right side is the number 1", 'both sides must be conditions such as close > ma60'],
    ['(close > 1) > 0', 'type_mismatch', "'>' needs numbers or float frames, but its left side is a condition (boolean frame)", 'combine conditions with && and ||, negate with !'],
    ['(close > 1) + 1', 'type_mismatch', "'+' needs numbers or float frames, but its left side is a condition (boolean frame)", 'conditions are not numbers: select values with x.where(condition)'],
    ["close + 'a'", 'type_mismatch', "'+' needs numbers or float frames, but its right side is the string 'a'", 'use a number or a frame here: strings are only data keys and sim options'],
    ['1 > 2', 'type_mismatch', "'1 > 2' compares two constants", 'compare a frame, e.g. close > 10'],
    ['close > 1 / 0', 'parameter_out_of_range', 'this constant expression has no finite value (1 / 0)', 'check for a division by zero'],
    ['close > 1e308 * 10', 'parameter_out_of_range', 'this constant expression has no finite value (1e+308 * 10)', 'check for a division by zero'],
    ['close > 1e308 + 1e308', 'parameter_out_of_range', 'this constant expression has no finite value (1e+308 + 1e+308)', 'check for a division by zero'],
    ['close > -1e308 - 1e308', 'parameter_out_of_range', 'this constant expression has no finite value (-1e+308 - 1e+308)', 'check for a division by zero'],
    ['close > 1e999', 'parameter_out_of_range', 'the number 1e999 is too large to represent', 'use a finite number'],
    ['close > true', 'type_mismatch', "'>' needs numbers or float frames, but its right side is true", 'use a number or a frame here: strings are only data keys and sim options'],
    ['close > null', 'type_mismatch', "'>' needs numbers or float frames, but its right side is null", 'use a number or a frame here: strings are only data keys and sim options'],
    ['[close]', 'forbidden_syntax', 'array literals are not allowed', 'declare each value with its own const'],
    ['{ a: 1 }', 'forbidden_syntax', 'object literals are only allowed as the options of sim(position, {...})', 'pass numbers directly to methods'],
    ['function () { return 1; }', 'forbidden_syntax', 'functions are not allowed', 'write the strategy as const declarations and one return; no callbacks are needed'],
    ['class {}', 'forbidden_syntax', 'classes are not allowed', 'write the strategy as const declarations and one return'],
    ['(close, close)', 'forbidden_syntax', 'the comma operator is not allowed', 'write one expression per const declaration'],
    ['close++', 'forbidden_syntax', '++ and -- are not allowed', 'declare a new name with const, e.g. const next = x + 1'],
    ['new.target', 'syntax_error', undefined, undefined],
    ['NaN', 'forbidden_identifier', "'NaN' is not available in a strategy", 'write x.fillna(0) to replace missing values; NaN itself cannot be written'],
    ['undefined', 'forbidden_identifier', "'undefined' is not available in a strategy", 'every value must be defined: use a number, a frame or null (only in sim options)'],
    ['Infinity', 'forbidden_identifier', "'Infinity' is not available in a strategy", 'write a large finite number instead'],
    ['np.log(close)', 'python_syntax', 'this looks like Python (`np.log`); the strategy language is JavaScript', 'write `x.log()`'],
    ['pd', 'forbidden_identifier', "'pd' is not available in a strategy", 'there is no pandas module: use data.get(key) and frame methods'],
    ['console.log(close)', 'forbidden_identifier', "'console' is not available: strategies are compiled, never executed, so no runtime objects exist", 'there is no output: the strategy only describes a position'],
    ['fetch(1)', 'forbidden_identifier', "'fetch' is not available: strategies are compiled, never executed, so no runtime objects exist", "use only names you declared with const, data.get('key'), the frame methods and sim(...)"],
    ['(() => 1)()', 'forbidden_syntax', 'arrow functions are not allowed', 'write the strategy as const declarations and one return; no callbacks are needed'],
    ['close.average(5)()', 'forbidden_syntax', 'only methods on frames, data.get(...) and sim(...) can be called', 'e.g. close.average(20)'],
    ['close?.average(5)', 'forbidden_syntax', 'optional chaining (?.) is not allowed', 'write the call directly: x.average(20)'],
    ['close.average?.(5)', 'forbidden_syntax', 'optional chaining (?.) is not allowed', 'write the call directly: x.average(20)'],
    ['close.average(...[5])', 'forbidden_syntax', 'spread arguments (...) are not allowed', 'pass each argument directly'],
    ['/x/', 'forbidden_syntax', 'regular expressions are not allowed', "write data keys as plain strings, e.g. 'price:close'"],
    ['5n', 'forbidden_syntax', 'BigInt literals (5n) are not allowed', 'write a plain number without the n suffix'],
  ])('%s → %s', (expr, kind, message, hint) => {
    const error = first(`${CLOSE}const x = ${expr};\nreturn close > 1;`);
    expect(error.kind).toBe(kind);
    if (message !== undefined) expect(error.message).toBe(message);
    if (hint !== undefined) expect(error.hint).toBe(hint);
    expect(error.line).toBe(2);
  });

  it.each([
    ['function f() {}', 'function declarations are not allowed'],
    ['if (1) {}', "'if' is not allowed"],
    ['for (;;) {}', 'loops are not allowed'],
    ['for (const a in b) {}', 'loops are not allowed'],
    ['for (const a of b) {}', 'loops are not allowed'],
    ['while (1) {}', 'loops are not allowed'],
    ['do {} while (1);', 'loops are not allowed'],
    ['try {} finally {}', "'try' is not allowed"],
    ["throw 'x';", "'throw' is not allowed"],
    ['switch (1) {}', "'switch' is not allowed"],
    ['a: 1;', 'labels are not allowed'],
    ['{ }', 'blocks { ... } are not allowed'],
    ['with (close) {}', "'with' is not allowed"],
    ['debugger;', "'debugger' is not allowed"],
    ['class A {}', 'classes are not allowed'],
    ['close + 1;', 'a bare expression statement has no effect and is not allowed'],
    ['var v = 1;', "'var' declarations are not allowed"],
    ['const [a] = [1];', 'destructuring is not allowed'],
    ['const close = 1;', "'close' is already declared"],
    ['const close2 = 1, close2 = 2;', "'close2' is already declared"],
    ['const sim = 1;', "'sim' is built in and cannot be redeclared"],
    ['const eval = 1;', "'eval' cannot be used as a name"],
    ['const Math = 1;', "'Math' cannot be used as a name"],
  ])('statement %s is rejected', (statement, message) => {
    const list = errors(`${CLOSE}${statement}\nreturn close > 1;`);
    expect(list[0]?.message).toBe(message);
    expect(list[0]?.line).toBe(2);
  });

  it('rejects directives', () => {
    expect(first("'use strict';\nreturn 1;")).toMatchObject({ kind: 'forbidden_syntax', message: "directives such as 'use strict' are not allowed", line: 1 });
  });

  it('reports the parser error for a missing initialiser and keeps going', () => {
    expect(first(`${CLOSE}const y;\nreturn close > 1;`).kind).toBe('syntax_error');
  });

  it('does not repeat errors for uses of a failed or non-const declaration', () => {
    expect(errors(`${CLOSE}let a = 1;\nconst b = a + close;\nreturn b > 1;`)).toHaveLength(1);
    expect(errors(`${CLOSE}const [a] = [1];\nreturn close > 1;`)).toHaveLength(1);
  });

  it('reports a missing return at the end of the source', () => {
    expect(first(`${CLOSE}const x = close > 1;`)).toMatchObject({ kind: 'missing_return', line: 2, column: 20 });
    expect(first('')).toMatchObject({ kind: 'missing_return', line: 1, column: 1 });
  });

  it('stops at the node budget', () => {
    const decls = Array.from({ length: LIMITS.maxNodes }, (_, i) => `const a${i} = close.average(${i + 1});`).join('\n');
    expect(first(`${CLOSE}${decls}\nreturn close > 1;`)).toMatchObject({ kind: 'too_many_nodes', message: `the strategy needs more than ${LIMITS.maxNodes} graph nodes` });
    const big = Array.from({ length: 100 }, (_, i) => `close.average(${i + 1})`).join(' + ');
    expect(ok(`${CLOSE}return ${big} > 1;`).graph.nodes.length).toBeLessThanOrEqual(LIMITS.maxNodes);
    const constants = Array.from({ length: 300 }, (_, i) => `const t${i} = close * ${i + 2};`).join('\n');
    expect(first(`${CLOSE}${constants}\nreturn close > 1;`).kind).toBe('too_many_nodes');
    const wheres = Array.from({ length: 200 }, (_, i) => `const w${i} = close.where(close > ${i + 2});`).join('\n');
    expect(first(`${CLOSE}${wheres}\nreturn close > 1;`).kind).toBe('too_many_nodes');
    const adds = Array.from({ length: 300 }, (_, i) => `const s${i} = close.average(${i + 1}) + 1;`).join('\n');
    expect(first(`${CLOSE}${adds}\nreturn close > 1;`).kind).toBe('too_many_nodes');
    const nots = Array.from({ length: 300 }, (_, i) => `const n${i} = !(close > ${i});`).join('\n');
    expect(first(`${CLOSE}${nots}\nreturn close > 1;`).kind).toBe('too_many_nodes');
  });

  it('limits the depth of the expression tree along every path', () => {
    const n = LIMITS.maxExpressionDepth + 5;
    const chain = (unit: string, joiner: string) => Array.from({ length: n }, () => unit).join(joiner);
    const cases = [
      `${'- '.repeat(n)}close > 1`, // unary
      `${chain('close', ' + ')} > 1`, // binary, left operand
      `close + ${chain('close', ' * ')} > 1`, // binary, right operand
      `${chain('(close > 1)', ' && ')}`, // logical, left operand
      `close > 1 || ${chain('(close > 1)', ' && ')}`, // logical, right operand
      `close${'.abs()'.repeat(n)} > 1`, // method receiver
      `close.max(${chain('close', ' + ')}) > 1`, // method argument
      `close${'.abs()'.repeat(n)}.rolling(5).mean() > 1`, // rolling receiver
      `data.get(${'- '.repeat(n)}1) > 1`, // data key
      `close${'.abs()'.repeat(n)}.length`, // member object
      `close${'.abs()'.repeat(n)}()`, // callee
      `!${'!'.repeat(n)}(close > 1)`,
    ];
    for (const expr of cases) expect(first(`${CLOSE}return ${expr};`).kind, expr.slice(0, 40)).toBe('expression_too_deep');
    expect(first(`${CLOSE}return sim(close > 1, { stopLoss: ${'- '.repeat(n)}0.1 });`).kind).toBe('expression_too_deep');
    const justInside = `close${'.abs()'.repeat(LIMITS.maxExpressionDepth - 2)} > 1`;
    expect(compileStrategy(`${CLOSE}return ${justInside};`, TEST_CONTEXT).isOk()).toBe(true);
    const justOutside = `close${'.abs()'.repeat(LIMITS.maxExpressionDepth)} > 1`;
    expect(first(`${CLOSE}return ${justOutside};`).kind).toBe('expression_too_deep');
  });

  it('reports errors from any operand position', () => {
    const cases: [string, string][] = [
      ['close > 1 && clsoe > 1', 'unknown_name'], ['close + clsoe', 'unknown_name'], ['clsoe + close', 'unknown_name'],
      ['-clsoe', 'unknown_name'], ['close.max(clsoe)', 'unknown_name'], ['close.where(clsoe > 1)', 'unknown_name'],
      ['clsoe.rolling(5).mean()', 'unknown_name'], ['close.rolling(clsoe).mean()', 'unknown_name'], ['data.get(clsoe)', 'unknown_name'],
      ['clsoe.length', 'unknown_name'], ["process['env']", 'forbidden_identifier'], ['eval.x', 'forbidden_identifier'],
      ['clsoe()()', 'unknown_method'], ['close.average(clsoe)', 'unknown_name'], ['(close > 1).holdUntil(close < 1, 3, clsoe)', 'unknown_name'],
    ];
    for (const [expr, kind] of cases) expect(first(`${CLOSE}const x = ${expr};\nreturn close > 1;`).kind, expr).toBe(kind);
  });

  it('gives the hint that fits the receiver', () => {
    expect(first(`${CLOSE}return (close > 1).rank();`).hint).toBe('rank works on values, not conditions: apply it to the values, or select them with values.where(condition)');
    expect(first(`${CLOSE}return close.isEntry();`).hint).toBe('turn the values into a condition first, e.g. (close > ma).isEntry(...)');
    expect(first(`${CLOSE}return (close > 1).holdUntil(close < 1, 3, close > 2);`).message).toBe('the rank of holdUntil() must be a float frame, not a condition (boolean frame)');
    expect(first(`${CLOSE}return (close > 1).holdUntil(close < 1, 3, close, 4);`).message).toBe('holdUntil() takes 1 to 3 arguments (exit, nStocksLimit, rank), got 4');
    expect(compileStrategy(`${CLOSE}return close.clip(1, 1) > 0;`, TEST_CONTEXT).isOk()).toBe(true);
  });
});
