import { SEARCH_BUDGET } from './budget.js';
import { describeInstance, type FactorKit } from '../factors/factor-kit.js';
import type { GraphBuilder } from '../graph/builder.js';
import type { FactorGraph, GraphNode, NodeId } from '../graph/types.js';
import { anatomyOf, type Anatomy } from './anatomy.js';
import { addFragment, builderWith, type Edit } from './edit.js';
import { finishEdit, instanceOf, type MutationInput } from './operators.js';
import { perturbValue, roundSignificant, type NumericBounds } from './perturb.js';
import { randomInt, shuffled, type RandomSource } from './random.js';

// ---------------------------------------------------------------- reading and writing weighted sums

/** One summand of a score: a signal (usually a ranked one, `x.rank()`) and its weight. */
export interface ScoreTerm {
  readonly node: NodeId;
  readonly weight: number;
}

/** add_score_term and crossover stop at the search budget's number of terms. */
export const MAX_SCORE_TERMS = SEARCH_BUDGET.maxScoreTerms;

/** Where term weights live: positive (a negative weight would turn a factor upside down) and within two orders of magnitude. */
export const WEIGHT_BOUNDS: NumericBounds = { min: 0.05, max: 20, integer: false };

const isFrameSum = (node: GraphNode | undefined): node is GraphNode => node?.op === 'add' && node.type === 'float_frame';

/**
 * Reads a score as weighted terms: `a * w + b * v + …` (the weight on either side of `*`, a summand without
 * one weighs 1), in left-to-right order, equal terms merged (`a + a` is `a` weighing 2). A score that is no
 * sum of frames (a bare factor, `x.rank()`, `x * w`) is one term, and a sum with a constant summand is one term
 * of weight 1. The add tree is
 * a DAG, so each summand's multiplicity is counted by propagating coefficients from the root down (in
 * decreasing id order: a node's users all have larger ids), never by walking every path.
 */
export function scoreTerms(graph: FactorGraph, score: NodeId): ScoreTerm[] {
  const single = [{ node: score, weight: 1 }];
  const summands: NodeId[] = [];
  const sums: NodeId[] = [];
  const seen = new Set<NodeId>();
  const stack: NodeId[] = [score];
  while (stack.length > 0) {
    const id = stack.pop() ?? -1;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = graph.nodes[id];
    if (isFrameSum(node)) {
      sums.push(id);
      stack.push(node.args[1] ?? -1, node.args[0] ?? -1);
    } else {
      summands.push(id);
    }
  }
  if (sums.length === 0) {
    const { signal, factor } = splitWeight(graph, score);
    return graph.nodes[signal]?.type === 'float_frame' && Number.isFinite(factor) ? [{ node: signal, weight: factor }] : single;
  }
  if (summands.some((id) => graph.nodes[id]?.type !== 'float_frame')) return single;
  const coefficient = new Map<NodeId, number>([[score, 1]]);
  for (const id of sums.sort((x, y) => y - x)) {
    const c = coefficient.get(id) ?? 0;
    for (const arg of graph.nodes[id]?.args ?? []) coefficient.set(arg, (coefficient.get(arg) ?? 0) + c);
  }
  const terms = mergeTerms(summands.map((id) => {
    const { signal, factor } = splitWeight(graph, id);
    return { node: signal, weight: factor * (coefficient.get(id) ?? 0) };
  }));
  return terms.every((t) => Number.isFinite(t.weight)) ? terms : single;
}

/** `x * c` or `c * x` → (x, c); anything else weighs 1. */
function splitWeight(graph: FactorGraph, id: NodeId): { signal: NodeId; factor: number } {
  const node = graph.nodes[id];
  if (node?.op === 'mul') {
    const [left, right] = node.args.map((a) => graph.nodes[a]);
    if (right?.op === 'const' && left !== undefined) return { signal: left.id, factor: Number(right.params[0]) };
    if (left?.op === 'const' && right !== undefined) return { signal: right.id, factor: Number(left.params[0]) };
  }
  return { signal: id, factor: 1 };
}

/** Adds up the weights of equal terms (first occurrence keeps its place). */
export function mergeTerms(terms: readonly ScoreTerm[]): ScoreTerm[] {
  const out: ScoreTerm[] = [];
  for (const term of terms) {
    const index = out.findIndex((t) => t.node === term.node);
    const existing = out[index];
    if (existing === undefined) out.push(term);
    else out[index] = { node: term.node, weight: existing.weight + term.weight };
  }
  return out;
}

