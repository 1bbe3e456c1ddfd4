import { describe, expect, it } from 'vitest';
import { sampleChampion, describeStrategyGeneratorContract } from '@alphaloop/ports/contracts';
import { TestRandom } from '@alphaloop/ports/test-doubles';
import { CLASSIC_MUTATION_OPERATORS, compileStrategy, MUTATION_OPERATORS, scoreTerms, type MutationOperator } from '@alphaloop/strategy';
import { STRATEGY_CORPUS, TEST_CONTEXT } from '@alphaloop/strategy/testing';
import { FactorGraphStrategyGenerator } from './factor-graph-generator.js';

const llmChampion = sampleChampion({ source: 'llm', code: STRATEGY_CORPUS[0] ?? '', strategyId: 'c0ffee00c0ffee00' });
/** Weights that enable only `enabled` (0 for every other operator). */
const only = (...enabled: MutationOperator[]): Record<MutationOperator, number> =>
  Object.fromEntries(MUTATION_OPERATORS.map((op) => [op, enabled.includes(op) ? 1 : 0])) as Record<MutationOperator, number>;

describeStrategyGeneratorContract('FactorGraphStrategyGenerator', async () => ({
  create: (seed) => new FactorGraphStrategyGenerator(new TestRandom(seed), TEST_CONTEXT),
  champion: llmChampion,
}));

describe('FactorGraphStrategyGenerator', () => {
  it('mutates every LLM-style corpus strategy into a valid, different strategy', async () => {
    const generator = new FactorGraphStrategyGenerator(new TestRandom(11), TEST_CONTEXT);
    for (const [i, code] of STRATEGY_CORPUS.entries()) {
      const champion = sampleChampion({ source: 'llm', code, strategyId: `corpus-${i}` });
      const made = (await generator.generate({ runId: 'r', iteration: i, champion }))._unsafeUnwrap();
      expect(made.parentId).toBe(`corpus-${i}`);
      const compiled = compileStrategy(made.code, TEST_CONTEXT)._unsafeUnwrap();
      expect(compiled.strategyId).toBe(made.strategyId);
      expect(compiled.canonicalSource).toBe(made.code);
      expect(made.strategyId).not.toBe(compileStrategy(code, TEST_CONTEXT)._unsafeUnwrap().strategyId);
    }
  });

  it('serves the template first in a run, then mutations of it', async () => {
    const generator = new FactorGraphStrategyGenerator(new TestRandom(3), TEST_CONTEXT);
    const first = (await generator.generate({ runId: 'a', iteration: 0, champion: null }))._unsafeUnwrap();
    expect(first).toMatchObject({ parentId: null, operator: 'template', generation: 0 });
    expect(first.code).toContain('isLargest(10)');
    const second = (await generator.generate({ runId: 'a', iteration: 1, champion: null }))._unsafeUnwrap();
    expect(second).toMatchObject({ parentId: first.strategyId, generation: 1 });
    expect(second.strategyId).not.toBe(first.strategyId);
    const otherRun = (await generator.generate({ runId: 'b', iteration: 0, champion: null }))._unsafeUnwrap();
    expect(otherRun.strategyId).toBe(first.strategyId);
  });

  it('continues the lineage of strategies it generated', async () => {
    const generator = new FactorGraphStrategyGenerator(new TestRandom(5), TEST_CONTEXT);
    let champion = llmChampion;
    for (let generation = 1; generation <= 5; generation += 1) {
      const made = (await generator.generate({ runId: 'r', iteration: generation, champion }))._unsafeUnwrap();
      expect(made.generation).toBe(generation);
      expect(made.parentId).toBe(champion.strategyId);
      champion = sampleChampion({ code: made.code, strategyId: made.strategyId });
    }
  });

  it('forgets old lineage beyond its memory', async () => {
    const generator = new FactorGraphStrategyGenerator(new TestRandom(5), TEST_CONTEXT, { lineageMemory: 1 });
    const first = (await generator.generate({ runId: 'r', iteration: 0, champion: llmChampion }))._unsafeUnwrap();
    await generator.generate({ runId: 'r', iteration: 1, champion: llmChampion });
    const fromFirst = (await generator.generate({ runId: 'r', iteration: 2, champion: sampleChampion({ code: first.code, strategyId: first.strategyId }) }))._unsafeUnwrap();
    expect(fromFirst.generation).toBe(1);
  });

  it('draws operators by weight and skips disabled ones', async () => {
    const onlyRebalance = new FactorGraphStrategyGenerator(new TestRandom(1), TEST_CONTEXT, { operatorWeights: only('change_rebalance') });
    for (let i = 0; i < 5; i += 1) {
      const made = (await onlyRebalance.generate({ runId: 'r', iteration: i, champion: llmChampion }))._unsafeUnwrap();
      expect(made.operator).toBe('change_rebalance');
    }
    const generator = new FactorGraphStrategyGenerator(new TestRandom(2), TEST_CONTEXT, { operatorWeights: { perturb_parameter: 50 } });
    const operators = [];
    for (let i = 0; i < 40; i += 1) operators.push((await generator.generate({ runId: 'r', iteration: i, champion: llmChampion }))._unsafeUnwrap().operator);
    expect(operators.filter((op) => op === 'perturb_parameter').length).toBeGreaterThan(25);
    expect(new Set(operators).size).toBeGreaterThan(1);
  });

  it('retries another operator when the drawn one does not apply', async () => {
    // an equal-weight condition has no holdings to change: change_holdings never applies
    const champion = sampleChampion({ code: "const close = data.get('price:close');\nreturn close > close.average(20);", strategyId: 'mask' });
    const generator = new FactorGraphStrategyGenerator(new TestRandom(4), TEST_CONTEXT, { operatorWeights: { change_holdings: 1000 } });
    for (let i = 0; i < 5; i += 1) {
      const made = (await generator.generate({ runId: 'r', iteration: i, champion }))._unsafeUnwrap();
      expect(made.operator).not.toBe('change_holdings');
    }
  });

  it('reports exhaustion when no enabled operator applies', async () => {
    const champion = sampleChampion({ code: "const close = data.get('price:close');\nreturn close > close.average(20);", strategyId: 'mask' });
    const generator = new FactorGraphStrategyGenerator(new TestRandom(4), TEST_CONTEXT, { operatorWeights: only('change_holdings', 'perturb_weights', 'drop_term') });
    const error = (await generator.generate({ runId: 'r', iteration: 0, champion }))._unsafeUnwrapErr();
    expect(error.kind).toBe('generator_exhausted');
    for (const op of ['change_holdings', 'perturb_weights', 'drop_term']) expect(error.message).toContain(`${op} (mutation_not_applicable)`);
    expect(error.message).not.toContain('add_score_term');
  });

  it('rejects a champion that does not compile, and a market without prices', async () => {
    const generator = new FactorGraphStrategyGenerator(new TestRandom(1), TEST_CONTEXT);
    const error = (await generator.generate({ runId: 'r', iteration: 0, champion: sampleChampion({ code: 'return eval(1);' }) }))._unsafeUnwrapErr();
    expect(error.kind).toBe('generator_invalid_parent');
    expect(error.message).toContain("'eval' is not available");
    const bare = new FactorGraphStrategyGenerator(new TestRandom(1), { fields: [{ key: 'x:y', aliases: [] }], dateCount: 100 });
    expect((await bare.generate({ runId: 'r', iteration: 0, champion: null }))._unsafeUnwrapErr().kind).toBe('generator_invalid_parent');
  });
});

