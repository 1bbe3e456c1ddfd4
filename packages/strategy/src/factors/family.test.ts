import { FACTOR_FAMILIES } from '@alphaloop/domain';
import { describe, expect, it } from 'vitest';
import type { CompileContext } from '../compile/context.js';
import { formatStrategyErrors } from '../errors.js';
import { mutate } from '../mutation/mutate.js';
import { seededRandom } from '../mutation/random.js';
import { compileStrategy, type CompiledStrategy } from '../strategy.js';
import { TEST_CONTEXT, TEST_FIELDS } from '../../test/support/market.js';
import { factorKitOf } from './factor-kit.js';
import { strategyFamily } from './family.js';
import { FACTOR_LIBRARY, factorByName } from './library.js';
import { templateStrategy } from './template.js';

const kit = factorKitOf(TEST_CONTEXT);
const compile = (source: string, context: CompileContext = TEST_CONTEXT): CompiledStrategy => {
  const result = compileStrategy(source, context);
  if (result.isErr()) throw new Error(formatStrategyErrors(result.error));
  return result.value;
};
const familyOf = (source: string, context?: CompileContext) => strategyFamily(compile(source, context));
/** A library factor's source with its default parameters. */
const factor = (name: string): string => {
  const definition = factorByName(name);
  if (definition === undefined) throw new Error(`no factor ${name}`);
  return `(${kit.source(kit.defaults(definition))})`;
};
const CLOSE = "const close = data.get('price:close');\n";

/** The oracle of the synthetic market (adapter-market-data `ORACLE_SOURCE`, copied: strategy cannot import adapters). */
const ORACLE_SOURCE = `const close = data.get('etl:adj_close');
const momentum = (close.shift(21) / close.shift(252) - 1).rank();
const growth = data.get('monthly_revenue:revenue_yoy').rank();
const calm = (-close.pctChange(1).rolling(60).std()).rank();
const score = momentum * 6 + growth * 5 + calm * 2;
return sim(score.isLargest(20), { resample: 'M' });
`;
const SYNTHETIC_CONTEXT: CompileContext = { ...TEST_CONTEXT, fields: [...TEST_FIELDS, { key: 'monthly_revenue:revenue_yoy', aliases: [] }] };

// factors/ and mutation/ are outside the Stryker scope (README: mutation testing); skip the cost there.
const UNDER_STRYKER = process.env['STRYKER_MUTATOR_WORKER'] !== undefined;

