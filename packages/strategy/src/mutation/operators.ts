import type { SearchBudget } from './budget.js';
import { operationSpec } from '../catalogue/operations.js';
import { SIM_OPTION_SPECS } from '../catalogue/sim-options.js';
import { resolveBound } from '../compile/methods.js';
import { describeInstance, withinSpec, type FactorInstance, type FactorKit } from '../factors/factor-kit.js';
import type { FactorDefinition } from '../factors/library.js';
import type { GraphBuilder } from '../graph/builder.js';
import type { FactorGraph, NodeId, Resample, SimOptions } from '../graph/types.js';
import { anatomyOf, assemble, type Anatomy } from './anatomy.js';
import { addFragment, builderWith, withParams, type Edit } from './edit.js';
import { perturbValue, type NumericBounds } from './perturb.js';
import { pick, randomInt, shuffled, type RandomSource } from './random.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Everything an operator needs; operators return null when they do not apply to this parent. */
export interface MutationInput {
  readonly graph: FactorGraph;
  readonly kit: FactorKit;
  readonly random: RandomSource;
  /** Limits on added parts; null: none. */
  readonly budget: SearchBudget | null;
}

// ---------------------------------------------------------------- units of a strategy

/** An exit conjunct is written `!signal`; everything else in the entry mask is an entry condition. */
function isExitConjunct(graph: FactorGraph, id: NodeId): boolean {
  return graph.nodes[id]?.op === 'not';
}

function entryConditions(graph: FactorGraph, anatomy: Anatomy): NodeId[] {
  return anatomy.entry.filter((id) => !isExitConjunct(graph, id));
}

/** Recognises a conjunct as a library factor: a filter, `!exit_signal`, or a time exit `!entry.sustain(n)`. */
function recogniseConjunct(input: MutationInput, id: NodeId): FactorInstance | null {
  const { graph, kit } = input;
  const node = graph.nodes[id];
  if (node?.op !== 'not') {
    const instance = kit.recognise(graph, id);
    return instance?.factor.role === 'filter' ? instance : null;
  }
  const inner = graph.nodes[node.args[0] ?? -1];
  if (inner?.op === 'sustain' && inner.params[0] === inner.params[1]) {
    const timeExit = kit.available.find((f) => f.role === 'time_exit');
    const days = Number(inner.params[0]);
    if (timeExit !== undefined && withinSpec(days, kit.bounds(timeExit)[0])) return { factor: timeExit, params: [days] };
    return null;
  }
  const instance = kit.recognise(graph, node.args[0] ?? -1);
  return instance?.factor.role === 'exit_signal' ? instance : null;
}

/** Builds the conjunct (or score) node of a factor in `builder`, or null. */
function buildFactorNode(input: MutationInput, builder: GraphBuilder, instance: FactorInstance, anatomy: Anatomy, excluding: NodeId | null): NodeId | null {
  const { factor } = instance;
  if (factor.role === 'time_exit') {
    // leave once the other entry conditions have held for `days` days
    const conditions = entryConditions(input.graph, anatomy).filter((id) => id !== excluding);
    let mask: NodeId | null = null;
    for (const id of conditions) mask = mask === null ? id : builder.add('and', [mask, id], [], 'bool_frame');
    if (mask === null) return null;
    const days = instance.params[0] ?? 20;
    const sustained = builder.add('sustain', [mask], [days, days], 'bool_frame');
    return sustained === null ? null : builder.add('not', [sustained], [], 'bool_frame');
  }
  const fragment = input.kit.fragment(instance);
  if (fragment === null) return null;
  const root = addFragment(builder, fragment);
  if (root === null || factor.role !== 'exit_signal') return root;
  return builder.add('not', [root], [], 'bool_frame');
}

export function finishEdit(builder: GraphBuilder, anatomy: Anatomy, options: SimOptions, description: string): Edit | null {
  const root = assemble(builder, anatomy);
  return root === null ? null : { graph: builder.finish(root, options), description };
}

/** A random instance: the defaults, or (when `randomise`) each parameter perturbed within its bounds. */
export function instanceOf(input: MutationInput, factor: FactorDefinition, randomise: boolean): FactorInstance {
  const bounds = input.kit.bounds(factor);
  const params = bounds.map((b) => (randomise ? (perturbValue(input.random, b.default, b) ?? b.default) : b.default));
  return { factor, params };
}

