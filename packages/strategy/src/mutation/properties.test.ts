import fc from 'fast-check';
import { ok, type Result } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { formatStrategyErrors } from '../errors.js';
import { templateStrategy } from '../factors/template.js';
import { LIMITS } from '../limits.js';
import { compileStrategy, type CompiledStrategy } from '../strategy.js';
import { STRATEGY_CORPUS } from '../../test/support/corpus.js';
import { TEST_CONTEXT } from '../../test/support/market.js';
import { anatomyOf } from './anatomy.js';
import { crossover } from './crossover.js';
import { exploreStrategy } from './explore.js';
import { MUTATION_OPERATORS, mutate, type MutationError, type MutationOperator } from './mutate.js';
import { pick, randomInt, seededRandom, type RandomSource } from './random.js';
import { MAX_SCORE_TERMS, scoreTerms } from './score-terms.js';

// Properties of the operators that build multi-factor strategies, and of long chains mixing every operator
// with crossover. Sized for a 2-core CI (≤ 100 runs, chains of 30). Skipped under Stryker, like the chains.
const UNDER_STRYKER = process.env['STRYKER_MUTATOR_WORKER'] !== undefined;
const NEW_OPERATORS: readonly MutationOperator[] = ['add_score_term', 'perturb_weights', 'drop_term', 'swap_field'];
const CHAIN_LENGTH = 30;

const template = templateStrategy(TEST_CONTEXT)._unsafeUnwrap();
const ORACLE_LIKE = compileStrategy(`const close = data.get('etl:adj_close');
const momentum = (close.shift(21) / close.shift(252) - 1).rank();
const growth = data.get('monthly_revenue:yoy').rank();
const calm = (-close.pctChange(1).rolling(60).std()).rank();
return sim((momentum * 6 + growth * 5 + calm * 2).isLargest(20), { resample: 'M' });`, TEST_CONTEXT)._unsafeUnwrap();
const PARENTS: readonly CompiledStrategy[] = [
  template,
  ORACLE_LIKE,
  ...STRATEGY_CORPUS.map((source) => compileStrategy(source, TEST_CONTEXT)._unsafeUnwrap()),
];
const seeds = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const parentIndex = fc.integer({ min: 0, max: PARENTS.length - 1 });

/** A child is valid: it round-trips through print and compile, stays within LIMITS and keeps scores bounded. */
function expectValid(child: CompiledStrategy, context: string): void {
  const recompiled = compileStrategy(child.canonicalSource, TEST_CONTEXT);
  if (recompiled.isErr()) throw new Error(`${context}: ${formatStrategyErrors(recompiled.error)}\n${child.canonicalSource}`);
  expect(recompiled.value.graph, context).toEqual(child.graph);
  expect(child.graph.nodes.length, context).toBeLessThanOrEqual(LIMITS.maxNodes);
  expect(new TextEncoder().encode(child.canonicalSource).length, context).toBeLessThanOrEqual(LIMITS.maxSourceBytes);
}

function expectNotApplicable(error: MutationError): void {
  expect(error.kind, error.kind === 'mutation_invalid' ? `${error.message}\n${formatStrategyErrors(error.errors)}` : '').toBe('mutation_not_applicable');
}

function termCount(strategy: CompiledStrategy): number {
  const anatomy = anatomyOf(strategy.graph);
  return anatomy.shape === 'ranked' ? scoreTerms(strategy.graph, anatomy.score).length : 0;
}

/** A score add_score_term appends to (two or more ranked terms); any other score becomes one ranked term of two. */
function extendsInPlace(strategy: CompiledStrategy): boolean {
  const anatomy = anatomyOf(strategy.graph);
  if (anatomy.shape !== 'ranked') return false;
  const terms = scoreTerms(strategy.graph, anatomy.score);
  return terms.length >= 2 && terms.every((t) => strategy.graph.nodes[t.node]?.op === 'rank');
}