/** Builds `t1 * w1 + t2 * w2 + …` (a weight of 1 is left out) in the builder; null when the node budget runs out. */
export function buildScore(builder: GraphBuilder, terms: readonly ScoreTerm[]): NodeId | null {
  let sum: NodeId | null = null;
  for (const term of terms) {
    let weighted: NodeId | null = term.node;
    if (term.weight !== 1) {
      const weight = builder.add('const', [], [term.weight === 0 ? 0 : term.weight], 'number');
      weighted = weight === null ? null : builder.add('mul', [term.node, weight], [], 'float_frame');
    }
    if (weighted === null) return null;
    sum = sum === null ? weighted : builder.add('add', [sum, weighted], [], 'float_frame');
    if (sum === null) return null;
  }
  return sum;
}

export function isRankedSignal(graph: FactorGraph, id: NodeId): boolean {
  return graph.nodes[id]?.op === 'rank';
}

/**
 * The score as ranked terms, in `builder` (`at` maps the graph's ids to the builder's, null = out of
 * budget): its own terms when each is a ranked signal, else the whole score ranked as one term of weight 1.
 */
export function rankedTerms(builder: GraphBuilder, graph: FactorGraph, score: NodeId, at: (id: NodeId) => NodeId | null = (id) => id): ScoreTerm[] | null {
  const terms = scoreTerms(graph, score);
  // a lone term weighing ≤ 0 ranks upside down: keep its sign by ranking the whole score
  const lonePositive = terms.length > 1 || (terms[0]?.weight ?? 0) > 0;
  if (lonePositive && terms.every((t) => isRankedSignal(graph, t.node))) {
    const mapped = terms.map((t) => ({ node: at(t.node), weight: t.weight }));
    return mapped.every((t): t is ScoreTerm => t.node !== null) ? mapped : null;
  }
  const signal = at(score);
  const ranked = signal === null ? null : builder.add('rank', [signal], [], 'float_frame');
  return ranked === null ? null : [{ node: ranked, weight: 1 }];
}

/** A weight share for a new pair of terms, in [0.3, 0.7] at two significant digits (the other term gets 1 − share). */
export function drawShare(random: RandomSource): number {
  return roundSignificant(0.3 + 0.4 * random.next(), 2);
}

/** The factor a term computes (a ranked term is its signal's factor), in words; its position (from 1) when it is no library factor. */
function describeTerm(kit: FactorKit, graph: FactorGraph, term: ScoreTerm, index: number): string {
  const node = graph.nodes[term.node];
  const signal = node?.op === 'rank' ? (node.args[0] ?? -1) : term.node;
  const instance = kit.recognise(graph, signal);
  return instance === null ? String(index + 1) : describeInstance(instance);
}

/** Names of the library factors already in the score (as terms or as the whole score). */
function factorsIn(kit: FactorKit, graph: FactorGraph, score: NodeId, terms: readonly ScoreTerm[]): Set<string> {
  const names = new Set<string>();
  for (const id of [score, ...terms.map((t) => t.node)]) {
    const node = graph.nodes[id];
    const instance = kit.recognise(graph, node?.op === 'rank' ? (node.args[0] ?? -1) : id);
    if (instance !== null) names.add(instance.factor.name);
  }
  return names;
}

// ---------------------------------------------------------------- the operators

/** Holdings of a condition strategy that add_score_term turns into a ranking (a broad top list, as the oracle holds). */
const HOLDINGS_OF_NEW_RANKING = 20;

/**
 * Adds a library score factor F as a ranked term: S becomes `S.rank() * w + F.rank() * (1 − w)`, and a
 * score that already is a weighted sum of ranked terms gets `+ F.rank() * w'` (w' near the mean weight, so
 * the new term matters as much as an old one). An equal-weight condition becomes a ranking by F.
 */
