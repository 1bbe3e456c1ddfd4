import { engineError } from '@alphaloop/engine';
import { describe, expect, it } from 'vitest';
import { fromEngineError, fromException, invalidStrategy } from './errors.js';

describe('error categories', () => {
  it('maps engine errors onto the loop categories, naming the node', () => {
    expect(fromEngineError(engineError('data_missing', "no market data for 'x'", { nodeId: 3, op: 'data' }))).toEqual({
      kind: 'backtest_data_missing',
      message: "no market data for 'x' (at data #3)",
    });
    expect(fromEngineError(engineError('calculation', 'boom')).kind).toBe('backtest_calculation');
    expect(fromEngineError(engineError('invalid_input', 'k (5) must be ≤ n (3)', { nodeId: 4, op: 'sustain' })).kind).toBe('backtest_calculation');
    expect(fromEngineError(engineError('unsupported_op', "no kernel for op 'x'")).kind).toBe('backtest_internal');
    expect(fromEngineError(engineError('calculation', 'evaluateGraph: Array buffer allocation failed')).kind).toBe('backtest_out_of_memory');
  });

  it('turns stray exceptions into values', () => {
    expect(fromException(new RangeError('Array buffer allocation failed'), 'x').kind).toBe('backtest_out_of_memory');
    expect(fromException(new TypeError('nope'), 'x')).toEqual({ kind: 'backtest_internal', message: 'x: TypeError: nope' });
    expect(fromException('text', 'x').message).toBe('x: text');
  });

  it('formats every compile error as line:column: message — hint', () => {
    const e = invalidStrategy([
      { kind: 'unknown_name', line: 2, column: 5, message: "unknown name 'a'", hint: 'declare it' },
      { kind: 'syntax_error', line: 4, column: 1, message: 'unexpected token', hint: 'fix it' },
    ]);
    expect(e).toEqual({ kind: 'backtest_invalid_strategy', message: "2:5: unknown name 'a' — declare it\n4:1: unexpected token — fix it" });
    expect(invalidStrategy([]).message).toMatch(/^1:1: /);
  });
});