// What the generator produced with its seven operators before the new ones existed (TestRandom 17 from
// corpus strategy 0, and TestRandom 5 from the template): 'classic' must reproduce it exactly.
const CLASSIC_CHAIN = [
  'perturb_parameter:d56f21fadb3183bc:1', 'perturb_parameter:2aca41cd9824aa41:2', 'remove_factor:4e5c6da4206c90d2:3',
  'remove_factor:8069c2fb817a7d82:4', 'add_exit_factor:56adc96d37290657:5', 'add_entry_factor:972205c1224438ac:6',
  'replace_factor:5715968faafe5091:7', 'perturb_parameter:1b771c8407467dda:8', 'replace_factor:7a580b3ae6cfa7e7:9',
  'remove_factor:21c14fc03d027867:10', 'perturb_parameter:264ed5d8fd4a5258:11', 'add_entry_factor:9d0f797e207d2d6c:12',
  'add_entry_factor:659b58107ba4b71d:13', 'add_exit_factor:3e831b19bad8eed2:14', 'remove_factor:8e7855726a20f229:15',
  'replace_factor:1aa40c42d063222e:16', 'perturb_parameter:13262ec149f25300:17', 'replace_factor:4e1fc059d36c645f:18',
  'perturb_parameter:d94ab9262684c2f1:19', 'perturb_parameter:aaa52a14dfc1f147:20', 'perturb_parameter:49bdf2ec7d5974ee:21',
  'change_rebalance:d44495c87b53faf2:22', 'replace_factor:323d23b5c4a885d7:23', 'perturb_parameter:aa9c18be8c3cc661:24',
  'change_holdings:4c9bf2733d009b8d:25',
];
const CLASSIC_FROM_TEMPLATE = [
  'template:44a0751dd990a00a:0', 'perturb_parameter:5f09cb9ef7107987:1', 'replace_factor:7e29666a2e72e9d3:1',
  'add_entry_factor:deb07f1569c96f8c:1', 'remove_factor:12c6789b9049561b:1', 'add_exit_factor:58b7643a409689cd:1',
  'change_holdings:41f295e89a9bdbef:1', 'perturb_parameter:c8f4af8b8f7d36b7:1', 'remove_factor:eae6bf124e152ca8:1',
  'perturb_parameter:5f09cb9ef7107987:1',
];

