import { describe, expect, it } from 'vitest';
import { formatStrategyErrors } from '../errors.js';
import { factorKitOf } from '../factors/factor-kit.js';
import { templateStrategy } from '../factors/template.js';
import { GraphBuilder } from '../graph/builder.js';
import type { FactorGraph, NodeId } from '../graph/types.js';
import { printExpression } from '../print/print.js';
import { compileStrategy, type CompiledStrategy } from '../strategy.js';
import { TEST_CONTEXT } from '../../test/support/market.js';
import { anatomyOf } from './anatomy.js';
import { builderWith } from './edit.js';
import { mutate, type MutationOperator } from './mutate.js';
import { seededRandom } from './random.js';
import { buildScore, drawShare, MAX_SCORE_TERMS, mergeTerms, rankedTerms, scoreTerms, type ScoreTerm } from './score-terms.js';
import { fieldAlternatives } from './swap-field.js';

const compile = (source: string): CompiledStrategy => {
  const result = compileStrategy(source, TEST_CONTEXT);
  if (result.isErr()) throw new Error(formatStrategyErrors(result.error));
  return result.value;
};
const template = templateStrategy(TEST_CONTEXT)._unsafeUnwrap();
const CLOSE = "const close = data.get('price:close');\n";

/** The oracle's shape on the test market (its revenue growth field is spelled monthly_revenue:yoy here). */
const ORACLE = compile(`const close = data.get('etl:adj_close');
const momentum = (close.shift(21) / close.shift(252) - 1).rank();
const growth = data.get('monthly_revenue:yoy').rank();
const calm = (-close.pctChange(1).rolling(60).std()).rank();
const score = momentum * 6 + growth * 5 + calm * 2;
return sim(score.isLargest(20), { resample: 'M' });`);
const ORACLE_SIGNALS = ['data.get(\'etl:adj_close\').shift(21) / data.get(\'etl:adj_close\').shift(252) - 1', "data.get('monthly_revenue:yoy')",
  "-data.get('etl:adj_close').pctChange(1).rolling(60).std()"];

/** The score node of a ranked strategy. */
function scoreOf(strategy: CompiledStrategy): NodeId {
  const anatomy = anatomyOf(strategy.graph);
  if (anatomy.shape !== 'ranked') throw new Error(`not ranked: ${strategy.canonicalSource}`);
  return anatomy.score;
}
/** A term as (printed signal, weight); a ranked signal prints as `rank(signal)`. */
function printedTerms(strategy: CompiledStrategy): [string, number][] {
  const { graph } = strategy;
  return scoreTerms(graph, scoreOf(strategy)).map((t) => [printTerm(graph, t), t.weight]);
}
function printTerm(graph: FactorGraph, term: ScoreTerm): string {
  const node = graph.nodes[term.node];
  return node?.op === 'rank' ? `rank(${printExpression(graph, node.args[0] ?? -1)})` : printExpression(graph, term.node);
}
function children(parent: CompiledStrategy, operator: MutationOperator, seeds = 30): CompiledStrategy[] {
  const out: CompiledStrategy[] = [];
  for (let seed = 1; seed <= seeds; seed += 1) {
    const result = mutate(parent, operator, seededRandom(seed));
    if (result.isOk()) out.push(result.value);
    else expect(result.error.kind, result.error.message).toBe('mutation_not_applicable');
  }
  return out;
}
const twoSignificant = (x: number): boolean => Number(x.toPrecision(2)) === x;

const UNDER_STRYKER = process.env['STRYKER_MUTATOR_WORKER'] !== undefined;

