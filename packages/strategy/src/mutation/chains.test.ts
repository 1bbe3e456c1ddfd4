import { describe, expect, it } from 'vitest';
import { formatStrategyErrors } from '../errors.js';
import { templateStrategy } from '../factors/template.js';
import { compileStrategy, type CompiledStrategy } from '../strategy.js';
import { STRATEGY_CORPUS } from '../../test/support/corpus.js';
import { TEST_CONTEXT } from '../../test/support/market.js';
import { MUTATION_OPERATORS, mutate, type MutationOperator } from './mutate.js';
import { pick, seededRandom } from './random.js';

// The acceptance run: 10,000 seeded chains (from the template and from every corpus strategy). Skipped
// under Stryker (one test run per mutant): mutate.test.ts pins each operator down at a fraction of the cost.
const UNDER_STRYKER = process.env['STRYKER_MUTATOR_WORKER'] !== undefined;
const CHAINS = 10_000;
const MAX_LENGTH = 4;

describe.skipIf(UNDER_STRYKER)('random mutation chains', () => {
  it(`${CHAINS} seeded chains from the template and the corpus: every child validates and round-trips`, () => {
    const parents: CompiledStrategy[] = [
      templateStrategy(TEST_CONTEXT)._unsafeUnwrap(),
      ...STRATEGY_CORPUS.map((source) => compileStrategy(source, TEST_CONTEXT)._unsafeUnwrap()),
    ];
    const random = seededRandom(20_261_125);
    const applied = new Map<MutationOperator, number>(MUTATION_OPERATORS.map((op) => [op, 0]));
    let children = 0;
    for (let chain = 0; chain < CHAINS; chain += 1) {
      let current = parents[chain % parents.length] as CompiledStrategy;
      const length = 1 + Math.floor(random.next() * MAX_LENGTH);
      for (let step = 0; step < length; step += 1) {
        const operator = pick(random, MUTATION_OPERATORS) as MutationOperator;
        const result = mutate(current, operator, random);
        if (result.isErr()) {
          // an operator may not apply; it must never produce an invalid strategy
          expect(result.error.kind, result.error.kind === 'mutation_invalid' ? formatStrategyErrors(result.error.errors) : '').toBe('mutation_not_applicable');
          continue;
        }
        const child = result.value;
        const recompiled = compileStrategy(child.canonicalSource, TEST_CONTEXT);
        if (recompiled.isErr()) throw new Error(`${operator}: ${formatStrategyErrors(recompiled.error)}\n${child.canonicalSource}`);
        expect(recompiled.value.graph).toEqual(child.graph);
        expect(child.strategyId).not.toBe(current.strategyId);
        expect(child.lineage).toMatchObject({ parentId: current.strategyId, operator, generation: (current.lineage?.generation ?? 0) + 1 });
        applied.set(operator, (applied.get(operator) ?? 0) + 1);
        children += 1;
        current = child;
      }
    }
    expect(children).toBeGreaterThan(CHAINS);
    for (const [, count] of applied) expect(count).toBeGreaterThan(0);
  }, 600_000);
});
