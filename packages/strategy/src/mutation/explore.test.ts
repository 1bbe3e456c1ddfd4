import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { factorByName, type FactorParamSpec } from '../factors/library.js';
import { factorKitOf } from '../factors/factor-kit.js';
import { compileStrategy } from '../strategy.js';
import { TEST_CONTEXT } from '../../test/support/market.js';
import { anatomyOf } from './anatomy.js';
import { EXPLORE_HOLDINGS, exploreStrategy, randomInstance, randomParam } from './explore.js';
import { seededRandom } from './random.js';
import { scoreTerms } from './score-terms.js';

const UNDER_STRYKER = process.env['STRYKER_MUTATOR_WORKER'] !== undefined;
const kit = factorKitOf(TEST_CONTEXT);

/** What an explored strategy is made of, read back from its graph. */
function shapeOf(seed: number) {
  const strategy = exploreStrategy(TEST_CONTEXT, seededRandom(seed))._unsafeUnwrap();
  const anatomy = anatomyOf(strategy.graph);
  if (anatomy.shape !== 'ranked') throw new Error(strategy.canonicalSource);
  const terms = scoreTerms(strategy.graph, anatomy.score);
  const exits = anatomy.entry.filter((id) => strategy.graph.nodes[id]?.op === 'not').length;
  const stops = [strategy.options.stopLoss, strategy.options.takeProfit, strategy.options.trailStop].filter((o) => o !== null).length;
  return { strategy, anatomy, terms, filters: anatomy.entry.length - exits, exits, stops };
}

describe.skipIf(UNDER_STRYKER)('exploreStrategy', () => {
  it('always gives a valid ranked strategy of 1–2 scores, 0–2 filters and at most one exit (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const { strategy, anatomy, terms, filters, exits, stops } = shapeOf(seed);
        expect(compileStrategy(strategy.canonicalSource, TEST_CONTEXT)._unsafeUnwrap().graph).toEqual(strategy.graph);
        expect(strategy.lineage).toBeNull();
        expect(anatomy.selector).toBe('isLargest');
        expect(anatomy.holdings).toBeGreaterThanOrEqual(EXPLORE_HOLDINGS.min);
        expect(anatomy.holdings).toBeLessThanOrEqual(EXPLORE_HOLDINGS.max);
        expect(['D', 'W', 'M', 'Q']).toContain(strategy.options.resample);
        expect(terms.length).toBeGreaterThanOrEqual(1);
        expect(terms.length).toBeLessThanOrEqual(2);
        if (terms.length === 1) {
          expect(kit.recognise(strategy.graph, terms[0]?.node ?? -1)?.factor.role).toBe('score');
        } else {
          const [a, b] = terms.map((t) => t.weight);
          expect((a ?? 0) + (b ?? 0)).toBeCloseTo(1, 12);
          expect(a).toBeGreaterThanOrEqual(0.3);
          expect(a).toBeLessThanOrEqual(0.7);
          for (const term of terms) {
            const node = strategy.graph.nodes[term.node];
            expect(node?.op).toBe('rank');
            expect(kit.recognise(strategy.graph, node?.args[0] ?? -1)?.factor.role).toBe('score');
          }
        }
        expect(filters).toBeLessThanOrEqual(2);
        expect(exits + stops).toBeLessThanOrEqual(1);
      }),
      { numRuns: 100, seed: 20_261_126 },
    );
  });

  it('draws every kind of part across seeds', () => {
    const shapes = Array.from({ length: 80 }, (_, seed) => shapeOf(seed));
    expect(new Set(shapes.map((s) => s.terms.length))).toEqual(new Set([1, 2]));
    expect(new Set(shapes.map((s) => s.filters))).toEqual(new Set([0, 1, 2]));
    expect(shapes.some((s) => s.exits === 1)).toBe(true);
    expect(shapes.some((s) => s.stops === 1)).toBe(true);
    expect(shapes.some((s) => s.exits + s.stops === 0)).toBe(true);
    expect(new Set(shapes.map((s) => s.strategy.options.resample))).toEqual(new Set(['D', 'W', 'M', 'Q']));
    expect(new Set(shapes.map((s) => s.strategy.strategyId)).size).toBe(80);
    const holdings = shapes.map((s) => s.anatomy.holdings);
    expect(Math.min(...holdings)).toBeLessThan(15);
    expect(Math.max(...holdings)).toBeGreaterThan(40);
  });

  it('is reproducible, and fails only on a market without prices', () => {
    expect(exploreStrategy(TEST_CONTEXT, seededRandom(4))._unsafeUnwrap().canonicalSource).toBe(exploreStrategy(TEST_CONTEXT, seededRandom(4))._unsafeUnwrap().canonicalSource);
    expect(exploreStrategy({ fields: [{ key: 'x:y', aliases: [] }], dateCount: 100 }, seededRandom(1))._unsafeUnwrapErr().kind).toBe('unknown_data_key');
  });
});

describe.skipIf(UNDER_STRYKER)('random parameters', () => {
  const at = (u: number) => ({ next: () => u });
  const spec = (min: number, max: number, integer: boolean): FactorParamSpec => ({ name: 'p', default: min, min, max, integer });

  it('draws integers uniformly over the whole range', () => {
    expect(randomParam(spec(5, 100, true), at(0))).toBe(5);
    expect(randomParam(spec(5, 100, true), at(0.5))).toBe(53);
    expect(randomParam(spec(5, 100, true), at(0.999_999))).toBe(100);
  });

  it('draws reals uniformly, or log-uniformly over more than a decade, at two significant digits', () => {
    expect(randomParam(spec(10, 90, false), at(0.5))).toBe(50);
    expect(randomParam(spec(10, 90, false), at(0.123))).toBe(20);
    expect(randomParam(spec(10_000, 100_000_000, false), at(0))).toBe(10_000);
    expect(randomParam(spec(10_000, 100_000_000, false), at(0.5))).toBe(1_000_000);
    expect(randomParam(spec(10_000, 100_000_000, false), at(0.999_999))).toBe(100_000_000);
    expect(randomParam(spec(0.005, 0.1, false), at(0.5))).toBe(0.022);
    expect(randomParam(spec(-1, 1, false), at(0.25))).toBe(-0.5);
  });

  it('draws an instance within the bounds of the market', () => {
    const dual = factorByName('dual_ma');
    if (dual === undefined) throw new Error('dual_ma');
    const small = factorKitOf({ ...TEST_CONTEXT, dateCount: 30 });
    for (let seed = 0; seed < 20; seed += 1) {
      const instance = randomInstance(small, dual, seededRandom(seed));
      expect(instance.params[0]).toBeLessThanOrEqual(30);
      expect(instance.params[1]).toBeLessThanOrEqual(30);
      expect(instance.params.every(Number.isInteger)).toBe(true);
    }
  });
});