describe.skipIf(UNDER_STRYKER)('multi-factor operators (properties)', () => {
  for (const operator of NEW_OPERATORS) {
    it(`${operator} gives a valid, different child or does not apply`, () => {
      fc.assert(
        fc.property(seeds, parentIndex, (seed, index) => {
          const parent = PARENTS[index] as CompiledStrategy;
          const result = mutate(parent, operator, seededRandom(seed));
          if (result.isErr()) return expectNotApplicable(result.error);
          expectValid(result.value, `${operator} on parent ${index}`);
          expect(result.value.strategyId).not.toBe(parent.strategyId);
          expect(result.value.lineage).toMatchObject({ parentId: parent.strategyId, operator });
          if (operator === 'add_score_term' && termCount(parent) > 0) expect(termCount(result.value)).toBe(extendsInPlace(parent) ? termCount(parent) + 1 : 2);
          if (operator === 'drop_term') expect(termCount(result.value)).toBe(termCount(parent) - 1);
          if (operator === 'perturb_weights' || operator === 'swap_field') expect(termCount(result.value)).toBe(termCount(parent));
        }),
        { numRuns: 100, seed: 14_003 },
      );
    });
  }

  it('crossover children differ from both parents and compile, or crossover does not apply', () => {
    fc.assert(
      fc.property(seeds, parentIndex, parentIndex, (seed, i, j) => {
        const [a, b] = [PARENTS[i] as CompiledStrategy, PARENTS[j] as CompiledStrategy];
        const result = crossover(a, b, seededRandom(seed));
        if (result.isErr()) return expectNotApplicable(result.error);
        expectValid(result.value, `crossover of ${i} and ${j}`);
        expect([a.strategyId, b.strategyId]).not.toContain(result.value.strategyId);
        expect(result.value.lineage).toMatchObject({ parentId: a.strategyId, operator: 'crossover', generation: 1 });
      }),
      { numRuns: 100, seed: 14_004 },
    );
  });

  it(`chains of ${CHAIN_LENGTH} steps mixing every operator, crossover and exploration stay valid and within LIMITS`, () => {
    expect(Math.max(...PARENTS.map(termCount))).toBeLessThanOrEqual(MAX_SCORE_TERMS);
    const applied = new Map<string, number>();
    fc.assert(
      fc.property(seeds, parentIndex, (seed, index) => {
        const random: RandomSource = seededRandom(seed);
        const pool: CompiledStrategy[] = [PARENTS[index] as CompiledStrategy];
        let current = pool[0] as CompiledStrategy;
        for (let step = 0; step < CHAIN_LENGTH; step += 1) {
          const { label, result, parents } = nextStep(current, pool, random);
          if (result.isErr()) {
            expectNotApplicable(result.error);
            continue;
          }
          const child = result.value;
          expectValid(child, `${label} at step ${step} of chain ${seed}`);
          for (const parent of parents) expect(child.strategyId).not.toBe(parent.strategyId);
          expect(termCount(child)).toBeLessThanOrEqual(MAX_SCORE_TERMS);
          applied.set(label, (applied.get(label) ?? 0) + 1);
          pool.push(child);
          current = child;
        }
      }),
      { numRuns: 100, seed: 14_005 },
    );
    for (const label of [...MUTATION_OPERATORS, 'crossover', 'explore']) expect(applied.get(label) ?? 0, label).toBeGreaterThan(0);
  }, 120_000);
});

/** One step of a chain: mostly a mutation, sometimes a crossover (with an ancestor or a stock parent), rarely an exploration. */
function nextStep(current: CompiledStrategy, pool: readonly CompiledStrategy[], random: RandomSource):
  { label: string; result: Result<CompiledStrategy, MutationError>; parents: readonly CompiledStrategy[] } {
  const draw = random.next();
  if (draw < 0.05) {
    const explored = exploreStrategy(TEST_CONTEXT, random);
    if (explored.isErr()) throw new Error(`exploreStrategy failed on the test market: ${explored.error.message}`);
    return { label: 'explore', result: ok(explored.value), parents: [] };
  }
  if (draw < 0.2) {
    const mate = random.next() < 0.5 ? (pick(random, pool) as CompiledStrategy) : (PARENTS[randomInt(random, PARENTS.length)] as CompiledStrategy);
    return { label: 'crossover', result: crossover(current, mate, random), parents: [current, mate] };
  }
  const operator = pick(random, MUTATION_OPERATORS) as MutationOperator;
  return { label: operator, result: mutate(current, operator, random), parents: [current] };
}
