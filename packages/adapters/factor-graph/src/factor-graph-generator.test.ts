import { describe, expect, it } from 'vitest';
import { sampleChampion, describeStrategyGeneratorContract } from '@alphaloop/ports/contracts';
import { TestRandom } from '@alphaloop/ports/test-doubles';
import { compileStrategy } from '@alphaloop/strategy';
import { STRATEGY_CORPUS, TEST_CONTEXT } from '@alphaloop/strategy/testing';
import { FactorGraphStrategyGenerator } from './factor-graph-generator.js';

const llmChampion = sampleChampion({ source: 'llm', code: STRATEGY_CORPUS[0] ?? '', strategyId: 'c0ffee00c0ffee00' });

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
    const onlyRebalance = new FactorGraphStrategyGenerator(new TestRandom(1), TEST_CONTEXT, {
      operatorWeights: { add_entry_factor: 0, add_exit_factor: 0, remove_factor: 0, replace_factor: 0, perturb_parameter: 0, change_holdings: 0 },
    });
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
    const generator = new FactorGraphStrategyGenerator(new TestRandom(4), TEST_CONTEXT, {
      operatorWeights: { add_entry_factor: 0, add_exit_factor: 0, remove_factor: 0, replace_factor: 0, perturb_parameter: 0, change_rebalance: 0 },
    });
    const error = (await generator.generate({ runId: 'r', iteration: 0, champion }))._unsafeUnwrapErr();
    expect(error.kind).toBe('generator_exhausted');
    expect(error.message).toContain('change_holdings (mutation_not_applicable)');
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