const ranked = (score: string): string => `const close = data.get('price:close');
const pe = data.get('price_earning_ratio:pe');
return sim(${score}.where(close > close.average(60)).isLargest(15), { resample: 'M' });`;

/** The number of terms of the score of a ranked strategy (0 for other shapes). */
function termCount(code: string): number {
  const graph = compileStrategy(code, TEST_CONTEXT)._unsafeUnwrap().graph;
  const root = graph.nodes[graph.root];
  if (root?.op !== 'isLargest' && root?.op !== 'isSmallest') return 0;
  const inner = graph.nodes[root.args[0] ?? -1];
  return scoreTerms(graph, inner?.op === 'where' ? (inner.args[0] ?? -1) : (root.args[0] ?? -1)).length;
}

describe('FactorGraphStrategyGenerator operator sets', () => {
  it("'classic' reproduces the search of the seven original operators, draw for draw", async () => {
    const generator = new FactorGraphStrategyGenerator(new TestRandom(17), TEST_CONTEXT, { operators: 'classic' });
    let champion = sampleChampion({ code: STRATEGY_CORPUS[0] ?? '', strategyId: 'c0' });
    const chain: string[] = [];
    for (let i = 0; i < 25; i += 1) {
      const made = (await generator.generate({ runId: 'r', iteration: i, champion }))._unsafeUnwrap();
      chain.push(`${made.operator}:${made.strategyId}:${made.generation}`);
      champion = sampleChampion({ code: made.code, strategyId: made.strategyId });
    }
    expect(chain).toEqual(CLASSIC_CHAIN);
    const fromTemplate = new FactorGraphStrategyGenerator(new TestRandom(5), TEST_CONTEXT, { operators: 'classic' });
    const made: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      const next = (await fromTemplate.generate({ runId: 'r', iteration: i, champion: null }))._unsafeUnwrap();
      made.push(`${next.operator}:${next.strategyId}:${next.generation}`);
    }
    expect(made).toEqual(CLASSIC_FROM_TEMPLATE);
  });

  it("'classic' never uses the new operators; 'all' (the default) does, and grows multi-term scores", async () => {
    const classic = new Set<string>();
    const all = new Set<string>();
    let mostTerms = 0;
    for (const [operators, seen] of [['classic', classic], ['all', all]] as const) {
      const generator = new FactorGraphStrategyGenerator(new TestRandom(23), TEST_CONTEXT, { operators });
      let champion = sampleChampion({ code: STRATEGY_CORPUS[0] ?? '', strategyId: 'c0' });
      for (let i = 0; i < 60; i += 1) {
        const made = (await generator.generate({ runId: 'r', iteration: i, champion }))._unsafeUnwrap();
        seen.add(made.operator);
        champion = sampleChampion({ code: made.code, strategyId: made.strategyId });
        if (operators === 'classic') expect(termCount(made.code)).toBeLessThanOrEqual(1);
        else mostTerms = Math.max(mostTerms, termCount(made.code));
      }
    }
    const isClassic = (op: string): boolean => (CLASSIC_MUTATION_OPERATORS as readonly string[]).includes(op);
    expect([...classic].every(isClassic)).toBe(true);
    expect(all.has('add_score_term')).toBe(true);
    expect([...all].filter((op) => !isClassic(op)).length).toBeGreaterThanOrEqual(2);
    expect(mostTerms).toBeGreaterThanOrEqual(2);
  });
});