describe.skipIf(UNDER_STRYKER)('scoreTerms', () => {
  it("reads the oracle's weighted sum of ranks term by term", () => {
    expect(printedTerms(ORACLE)).toEqual([[`rank(${ORACLE_SIGNALS[0]})`, 6], [`rank(${ORACLE_SIGNALS[1]})`, 5], [`rank(${ORACLE_SIGNALS[2]})`, 2]]);
  });

  it('takes the weight from either side of *, counts a missing weight as 1 and merges equal terms', () => {
    const read = (score: string): [string, number][] => printedTerms(compile(`${CLOSE}return sim((${score}).isLargest(5));`));
    expect(read('2 * close.rank() + close.log()')).toEqual([["rank(data.get('price:close'))", 2], ["data.get('price:close').log()", 1]]);
    expect(read('close * 2 + close * 3')).toEqual([["data.get('price:close')", 5]]);
    expect(read('close + close')).toEqual([["data.get('price:close')", 2]]);
    expect(read('(close.rank() + close.log()) + close.rank() * 0.5')).toEqual([["rank(data.get('price:close'))", 1.5], ["data.get('price:close').log()", 1]]);
    expect(read('close.rank() * 3')).toEqual([["rank(data.get('price:close'))", 3]]);
    expect(read('close')).toEqual([["data.get('price:close')", 1]]);
    expect(read('close.rank() * close')).toEqual([["data.get('price:close').rank() * data.get('price:close')", 1]]);
  });

  it('reads a sum with a constant summand as a single term of weight 1', () => {
    const strategy = compile(`${CLOSE}return sim((close.rank() * 2 + 1).isLargest(5));`);
    expect(scoreTerms(strategy.graph, scoreOf(strategy))).toEqual([{ node: scoreOf(strategy), weight: 1 }]);
  });

  it('counts the terms of an exponentially shared sum without walking it', () => {
    const sums = Array.from({ length: 40 }, (_, i) => `const s${i + 1} = s${i} + s${i};`).join('\n');
    const wide = compile(`const s0 = data.get('price:close').rank();\n${sums}\nreturn sim(s40.isLargest(3));`);
    expect(printedTerms(wide)).toEqual([["rank(data.get('price:close'))", 2 ** 40]]);
    const mixed = compile(`const a = data.get('price:close');\nconst b = a + a.log();\nconst c = b + b * 2;\nreturn sim(c.isLargest(3));`);
    expect(printedTerms(mixed)).toEqual([["data.get('price:close')", 1], ["data.get('price:close').log()", 1], ["data.get('price:close') + data.get('price:close').log()", 2]]);
  });

  it('builds the sum back (a weight of 1 left out) and reads back what it built', () => {
    const builder = builderWith(ORACLE.graph) as GraphBuilder;
    const terms = scoreTerms(ORACLE.graph, scoreOf(ORACLE));
    const reweighted = terms.map((t, i) => ({ node: t.node, weight: [1, 0.25, 3][i] ?? 1 }));
    const score = buildScore(builder, reweighted) as NodeId;
    const graph = builder.finish(score, ORACLE.options);
    expect(printExpression(graph, graph.root)).toBe(`(${ORACLE_SIGNALS[0]}).rank() + ${ORACLE_SIGNALS[1]}.rank() * 0.25 + (${ORACLE_SIGNALS[2]}).rank() * 3`);
    expect(scoreTerms(graph, graph.root).map((t) => t.weight)).toEqual([1, 0.25, 3]);
    expect(buildScore(builder, [])).toBeNull();
    expect(buildScore(new GraphBuilder(0), terms)).toBeNull();
  });

  it('merges equal terms keeping the first place', () => {
    expect(mergeTerms([{ node: 3, weight: 1 }, { node: 5, weight: 2 }, { node: 3, weight: 0.5 }])).toEqual([{ node: 3, weight: 1.5 }, { node: 5, weight: 2 }]);
  });

  it('rankedTerms keeps ranked terms, and ranks anything else as a whole (keeping the sign of a lone negative term)', () => {
    const { graph } = ORACLE;
    expect(rankedTerms(builderWith(graph) as GraphBuilder, graph, scoreOf(ORACLE))).toEqual(scoreTerms(graph, scoreOf(ORACLE)));
    for (const [score, printed] of [
      ['close.average(5)', "data.get('price:close').average(5).rank()"],
      ['close.rank() * -1', "(data.get('price:close').rank() * -1).rank()"],
      ['close.rank() + close', "(data.get('price:close').rank() + data.get('price:close')).rank()"],
    ] as const) {
      const strategy = compile(`${CLOSE}return sim((${score}).isLargest(5));`);
      const builder = builderWith(strategy.graph) as GraphBuilder;
      const terms = rankedTerms(builder, strategy.graph, scoreOf(strategy)) ?? [];
      expect(terms).toHaveLength(1);
      expect(terms[0]?.weight).toBe(1);
      const built = builder.finish(terms[0]?.node ?? -1, strategy.options);
      expect(printExpression(built, built.root)).toBe(printed);
    }
  });

  it('draws weight shares in [0.3, 0.7] at two significant digits', () => {
    expect(drawShare({ next: () => 0 })).toBe(0.3);
    expect(drawShare({ next: () => 0.5 })).toBe(0.5);
    expect(drawShare({ next: () => 0.999 })).toBe(0.7);
    expect(drawShare({ next: () => 0.123 })).toBe(0.35);
  });
});

