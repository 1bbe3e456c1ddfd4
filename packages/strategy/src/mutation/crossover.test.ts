import { describe, expect, it } from 'vitest';
import { formatStrategyErrors } from '../errors.js';
import { printExpression } from '../print/print.js';
import { compileStrategy, type CompiledStrategy } from '../strategy.js';
import { TEST_CONTEXT } from '../../test/support/market.js';
import { anatomyOf } from './anatomy.js';
import { crossover } from './crossover.js';
import { seededRandom } from './random.js';
import { MAX_SCORE_TERMS, scoreTerms } from './score-terms.js';

const compile = (source: string): CompiledStrategy => {
  const result = compileStrategy(source, TEST_CONTEXT);
  if (result.isErr()) throw new Error(formatStrategyErrors(result.error));
  return result.value;
};
const HEAD = "const close = data.get('price:close');\nconst high = data.get('price:high');\nconst pe = data.get('price_earning_ratio:pe');\n";
/** Two ranked terms (0.6 / 0.4), breakout entry, top 10, monthly, trailing stop. */
const A = compile(`${HEAD}const score = close.pctChange(1).average(20).rank() * 0.6 + close.pctChange(60).rank() * 0.4;
return sim(score.where(close > high.rolling(20).max().shift(1)).isLargest(10), { resample: 'M', trailStop: 0.1 });`);
/** Earnings yield above the 50-day average, top 7, quarterly, stop loss. */
const B = compile(`${HEAD}return sim((1 / pe).where(close > close.average(50)).isLargest(7), { resample: 'Q', stopLoss: 0.1 });`);
const A_ENTRY = 'close > high.rolling(20).max().shift(1)';
const B_ENTRY = 'close > close.average(50)';

function scoreText(child: CompiledStrategy): string {
  const anatomy = anatomyOf(child.graph);
  return anatomy.shape === 'ranked' ? printExpression(child.graph, anatomy.score) : '';
}
function weights(child: CompiledStrategy): number[] {
  const anatomy = anatomyOf(child.graph);
  return anatomy.shape === 'ranked' ? scoreTerms(child.graph, anatomy.score).map((t) => t.weight) : [];
}
function crossAll(a: CompiledStrategy, b: CompiledStrategy, seeds = 30): CompiledStrategy[] {
  const out: CompiledStrategy[] = [];
  for (let seed = 1; seed <= seeds; seed += 1) {
    const result = crossover(a, b, seededRandom(seed));
    if (result.isOk()) out.push(result.value);
    else expect(result.error.kind, result.error.message).toBe('mutation_not_applicable');
  }
  return out;
}
const round2 = (x: number): number => Number(x.toPrecision(2));

const UNDER_STRYKER = process.env['STRYKER_MUTATOR_WORKER'] !== undefined;

