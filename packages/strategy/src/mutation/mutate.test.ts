import { describe, expect, it } from 'vitest';
import { formatStrategyErrors } from '../errors.js';
import { templateStrategy } from '../factors/template.js';
import { compileStrategy, type CompiledStrategy } from '../strategy.js';
import { TEST_CONTEXT } from '../../test/support/market.js';
import { anatomyOf, conjuncts } from './anatomy.js';
import { CLASSIC_MUTATION_OPERATORS, MUTATION_OPERATORS, mutate, type MutationOperator } from './mutate.js';
import { perturbValue, roundSignificant } from './perturb.js';
import { pick, randomInt, seededRandom, shuffled, type RandomSource } from './random.js';

const compile = (source: string): CompiledStrategy => {
  const result = compileStrategy(source, TEST_CONTEXT);
  if (result.isErr()) throw new Error(formatStrategyErrors(result.error));
  return result.value;
};
const CLOSE = "const close = data.get('price:close');\n";
const template = templateStrategy(TEST_CONTEXT)._unsafeUnwrap();
const sequence = (...values: number[]): RandomSource => {
  let i = 0;
  return { next: () => values[i++ % values.length] ?? 0 };
};

/** Applies `operator` with many seeds; returns the children that applied. */
function children(parent: CompiledStrategy, operator: MutationOperator, seeds = 30): CompiledStrategy[] {
  const out: CompiledStrategy[] = [];
  for (let seed = 1; seed <= seeds; seed += 1) {
    const result = mutate(parent, operator, seededRandom(seed));
    if (result.isOk()) out.push(result.value);
    else expect(result.error.kind).toBe('mutation_not_applicable');
  }
  return out;
}

// factors/ and mutation/ are outside the Stryker scope (README: mutation testing); skip the cost there.
const UNDER_STRYKER = process.env['STRYKER_MUTATOR_WORKER'] !== undefined;