/** Adds a factor as an entry condition, an exit or a score; tries factors in random order. */
function addFactor(input: MutationInput, factors: readonly FactorDefinition[], label: string): Edit | null {
  const { graph } = input;
  const anatomy = anatomyOf(graph);
  for (const factor of shuffled(input.random, factors)) {
    for (const randomise of [false, true]) {
      const edit = addInstance(input, anatomy, instanceOf(input, factor, randomise), label);
      if (edit !== null) return edit;
    }
  }
  return null;
}

function addInstance(input: MutationInput, anatomy: Anatomy, instance: FactorInstance, label: string, excluding: NodeId | null = null): Edit | null {
  const { graph } = input;
  const { factor } = instance;
  const description = `${label} ${describeInstance(instance)}`;
  if (factor.role === 'stop_option') {
    if (factor.option === undefined || graph.options[factor.option] !== null) return null;
    const builder = builderWith(graph);
    const options = { ...graph.options, [factor.option]: instance.params[0] ?? null };
    return builder === null ? null : finishEdit(builder, anatomy, options, description);
  }
  const builder = builderWith(graph);
  if (builder === null) return null;
  const node = buildFactorNode(input, builder, instance, anatomy, excluding);
  if (node === null) return null;
  if (factor.role === 'score') {
    if (anatomy.shape !== 'mask' || anatomy.hold !== null) return null;
    const ranked: Anatomy = { shape: 'ranked', selector: 'isLargest', holdings: 10, score: node, entry: anatomy.entry };
    return finishEdit(builder, ranked, graph.options, description);
  }
  if (anatomy.entry.includes(node)) return null;
  const entry = factor.role === 'filter'
    ? [...entryConditions(graph, anatomy), node, ...anatomy.entry.filter((id) => isExitConjunct(graph, id))]
    : [...anatomy.entry, node];
  return finishEdit(builder, { ...anatomy, entry }, graph.options, description);
}

// ---------------------------------------------------------------- the operators

export function addEntryFactor(input: MutationInput): Edit | null {
  const anatomy = anatomyOf(input.graph);
  const filtersAllowed = input.budget === null || entryConditions(input.graph, anatomy).length < input.budget.maxEntryConditions;
  const scoresAllowed = anatomy.shape === 'mask' && anatomy.hold === null;
  const factors = input.kit.available.filter((f) => (filtersAllowed && f.role === 'filter') || (scoresAllowed && f.role === 'score'));
  return addFactor(input, factors, 'added entry factor');
}

export function addExitFactor(input: MutationInput): Edit | null {
  const { graph } = input;
  const exits = anatomyOf(graph).entry.filter((id) => isExitConjunct(graph, id)).length + (['stopLoss', 'takeProfit', 'trailStop'] as const).filter((o) => graph.options[o] !== null).length;
  if (input.budget !== null && exits >= input.budget.maxExits) return null;
  const factors = input.kit.available.filter((f) => f.role === 'exit_signal' || f.role === 'time_exit' || f.role === 'stop_option');
  return addFactor(input, factors, 'added exit factor');
}

type Unit =
  | { readonly kind: 'conjunct'; readonly id: NodeId; readonly instance: FactorInstance | null }
  | { readonly kind: 'score'; readonly instance: FactorInstance | null }
  | { readonly kind: 'option'; readonly option: 'stopLoss' | 'takeProfit' | 'trailStop'; readonly instance: FactorInstance | null };

function unitsOf(input: MutationInput, anatomy: Anatomy): Unit[] {
  const { graph, kit } = input;
  const units: Unit[] = anatomy.entry.map((id) => ({ kind: 'conjunct', id, instance: recogniseConjunct(input, id) }));
  if (anatomy.shape === 'ranked') units.push({ kind: 'score', instance: scoreInstance(kit.recognise(graph, anatomy.score)) });
  if (anatomy.shape === 'weights') units.push({ kind: 'score', instance: scoreInstance(kit.recognise(graph, anatomy.weights)) });
  for (const factor of kit.available) {
    const option = factor.option;
    if (factor.role !== 'stop_option' || option === undefined) continue;
    const value = graph.options[option];
    if (value !== null) units.push({ kind: 'option', option, instance: { factor, params: [value] } });
  }
  return units;
}