describe.skipIf(UNDER_STRYKER)('crossover', () => {
  it('uses every recipe that applies; each child differs from both parents, compiles and records its lineage', () => {
    const made = crossAll(A, B);
    expect(made).toHaveLength(30);
    const recipes = new Set<string>();
    for (const child of made) {
      expect([A.strategyId, B.strategyId]).not.toContain(child.strategyId);
      expect(compile(child.canonicalSource).graph).toEqual(child.graph);
      expect(child.lineage).toMatchObject({ parentId: A.strategyId, operator: 'crossover', generation: 1 });
      const description = child.lineage?.description ?? '';
      expect(description.startsWith(`crossed with ${B.strategyId}: `)).toBe(true);
      recipes.add(description.replace(/\(.*\)/, '(…)'));
    }
    expect(recipes).toEqual(new Set([
      `crossed with ${B.strategyId}: combined the scores (…)`,
      `crossed with ${B.strategyId}: the mate's score on this strategy's entry`,
      `crossed with ${B.strategyId}: this strategy's score on the mate's entry`,
    ]));
  });

  it("combines the scores: each parent's ranked terms, its weights scaled to its share, on the first parent's entry and options", () => {
    const combined = crossAll(A, B).filter((c) => c.lineage?.description.includes('combined the scores'));
    expect(combined.length).toBeGreaterThan(0);
    for (const child of combined) {
      const [, share, rest] = /\((\S+) of this one, (\S+) of the mate's\)/.exec(child.lineage?.description ?? '') ?? [];
      const s = Number(share);
      expect(s).toBeGreaterThanOrEqual(0.3);
      expect(s).toBeLessThanOrEqual(0.7);
      expect(Number(rest)).toBe(round2(1 - s));
      expect(weights(child)).toEqual([round2(0.6 * s), round2(0.4 * s), round2(1 - s)]);
      expect(scoreText(child)).toMatch(/^data\.get\('price:close'\)\.pctChange\(1\)\.average\(20\)\.rank\(\) \* [\d.]+ \+ data\.get\('price:close'\)\.pctChange\(60\)\.rank\(\) \* [\d.]+ \+ \(1 \/ data\.get\('price_earning_ratio:pe'\)\)\.rank\(\) \* [\d.]+$/);
      expect(child.canonicalSource).toContain(`.where(${A_ENTRY}).isLargest(10)`);
      expect(child.options).toEqual(A.options);
    }
  });

  it("moves a score between entries: options, exits and holdings go with the entry, the selector with the score", () => {
    const made = crossAll(A, B);
    const mateScore = made.filter((c) => c.lineage?.description.endsWith("the mate's score on this strategy's entry"));
    const mateEntry = made.filter((c) => c.lineage?.description.endsWith("this strategy's score on the mate's entry"));
    expect(mateScore.length).toBeGreaterThan(0);
    expect(mateEntry.length).toBeGreaterThan(0);
    for (const child of mateScore) {
      expect(scoreText(child)).toBe("1 / data.get('price_earning_ratio:pe')");
      expect(child.canonicalSource).toContain(`.where(${A_ENTRY}).isLargest(10)`);
      expect(child.options).toEqual(A.options);
    }
    for (const child of mateEntry) {
      expect(weights(child)).toEqual([0.6, 0.4]);
      expect(child.canonicalSource).toContain(`.where(${B_ENTRY}).isLargest(7)`);
      expect(child.options).toEqual(B.options);
    }
    const smallest = compile(`${HEAD}return sim(pe.where(close > close.average(50)).isSmallest(4), { resample: 'W' });`);
    const crossed = crossAll(A, smallest);
    expect(crossed.some((c) => c.lineage?.description.includes('combined'))).toBe(false); // the scores point in opposite directions
    for (const child of crossed) {
      const anatomy = anatomyOf(child.graph);
      if (child.lineage?.description.endsWith("the mate's score on this strategy's entry")) expect(anatomy).toMatchObject({ selector: 'isSmallest', holdings: 10 });
      else expect(anatomy).toMatchObject({ selector: 'isLargest', holdings: 4 });
    }
  });

  it('gives an equal-weight condition a score (with the mate’s holdings), and takes its conditions as an entry', () => {
    const mask = compile(`${HEAD}return sim(close > close.average(100) && pe < 20, { resample: 'W' });`);
    for (const child of crossAll(mask, A, 10)) {
      expect(child.lineage?.description).toContain("the mate's score on this strategy's entry");
      expect(anatomyOf(child.graph)).toMatchObject({ shape: 'ranked', holdings: 10 });
      expect(child.canonicalSource).toContain('.where(close > close.average(100) && pe < 20).isLargest(10)');
      expect(child.options.resample).toBe('W');
    }
    for (const child of crossAll(A, mask, 10)) {
      expect(child.lineage?.description).toContain("this strategy's score on the mate's entry");
      expect(anatomyOf(child.graph)).toMatchObject({ shape: 'ranked', holdings: 10 });
      expect(child.options.resample).toBe('W');
    }
  });

  it('does not apply to itself, to two conditions or to float weights', () => {
    const mask = compile(`${HEAD}return close > close.average(100);`);
    const otherMask = compile(`${HEAD}return pe < 10;`);
    const floats = compile(`${HEAD}return close.rank();`);
    for (const [a, b] of [[A, A], [mask, otherMask], [floats, mask], [floats, A], [A, floats]] as const) {
      expect(crossover(a, b, seededRandom(1))._unsafeUnwrapErr().kind).toBe('mutation_not_applicable');
    }
    // the only recipe that applies gives back the mate: its score on the entry it already has
    const sameEntry = compile(`${HEAD}return sim(pe.where(close > high.rolling(20).max().shift(1)).isLargest(10), { resample: 'M', trailStop: 0.1 });`);
    const mateOfMask = crossover(compile(`${HEAD}return sim(close > high.rolling(20).max().shift(1), { resample: 'M', trailStop: 0.1 });`), sameEntry, seededRandom(1));
    expect(mateOfMask._unsafeUnwrapErr().message).toContain('gives a new strategy');
  });

  it('counts the generation from the older parent', () => {
    expect(crossover(A, B, seededRandom(1), { parentGeneration: 3, mateGeneration: 7 })._unsafeUnwrap().lineage?.generation).toBe(8);
    expect(crossover(A, B, seededRandom(1), { parentGeneration: 9, mateGeneration: 2 })._unsafeUnwrap().lineage?.generation).toBe(10);
    const child = crossover(A, B, seededRandom(1))._unsafeUnwrap();
    expect(crossover(B, child, seededRandom(2))._unsafeUnwrap().lineage?.generation).toBe(2);
  });

  it('keeps at most MAX_SCORE_TERMS terms, dropping the lightest', () => {
    const many = (lags: number[], weight: (i: number) => number): CompiledStrategy =>
      compile(`${HEAD}return sim((${lags.map((lag, i) => `close.shift(${lag}).rank() * ${weight(i)}`).join(' + ')}).isLargest(5));`);
    // three terms each: six merged, the two lightest dropped to stay within the budget of four
    expect(MAX_SCORE_TERMS).toBe(4);
    const a = many([1, 2, 3], (i) => i + 1);
    const b = many([11, 12, 13], (i) => 3 - i);
    for (const child of crossAll(a, b, 20).filter((c) => c.lineage?.description.includes('combined'))) {
      const terms = weights(child);
      expect(terms).toHaveLength(MAX_SCORE_TERMS);
      const [, share] = /\((\S+) of this one/.exec(child.lineage?.description ?? '') ?? [];
      const s = Number(share);
      const all = [...[1, 2, 3].map((w) => round2((w / 6) * s)), ...[3, 2, 1].map((w) => round2((w / 6) * round2(1 - s)))];
      const lightest = [...all].sort((x, y) => x - y).slice(0, 2);
      expect([...terms].sort((x, y) => x - y)).toEqual([...all].sort((x, y) => x - y).slice(2));
      expect(Math.min(...terms)).toBeGreaterThanOrEqual(Math.max(...lightest));
    }
  });

  it('merges a term both parents have', () => {
    const shared = compile(`${HEAD}return sim((close.pctChange(60).rank() + (1 / pe).rank()).where(pe > 0).isLargest(10));`);
    for (const child of crossAll(A, shared, 20).filter((c) => c.lineage?.description.includes('combined'))) {
      const [, share] = /\((\S+) of this one/.exec(child.lineage?.description ?? '') ?? [];
      const s = Number(share);
      expect(weights(child)).toEqual([round2(0.6 * s), round2(round2(0.4 * s) + round2(0.5 * round2(1 - s))), round2(0.5 * round2(1 - s))]);
    }
  });
});
