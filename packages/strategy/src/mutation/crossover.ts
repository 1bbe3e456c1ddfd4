import { err, ok, type Result } from 'neverthrow';
import { canonicalGraph, type GraphBuilder } from '../graph/builder.js';
import type { FactorGraph, NodeId } from '../graph/types.js';
import type { CompiledStrategy } from '../strategy.js';
import { anatomyOf, type Anatomy } from './anatomy.js';
import { addFragment, builderWith, type Edit } from './edit.js';
import { compileEdit, type MutationError } from './mutate.js';
import { finishEdit } from './operators.js';
import { roundSignificant } from './perturb.js';
import { shuffled, type RandomSource } from './random.js';
import { buildScore, drawShare, MAX_SCORE_TERMS, mergeTerms, rankedTerms, type ScoreTerm } from './score-terms.js';

export interface CrossoverOptions {
  /** The generations of the parent and the mate when they are known outside the strategies (stored lineage). */
  readonly parentGeneration?: number;
  readonly mateGeneration?: number;
}

type Recipe = 'combine_scores' | 'mate_score' | 'mate_entry';

/**
 * Crosses two strategies (compiled separately, on the same market) into a child that differs from both,
 * by one of the recipes that apply, tried in random order:
 * - `combine_scores`: both rank with the same selector; the child's score is the weighted sum of the ranked
 *   terms of both (each parent's weights normalised to a share s and 1 − s), on `a`'s entry and options;
 * - `mate_score`: `b`'s score (and selector) on `a`'s entry, exits, holdings and options;
 * - `mate_entry`: `a`'s score on `b`'s entry, exits, holdings and options.
 * The child is printed and compiled again (as `mutate` does); its lineage names `a` as the parent, the
 * operator 'crossover' and the mate's id in the description.
 */
export function crossover(a: CompiledStrategy, b: CompiledStrategy, random: RandomSource, options: CrossoverOptions = {}): Result<CompiledStrategy, MutationError> {
  const operator = 'crossover';
  if (a.strategyId === b.strategyId) return err({ kind: 'mutation_not_applicable', operator, message: `cannot cross strategy ${a.strategyId} with itself` });
  const anatomyA = anatomyOf(a.graph);
  const anatomyB = anatomyOf(b.graph);
  const generation = Math.max(options.parentGeneration ?? a.lineage?.generation ?? 0, options.mateGeneration ?? b.lineage?.generation ?? 0) + 1;
  for (const recipe of shuffled(random, recipesFor(anatomyA, anatomyB))) {
    const edit = cross(recipe, a, b, anatomyA, anatomyB, random);
    if (edit === null) continue;
    const compiled = compileEdit(edit, a.context, operator);
    if (compiled.isErr()) return err(compiled.error);
    const child = compiled.value;
    if (child.strategyId === a.strategyId || child.strategyId === b.strategyId) continue;
    return ok({ ...child, lineage: { parentId: a.strategyId, operator, generation, description: `crossed with ${b.strategyId}: ${edit.description}` } });
  }
  return err({ kind: 'mutation_not_applicable', operator, message: `no crossover of ${a.strategyId} with ${b.strategyId} gives a new strategy` });
}

/** A position that can take a score: a ranking, or an equal-weight condition without a holdUntil. */
const takesScore = (anatomy: Anatomy): boolean => anatomy.shape === 'ranked' || (anatomy.shape === 'mask' && anatomy.hold === null);

function recipesFor(a: Anatomy, b: Anatomy): Recipe[] {
  const recipes: Recipe[] = [];
  if (a.shape === 'ranked' && b.shape === 'ranked' && a.selector === b.selector) recipes.push('combine_scores');
  if (b.shape === 'ranked' && takesScore(a)) recipes.push('mate_score');
  if (a.shape === 'ranked' && takesScore(b)) recipes.push('mate_entry');
  return recipes;
}

function cross(recipe: Recipe, a: CompiledStrategy, b: CompiledStrategy, anatomyA: Anatomy, anatomyB: Anatomy, random: RandomSource): Edit | null {
  const builder = builderWith(a.graph);
  if (builder === null) return null;
  const fromB = (id: NodeId): NodeId | null => importNode(builder, b.graph, id);
  switch (recipe) {
    case 'combine_scores': {
      if (anatomyA.shape !== 'ranked' || anatomyB.shape !== 'ranked') return null;
      const share = drawShare(random);
      const terms = combinedTerms(rankedTerms(builder, a.graph, anatomyA.score), rankedTerms(builder, b.graph, anatomyB.score, fromB), share);
      const score = terms === null ? null : buildScore(builder, terms);
      return score === null ? null : finishEdit(builder, { ...anatomyA, score }, a.options, `combined the scores (${share} of this one, ${roundSignificant(1 - share, 2)} of the mate's)`);
    }
    case 'mate_score': {
      if (anatomyB.shape !== 'ranked') return null;
      const score = fromB(anatomyB.score);
      if (score === null) return null;
      const holdings = anatomyA.shape === 'ranked' ? anatomyA.holdings : anatomyB.holdings;
      const child: Anatomy = { shape: 'ranked', selector: anatomyB.selector, holdings, score, entry: anatomyA.entry };
      return finishEdit(builder, child, a.options, "the mate's score on this strategy's entry");
    }
    case 'mate_entry': {
      if (anatomyA.shape !== 'ranked') return null;
      const entry = anatomyB.entry.map(fromB);
      if (entry.some((id) => id === null)) return null;
      const holdings = anatomyB.shape === 'ranked' ? anatomyB.holdings : anatomyA.holdings;
      const child: Anatomy = { shape: 'ranked', selector: anatomyA.selector, holdings, score: anatomyA.score, entry: entry as NodeId[] };
      return finishEdit(builder, child, b.options, "this strategy's score on the mate's entry");
    }
  }
}

/**
 * Both parents' ranked terms, each parent's weights scaled to sum to its share (so neither parent dominates
 * by the scale of its weights), at two significant digits; equal terms merged, the smallest dropped beyond
 * MAX_SCORE_TERMS.
 */
function combinedTerms(a: readonly ScoreTerm[] | null, b: readonly ScoreTerm[] | null, share: number): ScoreTerm[] | null {
  if (a === null || b === null) return null;
  const scaled = (terms: readonly ScoreTerm[], to: number): ScoreTerm[] | null => {
    const total = terms.reduce((sum, t) => sum + Math.abs(t.weight), 0);
    return total > 0 ? terms.map((t) => ({ node: t.node, weight: roundSignificant((t.weight / total) * to, 2) })) : null;
  };
  const fromA = scaled(a, share);
  const fromB = scaled(b, roundSignificant(1 - share, 2));
  if (fromA === null || fromB === null) return null;
  const merged = mergeTerms([...fromA, ...fromB]).map((t) => ({ node: t.node, weight: roundSignificant(t.weight, 2) }));
  if (merged.length <= MAX_SCORE_TERMS) return merged;
  const kept = new Set([...merged].sort((x, y) => Math.abs(y.weight) - Math.abs(x.weight)).slice(0, MAX_SCORE_TERMS));
  return merged.filter((t) => kept.has(t));
}

/** Copies the sub-graph of one node of another graph into the builder (only what it needs); its id there. */
function importNode(builder: GraphBuilder, graph: FactorGraph, id: NodeId): NodeId | null {
  return addFragment(builder, canonicalGraph(graph.nodes, id, graph.options));
}