describe.skipIf(UNDER_STRYKER)('mutate', () => {
  it('applies every operator to the template (those that tune a weighted sum to the template with a second score term), recording lineage', () => {
    const twoTerms = mutate(template, 'add_score_term', seededRandom(1))._unsafeUnwrap();
    for (const operator of MUTATION_OPERATORS) {
      const parent = operator === 'perturb_weights' || operator === 'drop_term' ? twoTerms : template;
      const made = children(parent, operator);
      expect(made.length, operator).toBeGreaterThan(0);
      for (const child of made) {
        expect(child.strategyId).not.toBe(parent.strategyId);
        expect(child.lineage).toMatchObject({ parentId: parent.strategyId, operator, generation: parent === template ? 1 : 2 });
        expect(child.lineage?.description.length).toBeGreaterThan(5);
        expect(child.context).toBe(TEST_CONTEXT);
      }
    }
  });

  it('keeps the seven classic operators first, in their order, and adds the multi-factor ones after them', () => {
    expect(CLASSIC_MUTATION_OPERATORS).toEqual(['add_entry_factor', 'add_exit_factor', 'remove_factor', 'replace_factor', 'perturb_parameter', 'change_rebalance', 'change_holdings']);
    expect(MUTATION_OPERATORS).toEqual([...CLASSIC_MUTATION_OPERATORS, 'add_score_term', 'perturb_weights', 'drop_term', 'swap_field']);
  });

  it('counts generations along a chain, or from the given parent generation', () => {
    const first = mutate(template, 'change_rebalance', seededRandom(1))._unsafeUnwrap();
    const second = mutate(first, 'change_holdings', seededRandom(2))._unsafeUnwrap();
    expect(second.lineage).toMatchObject({ parentId: first.strategyId, generation: 2 });
    expect(mutate(template, 'change_holdings', seededRandom(2), { parentGeneration: 7 })._unsafeUnwrap().lineage?.generation).toBe(8);
  });

  it('is deterministic for a given random sequence', () => {
    for (const operator of MUTATION_OPERATORS) {
      const a = mutate(template, operator, seededRandom(99));
      const b = mutate(template, operator, seededRandom(99));
      expect(a.isOk() ? a.value.canonicalSource : a.error.message).toBe(b.isOk() ? b.value.canonicalSource : b.error.message);
    }
  });

  it('add_entry_factor adds one entry condition before the exits', () => {
    for (const child of children(template, 'add_entry_factor')) {
      const before = anatomyOf(template.graph);
      const after = anatomyOf(child.graph);
      expect(after.shape).toBe('ranked');
      expect(after.entry.length).toBe(before.entry.length + 1);
      expect(child.lineage?.description).toMatch(/^added entry factor \w+\(/);
    }
  });

  it('add_entry_factor turns an equal-weight condition into a ranking when it adds a score', () => {
    const parent = compile(`${CLOSE}return sim(close > close.average(20), { resample: 'M' });`);
    const shapes = new Set(children(parent, 'add_entry_factor', 60).map((c) => anatomyOf(c.graph).shape));
    expect(shapes).toEqual(new Set(['mask', 'ranked']));
  });

  it('add_exit_factor adds a negated exit signal or a stop option', () => {
    const made = children(template, 'add_exit_factor', 60);
    const descriptions = made.map((c) => c.lineage?.description ?? '');
    expect(descriptions.some((d) => /stop_loss|profit_target/.test(d))).toBe(true);
    expect(descriptions.some((d) => /rolling_trailing_stop|rolling_profit_target|volatility_stop|atr_stop|time_exit/.test(d))).toBe(true);
    expect(descriptions.some((d) => d.startsWith('added exit factor trailing_stop('))).toBe(false); // trailStop is already set
    for (const child of made) {
      const options = child.options.stopLoss !== null || child.options.takeProfit !== null;
      const negated = anatomyOf(child.graph).entry.some((id) => child.graph.nodes[id]?.op === 'not');
      expect(options || negated).toBe(true);
    }
  });

  it('adds a time exit only when there is an entry condition to time', () => {
    const ranked = compile(`${CLOSE}return sim(close.rank().isLargest(5));`);
    const timeExits = children(ranked, 'add_exit_factor', 80).filter((c) => c.lineage?.description.includes('time_exit'));
    expect(timeExits).toHaveLength(0);
    const timed = children(template, 'add_exit_factor', 80).find((c) => c.lineage?.description.includes('time_exit'));
    expect(timed?.canonicalSource).toContain('const gt = close > high.rolling(20).max().shift(1);');
    expect(timed?.canonicalSource).toMatch(/\.where\(gt && !gt\.sustain\((\d+), \1\)\)/);
  });

  it('remove_factor never leaves a strategy without an entry condition or a score', () => {
    const single = compile(`${CLOSE}return sim(close > close.average(20), { resample: 'M' });`);
    expect(mutate(single, 'remove_factor', seededRandom(1))._unsafeUnwrapErr().kind).toBe('mutation_not_applicable');
    const withStop = compile(`${CLOSE}return sim(close > close.average(20), { stopLoss: 0.1 });`);
    expect(mutate(withStop, 'remove_factor', seededRandom(1))._unsafeUnwrap().options.stopLoss).toBeNull();
    const onlyScore = compile(`${CLOSE}return sim(close.rank().isLargest(5));`);
    expect(mutate(onlyScore, 'remove_factor', seededRandom(1)).isErr()).toBe(true);
    const withExit = compile(`${CLOSE}return close > 1 && !(close < 0.5);`);
    for (const child of children(withExit, 'remove_factor')) {
      expect(child.canonicalSource).toContain('close > 1');
    }
    for (const child of children(template, 'remove_factor')) {
      const anatomy = anatomyOf(child.graph);
      expect(anatomy.shape).toBe('ranked');
    }
  });

  it('replace_factor swaps a recognised factor for another of the same category', () => {
    const made = children(template, 'replace_factor', 60);
    expect(made.length).toBeGreaterThan(0);
    for (const child of made) {
      const [, from, to] = /^replaced (\w+)\(.*\) by (\w+)\(/.exec(child.lineage?.description ?? '') ?? [];
      const categories: Record<string, string> = { momentum: 'momentum', price_momentum: 'momentum', breakout: 'entry', new_high: 'entry', liquidity: 'entry',
        trailing_stop: 'exit', stop_loss: 'exit', profit_target: 'exit', rolling_trailing_stop: 'exit', rolling_profit_target: 'exit', volatility_stop: 'exit', atr_stop: 'exit', time_exit: 'exit' };
      expect(from, child.lineage?.description).toBeDefined();
      expect(categories[to ?? ''], child.lineage?.description).toBe(categories[from ?? '']);
      expect(to).not.toBe(from);
    }
  });

  it('replace_factor does not apply when nothing is recognised', () => {
    const custom = compile(`${CLOSE}return sim(close.log().isLargest(3));`);
    expect(mutate(custom, 'replace_factor', seededRandom(3))._unsafeUnwrapErr()).toMatchObject({ kind: 'mutation_not_applicable', operator: 'replace_factor' });
  });

  it('perturb_parameter changes exactly one parameter within its bounds', () => {
    const parent = compile(`${CLOSE}return sim((close.average(20) > close).sustain(5, 3) && close > 100, { stopLoss: 0.1, resample: 'M' });`);
    for (const child of children(parent, 'perturb_parameter', 40)) {
      expect(child.lineage?.description).toMatch(/^changed (the (n|k) of \w+|the threshold|stopLoss|positionLimit) from/);
      const sustain = child.graph.nodes.find((n) => n.op === 'sustain');
      expect(Number(sustain?.params[1])).toBeLessThanOrEqual(Number(sustain?.params[0]));
      expect(child.options.stopLoss).toBeGreaterThan(0);
    }
    const held = compile(`${CLOSE}return (close > 1).sustain(4);`);
    for (const child of children(held, 'perturb_parameter', 20)) {
      const sustain = child.graph.nodes.find((n) => n.op === 'sustain');
      if (sustain !== undefined) expect(sustain.params[0]).toBe(sustain.params[1]);
    }
  });

  it('change_rebalance picks another schedule', () => {
    for (const child of children(template, 'change_rebalance')) expect(child.options.resample).not.toBe('M');
    const seen = new Set(children(template, 'change_rebalance', 60).map((c) => c.options.resample));
    expect(seen).toEqual(new Set([null, 'D', 'W', 'Q']));
  });

  it('change_holdings moves n by at most half, staying at least 1', () => {
    for (const child of children(template, 'change_holdings')) {
      const n = Number(child.graph.nodes[child.graph.root]?.params[0]);
      expect(n).toBeGreaterThanOrEqual(5);
      expect(n).toBeLessThanOrEqual(15);
      expect(n).not.toBe(10);
    }
    const one = compile(`${CLOSE}return close.isSmallest(1);`);
    expect(mutate(one, 'change_holdings', sequence(0.9, 0.9))._unsafeUnwrap().graph.nodes.at(-1)?.params).toEqual([2]);
    expect(mutate(one, 'change_holdings', sequence(0, 0))._unsafeUnwrap().graph.nodes.at(-1)?.params).toEqual([2]);
    const hold = compile(`${CLOSE}return (close > 1).holdUntil(close < 1, 4);`);
    expect(mutate(hold, 'change_holdings', sequence(0, 0))._unsafeUnwrap().graph.nodes.at(-1)?.params).toEqual([3]);
    const mask = compile(`${CLOSE}return close > 1;`);
    expect(mutate(mask, 'change_holdings', seededRandom(1))._unsafeUnwrapErr().message).toContain('does not apply');
  });
});

describe.skipIf(UNDER_STRYKER)('anatomyOf', () => {
  it('reads the shapes of positions', () => {
    const ranked = compile(`${CLOSE}return close.where(close > 1 && close < 9).isSmallest(4);`);
    expect(anatomyOf(ranked.graph)).toMatchObject({ shape: 'ranked', selector: 'isSmallest', holdings: 4 });
    expect(anatomyOf(ranked.graph).entry).toHaveLength(2);
    expect(anatomyOf(compile(`${CLOSE}return close.isLargest(4);`).graph)).toMatchObject({ shape: 'ranked', entry: [] });
    expect(anatomyOf(compile(`${CLOSE}return (close > 1).holdUntil(close < 1);`).graph)).toMatchObject({ shape: 'mask', entry: [2] });
    expect(anatomyOf(compile(`${CLOSE}return close.where(close > 1);`).graph)).toMatchObject({ shape: 'weights', weights: 0 });
    expect(anatomyOf(compile(`${CLOSE}return close.rank();`).graph)).toMatchObject({ shape: 'weights', weights: 1, entry: [] });
    expect(anatomyOf({ nodes: [], root: 0, options: template.options })).toMatchObject({ shape: 'weights' });
  });

  it('flattens && trees left to right', () => {
    const graph = compile(`${CLOSE}return (close > 1 && close > 2) && (close > 3 && close > 4);`).graph;
    const printed = conjuncts(graph, graph.root).map((id) => graph.nodes[id]?.args.map((a) => graph.nodes[a]?.params[0]));
    expect(printed).toEqual([['price:close', 1], ['price:close', 2], ['price:close', 3], ['price:close', 4]]);
  });
});

describe.skipIf(UNDER_STRYKER)('degenerate strategies', () => {
  it('handles exponentially shared condition trees without walking them exponentially', () => {
    const doubling = Array.from({ length: 40 }, (_, i) => `const c${i + 1} = c${i} && c${i};`).join('\n');
    const parent = compile(`${CLOSE}const c0 = close > 1;\n${doubling}\nreturn close.where(c40).isLargest(3);`);
    expect(anatomyOf(parent.graph).entry).toHaveLength(1);
    for (const operator of MUTATION_OPERATORS) {
      const result = mutate(parent, operator, seededRandom(1));
      if (result.isErr()) expect(result.error.kind).toBe('mutation_not_applicable');
    }
    const sums = Array.from({ length: 40 }, (_, i) => `const s${i + 1} = s${i} + s${i};`).join('\n');
    const wide = compile(`const s0 = data.get('price:close');\n${sums}\nreturn sim(s40.isLargest(3));`);
    expect(mutate(wide, 'replace_factor', seededRandom(1))._unsafeUnwrapErr().kind).toBe('mutation_not_applicable');
  });
});

describe.skipIf(UNDER_STRYKER)('random helpers', () => {
  it('draws integers, picks and permutations from the source', () => {
    expect(randomInt(sequence(0), 5)).toBe(0);
    expect(randomInt(sequence(0.999_999), 5)).toBe(4);
    expect(randomInt(sequence(1), 5)).toBe(4);
    expect(pick(sequence(0.5), ['a', 'b', 'c'])).toBe('b');
    expect(pick(sequence(0.5), [])).toBeUndefined();
    expect(shuffled(sequence(0), [1, 2, 3])).toEqual([2, 3, 1]);
    expect(shuffled(seededRandom(1), [1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('seededRandom is uniform-ish, in [0, 1) and reproducible', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const values = Array.from({ length: 1000 }, () => a.next());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((s, v) => s + v, 0) / values.length).toBeCloseTo(0.5, 1);
    expect(seededRandom(1).next()).not.toBe(seededRandom(2).next());
  });
});

describe.skipIf(UNDER_STRYKER)('perturbValue', () => {
  it('scales integers by 0.5–1.5, rounds, and always moves', () => {
    expect(perturbValue(sequence(0.5), 20, { min: 1, max: 100, integer: true })).toBe(20 + 1);
    expect(perturbValue(sequence(0.2, 0.9), 20, { min: 1, max: 100, integer: true })).toBe(14);
    expect(perturbValue(sequence(0.5, 0.1), 20, { min: 1, max: 100, integer: true })).toBe(19);
    expect(perturbValue(sequence(0.99), 20, { min: 1, max: 25, integer: true })).toBe(25);
    expect(perturbValue(sequence(0.5, 0.9), 25, { min: 1, max: 25, integer: true })).toBe(24);
    expect(perturbValue(sequence(0.5, 0.1), 1, { min: 1, max: 25, integer: true })).toBe(2);
    expect(perturbValue(sequence(0.5), 3, { min: 3, max: 3, integer: true })).toBeNull();
  });

  it('scales reals to three significant digits and handles zero', () => {
    expect(perturbValue(sequence(0.25), 0.1, { min: 0, max: 1, integer: false })).toBe(0.075);
    expect(perturbValue(sequence(0.9), 0.8, { min: 0, max: 1, integer: false })).toBe(1);
    expect(perturbValue(sequence(0.5, 0.2), 0, { min: -10, max: 10, integer: false })).toBe(-2);
    expect(perturbValue(sequence(0.5, 0.7), 0, { min: -10, max: 10, integer: false })).toBe(2);
    expect(perturbValue(sequence(0.5), 0.3, { min: 0, max: 1, integer: false })).toBe(0.33);
    expect(perturbValue(sequence(0.4999), 0.3, { min: 0, max: 1, integer: false })).toBe(0.27);
    expect(perturbValue(sequence(0.5), 1, { min: 1, max: 1, integer: false })).toBeNull();
  });

  it('rounds to significant digits', () => {
    expect(roundSignificant(0.123456, 3)).toBe(0.123);
    expect(roundSignificant(123456, 2)).toBe(120000);
    expect(roundSignificant(0, 3)).toBe(0);
    expect(roundSignificant(Number.POSITIVE_INFINITY, 3)).toBe(Number.POSITIVE_INFINITY);
    expect(roundSignificant(-1e-30, 3)).toBe(-1e-30);
  });
});
