import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CompileContext } from '../compile/context.js';
import { printExpression } from '../print/print.js';
import { compileStrategy } from '../strategy.js';
import { TEST_CONTEXT, TEST_FIELDS } from '../../test/support/market.js';
import { DATA_ROLES, resolveRole } from './data-roles.js';
import { describeInstance, FactorKit, factorKitOf, withinSpec } from './factor-kit.js';
import { FACTOR_LIBRARY, factorByName } from './library.js';
import { templateStrategy } from './template.js';

const kit = factorKitOf(TEST_CONTEXT);
const RUNS = 200;

// factors/ and mutation/ are outside the Stryker scope (README: mutation testing); skip the cost there.
const UNDER_STRYKER = process.env['STRYKER_MUTATOR_WORKER'] !== undefined;

describe.skipIf(UNDER_STRYKER)('FACTOR_LIBRARY', () => {
  it('covers the original library with at least 15 factors, unique names and valid defaults', () => {
    expect(FACTOR_LIBRARY.length).toBeGreaterThanOrEqual(15);
    expect(new Set(FACTOR_LIBRARY.map((f) => f.name)).size).toBe(FACTOR_LIBRARY.length);
    for (const name of ['momentum', 'ma_filter', 'dual_ma', 'revenue_catalyst', 'earnings_catalyst', 'atr_filter', 'atr_stop', 'breakout',
      'trailing_stop', 'rolling_trailing_stop', 'time_exit', 'volatility_stop', 'profit_target', 'rolling_profit_target', 'stop_loss']) {
      expect(factorByName(name), name).toBeDefined();
    }
    for (const factor of FACTOR_LIBRARY) {
      for (const param of factor.params) {
        expect(param.min, `${factor.name}.${param.name}`).toBeLessThanOrEqual(param.default);
        expect(param.default, `${factor.name}.${param.name}`).toBeLessThanOrEqual(param.max);
      }
      expect(factor.template === '', factor.name).toBe(factor.role === 'time_exit' || factor.role === 'stop_option');
      expect(factor.option !== undefined, factor.name).toBe(factor.role === 'stop_option');
      expect(factor.doc.length).toBeGreaterThan(10);
    }
    expect(factorByName('nope')).toBeUndefined();
  });

  it('compiles every template factor on the test market, with the type its role needs', () => {
    expect(kit.available).toHaveLength(FACTOR_LIBRARY.length);
    for (const factor of FACTOR_LIBRARY.filter((f) => f.template !== '')) {
      const fragment = kit.fragment(kit.defaults(factor));
      expect(fragment, factor.name).not.toBeNull();
      const type = fragment?.nodes[fragment.root]?.type;
      expect(type, factor.name).toBe(factor.role === 'score' ? 'float_frame' : 'bool_frame');
    }
  });

  it('fills data keys and parameters into the source', () => {
    const dual = factorByName('dual_ma');
    if (dual === undefined) throw new Error('dual_ma missing');
    expect(kit.source({ factor: dual, params: [5, 30] })).toBe("data.get('price:close').average(5) > data.get('price:close').average(30)");
    expect(describeInstance({ factor: dual, params: [5, 30] })).toBe('dual_ma(5, 30)');
    expect(kit.fragmentResult({ factor: dual, params: [5, 30] }).isOk()).toBe(true);
    expect(kit.fragmentResult({ factor: dual, params: [5, 99_999] })._unsafeUnwrapErr().kind).toBe('invalid_mutation');
    expect(kit.fragment({ factor: dual, params: [5, 99_999] })).toBeNull();
  });

  it('recognises every template factor in a compiled graph, for any parameters in bounds', () => {
    for (const factor of kit.available.filter((f) => f.template !== '')) {
      const bounds = kit.bounds(factor);
      const param = (i: number) => {
        const b = bounds[i];
        if (b === undefined) return fc.constant(0);
        return b.integer ? fc.integer({ min: b.min, max: b.max }) : fc.double({ min: b.min, max: b.max, noNaN: true }).map((x) => Number(x.toPrecision(4)));
      };
      fc.assert(
        fc.property(fc.tuple(...bounds.map((_, i) => param(i))), (params) => {
          const instance = { factor, params: params.filter((p) => withinSpec(p, bounds[params.indexOf(p)])) };
          if (instance.params.length !== bounds.length) return;
          const fragment = kit.fragment(instance);
          if (fragment === null) return;
          const recognised = kit.recognise(fragment, fragment.root);
          expect(recognised?.factor.name, `${factor.name} ${printExpression(fragment, fragment.root)}`).toBe(factor.name);
          expect(recognised?.params).toEqual(instance.params);
        }),
        { numRuns: RUNS },
      );
    }
  });

  it('does not recognise look-alikes or out-of-bounds parameters', () => {
    const graphOf = (source: string) => compileStrategy(`const close = data.get('price:close');\nreturn ${source};`, TEST_CONTEXT)._unsafeUnwrap().graph;
    const momentum = graphOf('close.pctChange(1).average(20)');
    expect(kit.recognise(momentum, momentum.root)?.factor.name).toBe('momentum');
    for (const source of ['close.pctChange(1).average(500)', 'close.pctChange(2).average(20)', 'close.pctChange(1).average(20) + 1', 'close > close.average(5)']) {
      const graph = graphOf(source);
      expect(kit.recognise(graph, graph.root), source).toBeNull();
    }
  });

  it('checks parameter specs', () => {
    const spec = { name: 'n', default: 5, min: 1, max: 10, integer: true };
    expect(withinSpec(5, spec)).toBe(true);
    expect(withinSpec(1, spec)).toBe(true);
    expect(withinSpec(10, spec)).toBe(true);
    expect(withinSpec(0, spec)).toBe(false);
    expect(withinSpec(11, spec)).toBe(false);
    expect(withinSpec(5.5, spec)).toBe(false);
    expect(withinSpec(5.5, { ...spec, integer: false })).toBe(true);
    expect(withinSpec(Number.NaN, { ...spec, integer: false })).toBe(false);
    expect(withinSpec(5, undefined)).toBe(false);
  });
});