function scoreInstance(instance: FactorInstance | null): FactorInstance | null {
  return instance?.factor.role === 'score' ? instance : null;
}

/** Removes one entry condition, exit or stop option; never leaves the strategy without an entry condition or score. */
export function removeFactor(input: MutationInput): Edit | null {
  const { graph } = input;
  const anatomy = anatomyOf(graph);
  const conditions = entryConditions(graph, anatomy);
  const removable = unitsOf(input, anatomy).filter((unit) => {
    if (unit.kind === 'score') return false;
    if (unit.kind === 'option') return true;
    return anatomy.shape !== 'mask' || isExitConjunct(graph, unit.id) || conditions.length >= 2;
  });
  const unit = pick(input.random, removable);
  if (unit === undefined) return null;
  const builder = builderWith(graph);
  if (builder === null) return null;
  if (unit.kind === 'option') {
    return finishEdit(builder, anatomy, { ...graph.options, [unit.option]: null }, `removed exit option ${unit.option}`);
  }
  const kept = { ...anatomy, entry: anatomy.entry.filter((id) => id !== (unit.kind === 'conjunct' ? unit.id : -1)) };
  const what = unit.instance === null ? 'a condition' : describeInstance(unit.instance);
  return finishEdit(builder, kept, graph.options, `removed ${what}`);
}

/** Replaces a recognised factor by another factor of the same category (and a compatible role). */
export function replaceFactor(input: MutationInput): Edit | null {
  const { graph, kit } = input;
  const anatomy = anatomyOf(graph);
  for (const unit of shuffled(input.random, unitsOf(input, anatomy))) {
    const old = unit.instance;
    if (old === null) continue;
    const exitRoles = new Set(['exit_signal', 'time_exit', 'stop_option']);
    const compatible = kit.available.filter((f) => f.name !== old.factor.name && f.category === old.factor.category &&
      (f.role === old.factor.role || (exitRoles.has(f.role) && exitRoles.has(old.factor.role))));
    for (const factor of shuffled(input.random, compatible)) {
      const edit = replaceUnit(input, anatomy, unit, old, instanceOf(input, factor, false));
      if (edit !== null) return edit;
    }
  }
  return null;
}

function replaceUnit(input: MutationInput, anatomy: Anatomy, unit: Unit, old: FactorInstance, replacement: FactorInstance): Edit | null {
  const { graph } = input;
  const label = `replaced ${describeInstance(old)} by`;
  let options: SimOptions = graph.options;
  let remaining: Anatomy = anatomy;
  if (unit.kind === 'option') options = { ...graph.options, [unit.option]: null };
  if (unit.kind === 'conjunct') remaining = { ...anatomy, entry: anatomy.entry.filter((id) => id !== unit.id) };
  if (unit.kind === 'score') {
    const builder = builderWith(graph);
    const fragment = input.kit.fragment(replacement);
    const score = builder === null || fragment === null ? null : addFragment(builder, fragment);
    if (builder === null || score === null) return null;
    const edited: Anatomy = anatomy.shape === 'ranked' ? { ...anatomy, score } : anatomy.shape === 'weights' ? { ...anatomy, weights: score } : anatomy;
    return finishEdit(builder, edited, options, `${label} ${describeInstance(replacement)}`);
  }
  if (remaining.shape === 'mask' && remaining.entry.every((id) => isExitConjunct(graph, id)) && replacement.factor.role !== 'filter') return null;
  const parentWithout: FactorGraph = { ...graph, options };
  return addInstance({ ...input, graph: parentWithout }, remaining, replacement, label, unit.kind === 'conjunct' ? unit.id : null);
}

