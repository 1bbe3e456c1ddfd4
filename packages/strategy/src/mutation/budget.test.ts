import { describe, expect, it } from 'vitest';
import { templateStrategy } from '../factors/template.js';
import { compileStrategy } from '../strategy.js';
import { TEST_CONTEXT } from '../../test/support/market.js';
import { anatomyOf } from './anatomy.js';
import { SEARCH_BUDGET } from './budget.js';
import { MUTATION_OPERATORS, mutate } from './mutate.js';
import { pick, seededRandom } from './random.js';
import { scoreTerms } from './score-terms.js';

const HEAD = "const close = data.get('price:close');\nconst volume = data.get('price:volume');\n";

/** Entry conditions, exits (conjuncts written `!…` plus stop options) and score terms of a compiled strategy. */
function size(source: string): { conditions: number; exits: number; terms: number } {
  const strategy = compileStrategy(source, TEST_CONTEXT)._unsafeUnwrap();
  const graph = strategy.graph;
  const anatomy = anatomyOf(graph);
  const exitConjuncts = anatomy.entry.filter((id) => graph.nodes[id]?.op === 'not').length;
  const stops = (['stopLoss', 'takeProfit', 'trailStop'] as const).filter((o) => graph.options[o] !== null).length;
  const terms = anatomy.shape === 'ranked' ? scoreTerms(graph, anatomy.score).length : 0;
  return { conditions: anatomy.entry.length - exitConjuncts, exits: exitConjuncts + stops, terms };
}

describe('the search budget', () => {
  it('stops add_entry_factor at three conditions and add_exit_factor at two exits, while removing still applies', () => {
    const full = compileStrategy(
      `${HEAD}return sim(close.pctChange(20).where(close > close.average(60) && volume.average(20) > 1000000 && close.rsi(14) > 50 && !(close / close.rolling(20).max() < 0.9)).isLargest(10), { stopLoss: 0.08 });`,
      TEST_CONTEXT,
    )._unsafeUnwrap();
    const random = seededRandom(1);
    expect(mutate(full, 'add_entry_factor', random).isErr()).toBe(true);
    expect(mutate(full, 'add_exit_factor', random).isErr()).toBe(true);
    expect(mutate(full, 'remove_factor', random).isOk()).toBe(true);
    const roomy = compileStrategy(`${HEAD}return sim(close.pctChange(20).where(close > close.average(60)).isLargest(10));`, TEST_CONTEXT)._unsafeUnwrap();
    expect(mutate(roomy, 'add_entry_factor', random).isOk()).toBe(true);
    expect(mutate(roomy, 'add_exit_factor', random).isOk()).toBe(true);
  });

  it('keeps long random chains from the template within the budget', () => {
    for (let seed = 1; seed <= 20; seed += 1) {
      const random = seededRandom(seed);
      let current = templateStrategy(TEST_CONTEXT)._unsafeUnwrap();
      for (let step = 0; step < 40; step += 1) {
        const child = mutate(current, pick(random, MUTATION_OPERATORS) ?? 'perturb_parameter', random);
        if (child.isErr()) continue;
        current = child.value;
        const s = size(current.canonicalSource);
        expect(s.conditions).toBeLessThanOrEqual(SEARCH_BUDGET.maxEntryConditions);
        expect(s.exits).toBeLessThanOrEqual(SEARCH_BUDGET.maxExits);
        expect(s.terms).toBeLessThanOrEqual(SEARCH_BUDGET.maxScoreTerms);
      }
    }
  });
});