export function addScoreTerm(input: MutationInput): Edit | null {
  const { graph, kit, random } = input;
  const anatomy = anatomyOf(graph);
  const scores = kit.available.filter((f) => f.role === 'score');
  if (anatomy.shape === 'mask' && anatomy.hold === null) {
    for (const factor of shuffled(random, scores)) {
      const instance = instanceOf(input, factor, random.next() < 0.5);
      const builder = builderWith(graph);
      const fragment = kit.fragment(instance);
      const score = builder === null || fragment === null ? null : addFragment(builder, fragment);
      if (builder === null || score === null) continue;
      const ranked: Anatomy = { shape: 'ranked', selector: 'isLargest', holdings: HOLDINGS_OF_NEW_RANKING, score, entry: anatomy.entry };
      const edit = finishEdit(builder, ranked, graph.options, `added score term ${describeInstance(instance)}`);
      if (edit !== null) return edit;
    }
    return null;
  }
  if (anatomy.shape !== 'ranked') return null;
  const present = scoreTerms(graph, anatomy.score);
  if (present.length >= (input.budget?.maxScoreTerms ?? Number.POSITIVE_INFINITY)) return null;
  const used = factorsIn(kit, graph, anatomy.score, present);
  for (const factor of shuffled(random, scores.filter((f) => !used.has(f.name)))) {
    const instance = instanceOf(input, factor, random.next() < 0.5);
    const builder = builderWith(graph);
    const fragment = kit.fragment(instance);
    const existing = builder === null ? null : rankedTerms(builder, graph, anatomy.score);
    const signal = builder === null || fragment === null ? null : addFragment(builder, fragment);
    const ranked = builder === null || signal === null ? null : builder.add('rank', [signal], [], 'float_frame');
    if (builder === null || existing === null || ranked === null || existing.some((t) => t.node === ranked)) continue;
    let terms: ScoreTerm[];
    let weight: number;
    if (existing.length === 1) {
      const share = drawShare(random);
      weight = roundSignificant(1 - share, 2);
      terms = [{ node: existing[0]?.node ?? -1, weight: share }, { node: ranked, weight }];
    } else {
      const mean = existing.reduce((sum, t) => sum + Math.abs(t.weight), 0) / existing.length;
      weight = clampWeight(roundSignificant(mean * (0.5 + random.next()), 2));
      terms = [...existing, { node: ranked, weight }];
    }
    const score = buildScore(builder, terms);
    const edit = score === null ? null : finishEdit(builder, { ...anatomy, score }, graph.options, `added score term ${describeInstance(instance)} with weight ${weight}`);
    if (edit !== null) return edit;
  }
  return null;
}

function clampWeight(weight: number): number {
  return Math.min(WEIGHT_BOUNDS.max, Math.max(WEIGHT_BOUNDS.min, weight));
}

/** Moves the weight of one (positive) term of a weighted-sum score within WEIGHT_BOUNDS. */
export function perturbWeights(input: MutationInput): Edit | null {
  const { graph, kit, random } = input;
  const anatomy = anatomyOf(graph);
  if (anatomy.shape !== 'ranked') return null;
  const terms = scoreTerms(graph, anatomy.score);
  if (terms.length < 2) return null; // a lone term's weight changes no ranking
  const candidates = terms.map((_, i) => i).filter((i) => (terms[i]?.weight ?? 0) > 0);
  for (const index of shuffled(random, candidates)) {
    const term = terms[index] as ScoreTerm;
    const next = perturbValue(random, term.weight, { ...WEIGHT_BOUNDS, max: Math.max(WEIGHT_BOUNDS.max, term.weight) });
    if (next === null) continue;
    const builder = builderWith(graph);
    const edited = terms.map((t, i) => (i === index ? { node: t.node, weight: next } : t));
    const score = builder === null ? null : buildScore(builder, edited);
    const edit = builder === null || score === null ? null
      : finishEdit(builder, { ...anatomy, score }, graph.options, `changed the weight of score term ${describeTerm(kit, graph, term, index)} from ${term.weight} to ${next}`);
    if (edit !== null) return edit;
  }
  return null;
}

/**
 * Removes one term of a weighted-sum score. The last remaining term stands alone without its weight, and a
 * ranked one without its rank: ranking a single score selects the same names, and the bare factor is
 * recognisable again (replace_factor applies to it).
 */
export function dropTerm(input: MutationInput): Edit | null {
  const { graph, kit, random } = input;
  const anatomy = anatomyOf(graph);
  if (anatomy.shape !== 'ranked') return null;
  const terms = scoreTerms(graph, anatomy.score);
  if (terms.length < 2) return null;
  const index = randomInt(random, terms.length);
  const dropped = terms[index] as ScoreTerm;
  const kept = terms.filter((_, i) => i !== index);
  const builder = builderWith(graph);
  if (builder === null) return null;
  const only = kept.length === 1 ? kept[0] : undefined;
  const score = only === undefined ? buildScore(builder, kept) : unranked(graph, only.node);
  return score === null ? null : finishEdit(builder, { ...anatomy, score }, graph.options, `dropped score term ${describeTerm(kit, graph, dropped, index)}`);
}

function unranked(graph: FactorGraph, id: NodeId): NodeId {
  const node = graph.nodes[id];
  return node?.op === 'rank' ? (node.args[0] ?? id) : id;
}

