import { describe, expect, it } from 'vitest';
import { compileStrategy } from '../strategy.js';
import { TEST_CONTEXT } from '../../test/support/market.js';
import { OPERATION_CATALOGUE, operationSpec, resultTypeOf } from './operations.js';
import { DEFAULT_SIM_OPTIONS, SIM_OPTION_SPECS } from './sim-options.js';

describe('OPERATION_CATALOGUE', () => {
  it('has unique op names and unique source spellings', () => {
    expect(new Set(OPERATION_CATALOGUE.map((s) => s.name)).size).toBe(OPERATION_CATALOGUE.length);
    const spellings = OPERATION_CATALOGUE.filter((s) => s.kind === 'method').map((s) => `${s.chain ?? ''}.${s.method ?? ''}`);
    expect(new Set(spellings).size).toBe(spellings.length);
    const operators = OPERATION_CATALOGUE.flatMap((s) => (s.kind === 'binary' ? (s.operators ?? []) : []));
    expect(new Set(operators).size).toBe(operators.length);
  });

  it('documents every op and gives methods a receiver', () => {
    for (const spec of OPERATION_CATALOGUE) {
      expect(spec.doc.length, spec.name).toBeGreaterThan(8);
      expect(spec.source.length, spec.name).toBeGreaterThan(0);
      if (spec.kind === 'method') {
        expect(spec.method, spec.name).toBeDefined();
        expect(spec.args.length, spec.name).toBeGreaterThan(0);
      }
      if (spec.kind === 'unary') expect(spec.args).toHaveLength(1);
      if (spec.kind === 'binary') expect(spec.args).toHaveLength(2);
      for (const param of spec.params) expect(param.doc.length, `${spec.name}.${param.name}`).toBeGreaterThan(2);
    }
  });

  it('compiles every method from its own source template', () => {
    const example: Record<string, string> = { n: '5', k: '3', q: '0.5', value: '0', lower: '-1', upper: '1', nStocksLimit: '3' };
    for (const spec of OPERATION_CATALOGUE.filter((s) => s.kind === 'method')) {
      const receiver = spec.args[0]?.types.includes('float_frame') ? 'close' : '(close > 1)';
      const source = spec.source
        .replace(/^\w+\./, `${receiver}.`)
        .replace(/\b(n|k|q|value|lower|upper|nStocksLimit)\b/g, (name) => example[name] ?? name)
        .replace(/\((mask|exit)/, '(close > 2')
        .replace(/, rank\)/, ', close.rank())')
        .replace(/\(y\)/, '(close.shift(1))');
      const probe = compileStrategy(`const close = data.get('price:close');\nreturn ${source};`, TEST_CONTEXT);
      expect(probe._unsafeUnwrap().graph.nodes.at(-1)?.op, source).toBe(spec.name);
    }
  });

  it('looks ops up by name and resolves receiver-typed results', () => {
    const shift = operationSpec('shift');
    expect(shift?.name).toBe('shift');
    expect(operationSpec('nope')).toBeUndefined();
    if (shift === undefined) return;
    expect(resultTypeOf(shift, 'bool_frame')).toBe('bool_frame');
    expect(resultTypeOf(shift, undefined)).toBe('float_frame');
    const rank = operationSpec('rank');
    if (rank !== undefined) expect(resultTypeOf(rank, 'bool_frame')).toBe('float_frame');
  });
});

describe('SIM_OPTION_SPECS', () => {
  it('has one spec per option, with defaults inside the bounds', () => {
    expect(SIM_OPTION_SPECS.map((s) => s.name).sort()).toEqual(Object.keys(DEFAULT_SIM_OPTIONS).sort());
    for (const spec of SIM_OPTION_SPECS) {
      const value = DEFAULT_SIM_OPTIONS[spec.name];
      if (value === null) expect(spec.nullable, spec.name).toBe(true);
      else if (spec.type === 'number') {
        expect(value as number).toBeGreaterThanOrEqual(spec.min);
        expect(value as number).toBeLessThanOrEqual(spec.max);
      } else if (spec.type === 'enum') expect(spec.values).toContain(value);
      else expect(typeof value).toBe('boolean');
    }
  });
});