describe.skipIf(UNDER_STRYKER)('strategyFamily', () => {
  it('gives the template (momentum ranked at a breakout) momentum', () => {
    expect(strategyFamily(templateStrategy(TEST_CONTEXT)._unsafeUnwrap())).toBe('momentum');
  });

  it("gives a ranked strategy its score factor's category, whatever its entry filter or exits", () => {
    const scores = FACTOR_LIBRARY.filter((f) => f.role === 'score');
    expect(scores.length).toBeGreaterThanOrEqual(6);
    for (const score of scores) {
      const source = factor(score.name);
      expect(familyOf(`return sim(${source}.isLargest(10), { resample: 'M' });`), score.name).toBe(score.category);
      expect(familyOf(`return ${source}.isSmallest(5);`), score.name).toBe(score.category);
      expect(familyOf(`return sim(${source}.where(${factor('low_pe')} && !${factor('atr_stop')}).isLargest(10), { trailStop: 0.1 });`), score.name)
        .toBe(score.category);
      // an equal-weight score used as weights: the weights decide
      expect(familyOf(`return ${source}.where(${factor('breakout')});`), score.name).toBe(score.category);
    }
  });

  it("gives a filter-only strategy its first recognised entry filter's category; exits never decide", () => {
    for (const filter of FACTOR_LIBRARY.filter((f) => f.role === 'filter')) {
      const source = factor(filter.name);
      expect(familyOf(`return sim(${source}, { resample: 'W' });`), filter.name).toBe(filter.category);
      expect(familyOf(`return !${factor('rolling_trailing_stop')} && ${source} && ${factor('dual_ma')};`), filter.name).toBe(filter.category);
      expect(familyOf(`return (${source}).holdUntil(${factor('volatility_stop')});`), filter.name).toBe(filter.category);
    }
    // an unrecognised first conjunct is passed over for the first recognised one
    expect(familyOf(`${CLOSE}return close > 3 && ${factor('earnings_catalyst')} && ${factor('breakout')};`)).toBe('quality');
    // a time exit (`!entry.sustain(n)`) is an exit too
    expect(familyOf(`${CLOSE}const entry = ${factor('low_pe')};\nreturn entry && !entry.sustain(20);`)).toBe('value');
  });

  it('lets the rank of holdUntil decide like a score', () => {
    expect(familyOf(`return (${factor('breakout')}).holdUntil(${factor('atr_stop')}, 10, ${factor('roe_level')});`)).toBe('quality');
    expect(familyOf(`${CLOSE}return (${factor('low_pe')}).holdUntil(${factor('atr_stop')}, 10, close);`)).toBe('value');
  });

  it('gives a weighted sum of ranked terms of different families multi, and of one family that family', () => {
    const mom = factor('momentum');
    const pm = factor('price_momentum');
    const ey = factor('earnings_yield');
    const rg = factor('revenue_growth');
    expect(familyOf(`return (${mom}.rank() * 2 + ${ey}.rank()).isLargest(10);`)).toBe('multi');
    expect(familyOf(`return (${mom}.rank() + ${pm}.rank() * 0.5).isLargest(10);`)).toBe('momentum');
    expect(familyOf(`return (${rg}.rank() * 3 - ${ey}.zscore()).isLargest(10);`)).toBe('value');
    expect(familyOf(`return (${mom}.rank() + ${ey}.rank() + ${factor('low_volatility')}.rank()).where(${factor('breakout')}).isLargest(10);`)).toBe('multi');
    // a term that is not a library factor counts by the data it reads; price alone says nothing beside a factor
    expect(familyOf(`${CLOSE}return ((close / close.shift(120)).rank() + ${ey}.rank() * 2).isLargest(10);`)).toBe('value');
    expect(familyOf(`return (${mom}.rank() + data.get('fundamental_features:eps').rank()).isLargest(10);`)).toBe('multi');
    // a ratio of factors is a combination too
    expect(familyOf(`${CLOSE}return (${pm} / close.pctChange(1).rolling(20).std()).isLargest(10);`)).toBe('momentum');
  });

  it('recognises a factor on any key of its data role (the adjusted close for the close)', () => {
    expect(familyOf("return data.get('etl:adj_close').pctChange(60).isLargest(10);")).toBe('momentum');
    expect(familyOf("const c = data.get('etl:adj_close');\nreturn (-c.pctChange(1).rolling(60).std()).isLargest(10);")).toBe('risk');
    expect(familyOf("const c = data.get('etl:adj_close');\nreturn c > c.average(60);")).toBe('momentum');
  });

  it('gives the oracle (momentum, revenue growth and calm, ranked and summed) multi', () => {
    expect(familyOf(ORACLE_SOURCE, SYNTHETIC_CONTEXT)).toBe('multi');
  });

  it('falls back on the data an unrecognised (LLM-written) strategy reads', () => {
    // revenue / valuation fields → value
    expect(familyOf("return data.get('monthly_revenue:yoy').isLargest(20);")).toBe('value');
    expect(familyOf("const pb = data.get('price_earning_ratio:pb');\nreturn sim(pb < 1.2 && pb > 0, { resample: 'Q' });")).toBe('value');
    expect(familyOf("return data.get('price_earning_ratio:本益比').rank().isSmallest(10);")).toBe('value');
    // fundamentals → quality
    expect(familyOf("const m = data.get('fundamental_features:operating_margin');\nreturn (m.average(63) - m.average(252)).isLargest(15);")).toBe('quality');
    expect(familyOf("return data.get('fundamental_features:ROE稅後').diff(63) > 0;")).toBe('quality');
    // both → multi
    expect(familyOf("const roe = data.get('fundamental_features:roe');\nconst pe = data.get('price_earning_ratio:pe');\nreturn roe / pe > 0.02;")).toBe('multi');
    // price and volume only → other
    expect(familyOf(`${CLOSE}return close.isLargest(7);`)).toBe('other');
    expect(familyOf(`${CLOSE}return close > close.average(50) * 1.05 && data.get('price:volume') > 500000;`)).toBe('other');
    expect(familyOf(`${CLOSE}return (close / close.shift(120)).where(close > 10);`)).toBe('other');
    // an unrecognised price score does not hide a recognised filter, nor fundamentals the filters read
    expect(familyOf(`${CLOSE}return (close / close.shift(120)).where(${factor('liquidity')}).isLargest(10);`)).toBe('entry');
    expect(familyOf(`${CLOSE}return (close / close.shift(120)).where(data.get('price_earning_ratio:pe') < 8.5 + close * 0).isLargest(10);`)).toBe('value');
  });

  it('names a family of the domain for every strategy along mutation chains from the template', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 25; seed += 1) {
      let strategy = templateStrategy(TEST_CONTEXT)._unsafeUnwrap();
      const random = seededRandom(seed);
      for (let step = 0; step < 8; step += 1) {
        const child = mutate(strategy, 'replace_factor', random).orElse(() => mutate(strategy, 'add_entry_factor', random));
        if (child.isOk()) strategy = child.value;
        const family = strategyFamily(strategy);
        expect(FACTOR_FAMILIES).toContain(family);
        seen.add(family);
      }
    }
    expect(seen.has('momentum')).toBe(true);
  });
});