describe.skipIf(UNDER_STRYKER)('market-dependent availability', () => {
  it('resolves roles through keys and aliases, preferring the first candidate', () => {
    expect(resolveRole('close', TEST_CONTEXT)).toBe('price:close');
    const chinese: CompileContext = { fields: [{ key: 'tw:收盤價', aliases: ['price:收盤價'] }], dateCount: 100 };
    expect(resolveRole('close', chinese)).toBe('tw:收盤價');
    expect(resolveRole('revenue', chinese)).toBeUndefined();
    expect(DATA_ROLES.close[0]).toBe('price:close');
  });

  it('drops factors whose data is missing and caps windows at the number of dates', () => {
    const small: CompileContext = { fields: TEST_FIELDS.filter((f) => !f.key.startsWith('monthly_revenue')), dateCount: 150 };
    const limited = new FactorKit(small);
    const names = limited.available.map((f) => f.name);
    expect(names).not.toContain('revenue_catalyst');
    expect(names).not.toContain('revenue_growth');
    expect(names).not.toContain('earnings_catalyst'); // its base window starts at 252 dates
    expect(names).toContain('momentum');
    const newHigh = factorByName('new_high');
    if (newHigh === undefined) throw new Error('new_high missing');
    expect(limited.bounds(newHigh)[0]).toMatchObject({ min: 20, max: 150, default: 150 });
    expect(limited.defaults(newHigh).params).toEqual([150]);
    const stop = factorByName('stop_loss');
    if (stop === undefined) throw new Error('stop_loss missing');
    expect(limited.bounds(stop)).toEqual(stop.params);
  });

  it('caches one kit per context', () => {
    expect(factorKitOf(TEST_CONTEXT)).toBe(kit);
    expect(factorKitOf({ ...TEST_CONTEXT })).not.toBe(kit);
  });
});

describe.skipIf(UNDER_STRYKER)('templateStrategy', () => {
  it('is momentum(20) among 20-day breakouts, top 10, monthly, with a 10% trailing stop', () => {
    const template = templateStrategy(TEST_CONTEXT)._unsafeUnwrap();
    expect(template.canonicalSource).toBe(`const close = data.get('price:close');
const high = data.get('price:high');
const position = close.pctChange(1).average(20).where(close > high.rolling(20).max().shift(1)).isLargest(10);
return sim(position, { resample: 'M', trailStop: 0.1 });
`);
    expect(compileStrategy(template.canonicalSource, TEST_CONTEXT)._unsafeUnwrap().strategyId).toBe(template.strategyId);
    expect(template.lineage).toBeNull();
  });

  it('fails with a clear error when the market lacks prices', () => {
    const error = templateStrategy({ fields: [{ key: 'x:y', aliases: [] }], dateCount: 100 })._unsafeUnwrapErr();
    expect(error.kind).toBe('unknown_data_key');
    expect(error.message).toContain('close and high');
  });

  it('adapts its windows to a short history', () => {
    const template = templateStrategy({ fields: TEST_FIELDS, dateCount: 10 })._unsafeUnwrap();
    expect(template.canonicalSource).toContain('close.pctChange(1).average(10)');
    expect(template.canonicalSource).toContain('high.rolling(10).max()');
    expect(templateStrategy({ fields: TEST_FIELDS, dateCount: 4 }).isErr()).toBe(true);
  });
});