/** Moves one numeric parameter (a window, a threshold, a stop) within its bounds. */
export function perturbParameter(input: MutationInput): Edit | null {
  const { graph, kit, random } = input;
  const dateCount = kit.context.dateCount;
  type Target = { readonly node: NodeId; readonly index: number; readonly bounds: NumericBounds } | { readonly option: keyof SimOptions; readonly bounds: NumericBounds };
  const targets: Target[] = [];
  const compared = new Set<NodeId>();
  for (const node of graph.nodes) {
    if (['gt', 'ge', 'lt', 'le'].includes(node.op)) for (const a of node.args) compared.add(a);
  }
  for (const node of graph.nodes) {
    if (node.op === 'const') {
      // thresholds only (a constant inside arithmetic is part of a formula); stay within an order of magnitude
      const scale = 10 * Math.max(1, Math.abs(Number(node.params[0])));
      if (compared.has(node.id)) targets.push({ node: node.id, index: 0, bounds: { min: -scale, max: scale, integer: false } });
      continue;
    }
    if (node.op === 'isLargest' || node.op === 'isSmallest' || node.op === 'holdUntil' || node.op === 'data') continue;
    operationSpec(node.op)?.params.forEach((param, index) => {
      if (param.type === 'string' || index >= node.params.length) return;
      const min = resolveBound(param.min, dateCount) ?? -1e12;
      const max = resolveBound(param.max, dateCount) ?? 1e12;
      if (min < max) targets.push({ node: node.id, index, bounds: { min, max, integer: param.type === 'integer' } });
    });
  }
  for (const spec of SIM_OPTION_SPECS) {
    if (spec.type !== 'number' || spec.name === 'feeRatio' || spec.name === 'taxRatio') continue;
    if (graph.options[spec.name] === null) continue;
    targets.push({ option: spec.name, bounds: { min: spec.minExclusive ? spec.max / 1000 : spec.min, max: spec.max, integer: false } });
  }
  for (const target of shuffled(random, targets)) {
    if ('option' in target) {
      const current = graph.options[target.option];
      const next = typeof current === 'number' ? perturbValue(random, current, target.bounds) : null;
      if (next === null) continue;
      const builder = builderWith(graph);
      const options = { ...graph.options, [target.option]: next } as SimOptions;
      if (builder !== null) return { graph: builder.finish(graph.root, options), description: `changed ${target.option} from ${String(current)} to ${next}` };
      continue;
    }
    const node = graph.nodes[target.node];
    const current = Number(node?.params[target.index]);
    if (node === undefined || !Number.isFinite(current)) continue;
    const next = perturbValue(random, current, target.bounds);
    if (next === null) continue;
    const params: (number | string)[] = [...node.params];
    params[target.index] = next;
    if (node.op === 'sustain') {
      // keep k ≤ n (and a held-every-day sustain stays held-every-day)
      if (node.params[0] === node.params[1]) params[1 - target.index] = next;
      else params[1] = Math.min(Number(params[1]), Number(params[0]));
    }
    if (node.op === 'clip' && Number(params[0]) > Number(params[1])) continue;
    const edited = withParams(graph, target.node, params);
    if (edited !== null) {
      const spec = operationSpec(node.op);
      const name = node.op === 'const' ? 'threshold' : `${spec?.params[target.index]?.name ?? 'parameter'} of ${node.op}`;
      return { graph: edited, description: `changed the ${name} from ${current} to ${next}` };
    }
  }
  return null;
}

const SCHEDULES: readonly (Resample | null)[] = [null, 'D', 'W', 'M', 'Q'];

export function changeRebalance(input: MutationInput): Edit | null {
  const { graph, random } = input;
  const next = pick(random, SCHEDULES.filter((s) => s !== graph.options.resample));
  if (next === undefined) return null;
  const options: Mutable<SimOptions> = { ...graph.options, resample: next };
  const builder = builderWith(graph);
  return builder === null ? null
    : { graph: builder.finish(graph.root, options), description: `changed rebalance from ${String(graph.options.resample)} to ${String(next)}` };
}

/** Changes how many names are held (isLargest / isSmallest n, or holdUntil's limit). */
export function changeHoldings(input: MutationInput): Edit | null {
  const { graph, random } = input;
  const targets = graph.nodes.filter((n) => n.op === 'isLargest' || n.op === 'isSmallest' || (n.op === 'holdUntil' && n.params.length === 1));
  const target = pick(random, targets);
  if (target === undefined) return null;
  const current = Number(target.params[0]);
  const spread = Math.max(1, Math.floor(current / 2));
  const delta = (1 + randomInt(random, spread)) * (random.next() < 0.5 ? -1 : 1);
  const upper = Math.max(100, current);
  let next = Math.min(upper, Math.max(1, current + delta));
  if (next === current) next = current > 1 ? current - 1 : current + 1;
  const edited = withParams(graph, target.id, [next]);
  return edited === null ? null : { graph: edited, description: `changed holdings from ${current} to ${next}` };
}