describe('FactorGraphStrategyGenerator crossover and exploration', () => {
  const momentum = ranked('close.pctChange(1).average(20)');
  const value = ranked('(1 / pe)');

  it('crosses the champion with its mate: operator crossover, the mate named, generation after the older parent', async () => {
    const generator = new FactorGraphStrategyGenerator(new TestRandom(8), TEST_CONTEXT, { operatorWeights: only('change_holdings') });
    // a champion of generation 2; the mate is unknown to the generator (generation 0)
    const first = (await generator.generate({ runId: 'r', iteration: 0, champion: sampleChampion({ code: momentum, strategyId: 'm0' }) }))._unsafeUnwrap();
    const second = (await generator.generate({ runId: 'r', iteration: 1, champion: sampleChampion({ code: first.code, strategyId: first.strategyId }) }))._unsafeUnwrap();
    expect(second.generation).toBe(2);
    const champion = sampleChampion({ code: second.code, strategyId: second.strategyId });
    const mateId = 'fedcba9876543210';
    const valueId = compileStrategy(value, TEST_CONTEXT)._unsafeUnwrap().strategyId;
    const children = new Set<string>();
    for (let i = 0; i < 12; i += 1) {
      const made = (await generator.generate({ runId: 'r', iteration: 2 + i, champion, mate: { strategyId: mateId, code: value } }))._unsafeUnwrap();
      expect(made).toMatchObject({ operator: 'crossover', parentId: second.strategyId, mateId, generation: 3 });
      expect(compileStrategy(made.code, TEST_CONTEXT)._unsafeUnwrap().canonicalSource).toBe(made.code);
      expect([second.strategyId, valueId]).not.toContain(made.strategyId);
      children.add(made.code);
    }
    // the recipes: both scores combined, or one parent's score on the other's entry
    const codes = [...children];
    expect(codes.some((code) => termCount(code) === 2)).toBe(true);
    expect(codes.some((code) => termCount(code) === 1 && code.includes('1 / pe'))).toBe(true);
    // a child of the crossover continues from generation 3
    const grandchild = (await generator.generate({ runId: 'r', iteration: 20, champion: sampleChampion({ code: codes[0] ?? '', strategyId: 'stored-elsewhere' }) }))._unsafeUnwrap();
    expect(grandchild.generation).toBe(4);
  });

  it('mutates the champion instead when the crossover does not apply or the mate does not compile', async () => {
    const generator = new FactorGraphStrategyGenerator(new TestRandom(9), TEST_CONTEXT);
    const champion = sampleChampion({ code: momentum, strategyId: 'm0' });
    const mates = [{ strategyId: 'same', code: momentum }, { strategyId: 'broken', code: 'return eval(1);' }, null];
    for (const [i, mate] of mates.entries()) {
      const made = (await generator.generate({ runId: 'r', iteration: i, champion, mate }))._unsafeUnwrap();
      expect(made.operator).not.toBe('crossover');
      expect(made).toMatchObject({ parentId: 'm0', mateId: null, generation: 1 });
    }
  });

  it('explores: a new strategy from the factor library, without a parent, at generation 0', async () => {
    const generator = new FactorGraphStrategyGenerator(new TestRandom(10), TEST_CONTEXT);
    const ids = new Set<string>();
    for (let i = 0; i < 10; i += 1) {
      const made = (await generator.generate({ runId: 'r', iteration: i, champion: llmChampion, explore: true }))._unsafeUnwrap();
      expect(made).toMatchObject({ operator: 'explore', parentId: null, generation: 0, mateId: null });
      expect(compileStrategy(made.code, TEST_CONTEXT)._unsafeUnwrap().strategyId).toBe(made.strategyId);
      const holdings = Number(/\.isLargest\((\d+)\)/.exec(made.code)?.[1]);
      expect(holdings).toBeGreaterThanOrEqual(5);
      expect(holdings).toBeLessThanOrEqual(50);
      ids.add(made.strategyId);
    }
    expect(ids.size).toBeGreaterThanOrEqual(8);
    const explored = (await generator.generate({ runId: 'r', iteration: 10, champion: null, explore: true }))._unsafeUnwrap();
    const child = (await generator.generate({ runId: 'r', iteration: 11, champion: sampleChampion({ code: explored.code, strategyId: explored.strategyId }) }))._unsafeUnwrap();
    expect(child).toMatchObject({ parentId: explored.strategyId, generation: 1 });
  });

  it('explores reproducibly from its seed, and reports a market without prices', async () => {
    const input = { runId: 'r', iteration: 0, champion: null, explore: true };
    const [a, b] = [new FactorGraphStrategyGenerator(new TestRandom(3), TEST_CONTEXT), new FactorGraphStrategyGenerator(new TestRandom(3), TEST_CONTEXT)];
    expect((await a.generate(input))._unsafeUnwrap()).toEqual((await b.generate(input))._unsafeUnwrap());
    const bare = new FactorGraphStrategyGenerator(new TestRandom(1), { fields: [{ key: 'x:y', aliases: [] }], dateCount: 100 });
    expect((await bare.generate(input))._unsafeUnwrapErr().kind).toBe('generator_invalid_parent');
  });
});