describe.skipIf(UNDER_STRYKER)('add_score_term', () => {
  const momentumSignal = "data.get('price:close').pctChange(1).average(20)";

  it('turns a single score S into S.rank() * w + F.rank() * (1 − w) with w in [0.3, 0.7]', () => {
    const made = children(template, 'add_score_term');
    expect(made.length).toBe(30);
    const kit = factorKitOf(TEST_CONTEXT);
    const added = new Set<string>();
    for (const child of made) {
      const terms = printedTerms(child);
      expect(terms).toHaveLength(2);
      const [[first, w], [second, v]] = terms as [[string, number], [string, number]];
      expect(first).toBe(`rank(${momentumSignal})`);
      expect(second).toMatch(/^rank\(/);
      expect(w).toBeGreaterThanOrEqual(0.3);
      expect(w).toBeLessThanOrEqual(0.7);
      expect(w + v).toBeCloseTo(1, 12);
      expect(twoSignificant(w) && twoSignificant(v)).toBe(true);
      const graph = child.graph;
      const term = scoreTerms(graph, scoreOf(child))[1] as ScoreTerm;
      const factor = kit.recognise(graph, graph.nodes[term.node]?.args[0] ?? -1)?.factor;
      expect(factor?.role).toBe('score');
      expect(factor?.name).not.toBe('momentum');
      added.add(factor?.name ?? '');
      expect(child.lineage?.description).toBe(`added score term ${factor?.name ?? ''}(${/^added score term \w+\((.*)\)/.exec(child.lineage?.description ?? '')?.[1] ?? ''}) with weight ${v}`);
      // everything but the score is the template's
      expect(child.options).toEqual(template.options);
      expect(child.canonicalSource).toContain('.where(close > high.rolling(20).max().shift(1)).isLargest(10)');
    }
    expect(added.size).toBeGreaterThanOrEqual(3);
  });

  it('appends a term to a weighted sum of ranks, weighted near the mean weight', () => {
    for (const child of children(ORACLE, 'add_score_term')) {
      const terms = printedTerms(child);
      expect(terms).toHaveLength(4);
      expect(terms.slice(0, 3)).toEqual(printedTerms(ORACLE));
      const weight = terms[3]?.[1] ?? 0;
      expect(weight).toBeGreaterThanOrEqual(Number(((13 / 3) * 0.5).toPrecision(2)));
      expect(weight).toBeLessThanOrEqual(Number(((13 / 3) * 1.5).toPrecision(2)));
      expect(twoSignificant(weight)).toBe(true);
      expect(child.lineage?.description).toMatch(new RegExp(`^added score term \\w+\\(.*\\) with weight ${weight}$`));
    }
  });

  it('never adds a factor that already is a term, and stops at MAX_SCORE_TERMS', () => {
    let current = template;
    const random = seededRandom(5);
    for (let step = 1; step < MAX_SCORE_TERMS; step += 1) {
      current = mutate(current, 'add_score_term', random)._unsafeUnwrap();
      const kit = factorKitOf(TEST_CONTEXT);
      const names = scoreTerms(current.graph, scoreOf(current)).map((t) => kit.recognise(current.graph, current.graph.nodes[t.node]?.args[0] ?? -1)?.factor.name);
      expect(names).toHaveLength(step + 1);
      expect(new Set(names).size).toBe(step + 1);
    }
    // the library has six score factors: all are terms now, and six is the most anyway
    expect(mutate(current, 'add_score_term', random)._unsafeUnwrapErr().kind).toBe('mutation_not_applicable');
    const six = compile(`${CLOSE}return sim((${[1, 2, 3, 4, 5, 6].map((n) => `close.shift(${n}).rank() * ${n}`).join(' + ')}).isLargest(5));`);
    expect(mutate(six, 'add_score_term', seededRandom(1))._unsafeUnwrapErr().kind).toBe('mutation_not_applicable');
  });

  it('makes an equal-weight condition a ranking of 20 names by a score factor; holdUntil and weights do not apply', () => {
    const mask = compile(`${CLOSE}return sim(close > close.average(20), { resample: 'M' });`);
    for (const child of children(mask, 'add_score_term', 10)) {
      const anatomy = anatomyOf(child.graph);
      expect(anatomy).toMatchObject({ shape: 'ranked', selector: 'isLargest', holdings: 20 });
      expect(anatomy.entry).toHaveLength(1);
      expect(scoreTerms(child.graph, scoreOf(child))).toHaveLength(1);
      expect(child.lineage?.description).toMatch(/^added score term \w+\(/);
    }
    const held = compile(`${CLOSE}return (close > 1).holdUntil(close < 1);`);
    expect(mutate(held, 'add_score_term', seededRandom(1))._unsafeUnwrapErr().kind).toBe('mutation_not_applicable');
    const weights = compile(`${CLOSE}return close.rank();`);
    expect(mutate(weights, 'add_score_term', seededRandom(1))._unsafeUnwrapErr().kind).toBe('mutation_not_applicable');
  });
});

describe.skipIf(UNDER_STRYKER)('perturb_weights', () => {
  it('moves exactly one weight by a factor in [0.5, 1.5), within [0.05, 20]', () => {
    const before = printedTerms(ORACLE);
    const moved = new Set<number>();
    for (const child of children(ORACLE, 'perturb_weights')) {
      const after = printedTerms(child);
      expect(after.map(([signal]) => signal)).toEqual(before.map(([signal]) => signal));
      const changed = after.flatMap(([, w], i) => (w === before[i]?.[1] ? [] : [i]));
      expect(changed).toHaveLength(1);
      const index = changed[0] ?? -1;
      const [old, next] = [before[index]?.[1] ?? 0, after[index]?.[1] ?? 0];
      expect(next).toBeGreaterThanOrEqual(old * 0.5 - 0.01);
      expect(next).toBeLessThanOrEqual(old * 1.5 + 0.01);
      expect(next).toBeGreaterThanOrEqual(0.05);
      expect(next).toBeLessThanOrEqual(20);
      expect(child.lineage?.description).toBe(`changed the weight of score term ${index + 1} from ${old} to ${next}`);
      moved.add(index);
    }
    expect(moved).toEqual(new Set([0, 1, 2]));
  });

  it('names a library factor by its parameters, and skips negative weights', () => {
    const sum = compile(`${CLOSE}return sim((close.pctChange(1).average(20).rank() * 0.5 + close.pctChange(60).rank() * -2).isLargest(5));`);
    for (const child of children(sum, 'perturb_weights', 10)) {
      expect(child.lineage?.description).toMatch(/^changed the weight of score term momentum\(20\) from 0\.5 to /);
      expect(printedTerms(child)[1]?.[1]).toBe(-2);
    }
  });

  it('does not apply to a score of one term or to other shapes', () => {
    for (const source of [template.canonicalSource, `${CLOSE}return sim((close.rank() * 3).isLargest(5));`, `${CLOSE}return close > 1;`, `${CLOSE}return close.rank() + close.log();`]) {
      expect(mutate(compile(source), 'perturb_weights', seededRandom(1))._unsafeUnwrapErr().kind).toBe('mutation_not_applicable');
    }
  });
});

describe.skipIf(UNDER_STRYKER)('drop_term', () => {
  it('removes one term of three, keeping the others and their weights in order', () => {
    const dropped = new Set<number>();
    for (const child of children(ORACLE, 'drop_term')) {
      const after = printedTerms(child);
      expect(after).toHaveLength(2);
      const index = printedTerms(ORACLE).findIndex((term) => !after.some(([signal]) => signal === term[0]));
      expect(after).toEqual(printedTerms(ORACLE).filter((_, i) => i !== index));
      expect(child.lineage?.description).toBe(`dropped score term ${index + 1}`);
      dropped.add(index);
    }
    expect(dropped).toEqual(new Set([0, 1, 2]));
  });

  it('leaves the last term alone, without weight or rank, so the bare factor is recognisable again', () => {
    const two = mutate(template, 'add_score_term', seededRandom(1))._unsafeUnwrap();
    const outcomes = new Set<string>();
    for (const child of children(two, 'drop_term', 20)) {
      const score = scoreOf(child);
      expect(child.graph.nodes[score]?.op).not.toBe('rank');
      const kept = factorKitOf(TEST_CONTEXT).recognise(child.graph, score);
      expect(kept?.factor.role).toBe('score');
      // the description names the dropped factor, the other one
      const [, droppedName] = /^dropped score term (\w+)\([\d., ]*\)$/.exec(child.lineage?.description ?? '') ?? [];
      expect(droppedName).toBeDefined();
      expect(droppedName).not.toBe(kept?.factor.name);
      outcomes.add(child.strategyId);
    }
    expect(outcomes.has(template.strategyId)).toBe(true); // dropping the added term gives the template back
    expect(outcomes.size).toBe(2);
  });

  it('does not apply to a score of one term', () => {
    expect(mutate(template, 'drop_term', seededRandom(1))._unsafeUnwrapErr().kind).toBe('mutation_not_applicable');
  });
});

describe.skipIf(UNDER_STRYKER)('swap_field', () => {
  it('knows which fields of a market measure the same thing', () => {
    expect(fieldAlternatives('price:close', TEST_CONTEXT)).toEqual(['etl:adj_close']);
    expect(fieldAlternatives('etl:adj_close', TEST_CONTEXT)).toEqual(['price:close']);
    expect(fieldAlternatives('monthly_revenue:yoy', TEST_CONTEXT)).toEqual(['monthly_revenue:mom']);
    expect(fieldAlternatives('price:high', TEST_CONTEXT)).toEqual([]);
    expect(fieldAlternatives('price:volume', TEST_CONTEXT)).toEqual([]);
    const synthetic = { dateCount: 500, fields: [
      { key: 'price:close', aliases: [] }, { key: 'etl:adj_close', aliases: [] }, { key: 'price:open', aliases: [] }, { key: 'etl:adj_open', aliases: [] },
      { key: 'monthly_revenue:revenue_yoy', aliases: ['monthly_revenue:yoy'] }, { key: 'monthly_revenue:revenue_mom', aliases: ['monthly_revenue:mom'] },
    ] };
    expect(fieldAlternatives('monthly_revenue:revenue_yoy', synthetic)).toEqual(['monthly_revenue:revenue_mom']);
    expect(fieldAlternatives('etl:adj_open', synthetic)).toEqual(['price:open']);
  });

  it('replaces one data field by another of its kind and changes nothing else', () => {
    for (const child of children(template, 'swap_field', 10)) {
      expect(child.lineage?.description).toBe('swapped data field price:close for etl:adj_close');
      expect(child.canonicalSource.replaceAll("data.get('etl:adj_close')", "data.get('price:close')").replaceAll('adjClose', 'close')).toBe(template.canonicalSource);
    }
    const growth = compile("const yoy = data.get('monthly_revenue:yoy');\nconst high = data.get('price:high');\nreturn sim(yoy.where(high > 1).isLargest(5));");
    for (const child of children(growth, 'swap_field', 5)) expect(child.lineage?.description).toBe('swapped data field monthly_revenue:yoy for monthly_revenue:mom');
    const volume = compile("const volume = data.get('price:volume');\nreturn volume.average(5) > 1000;");
    expect(mutate(volume, 'swap_field', seededRandom(1))._unsafeUnwrapErr().kind).toBe('mutation_not_applicable');
  });
});

describe.skipIf(UNDER_STRYKER)('reaching the oracle form', () => {
  it('the template reaches a weighted sum of three ranked library scores in a few deterministic steps', () => {
    const steps: MutationOperator[] = ['add_score_term', 'add_score_term', 'change_holdings', 'swap_field'];
    let current = template;
    steps.forEach((operator, i) => {
      current = mutate(current, operator, seededRandom(100 + i))._unsafeUnwrap();
    });
    const terms = scoreTerms(current.graph, scoreOf(current));
    expect(terms.length).toBeGreaterThanOrEqual(3);
    expect(terms.every((t) => current.graph.nodes[t.node]?.op === 'rank' && t.weight > 0)).toBe(true);
    expect(current.lineage?.generation).toBe(steps.length);
    expect(current.canonicalSource).toMatch(/\.rank\(\) \* [\d.]+ \+ .*\.rank\(\) \* [\d.]+ \+ .*\.rank\(\) \* [\d.]+/);
  });
});
