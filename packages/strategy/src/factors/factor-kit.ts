import { err, ok, type Result } from 'neverthrow';
import type { CompileContext } from '../compile/context.js';
import type { StrategyError } from '../errors.js';
import type { FactorGraph, NodeId } from '../graph/types.js';
import { printExpression, quote } from '../print/print.js';
import { compileStrategy } from '../strategy.js';
import { resolveRole, type DataRole } from './data-roles.js';
import { FACTOR_LIBRARY, type FactorDefinition, type FactorParamSpec } from './library.js';

/** A library factor with concrete parameter values (in the order of its `params`). */
export interface FactorInstance {
  readonly factor: FactorDefinition;
  readonly params: readonly number[];
}

const NUMBER = String.raw`-?\d+(?:\.\d+)?(?:e[+-]?\d+)?`;

/**
 * The factor library bound to one market: which factors its data supports, their parameter bounds
 * (windows never exceed the number of dates), their compiled sub-graphs, and recognisers that find a
 * factor (and its parameters) in any graph, whoever wrote it.
 */
export class FactorKit {
  readonly available: readonly FactorDefinition[];
  private readonly keys = new Map<DataRole, string>();
  private readonly boundsByFactor = new Map<string, readonly FactorParamSpec[]>();
  private readonly fragments = new Map<string, FactorGraph | null>();
  private readonly recognisers: { factor: FactorDefinition; pattern: RegExp }[] = [];

  constructor(readonly context: CompileContext) {
    const available: FactorDefinition[] = [];
    for (const factor of FACTOR_LIBRARY) {
      const bounds = factor.params.map((p) => clampSpec(p, context.dateCount));
      if (bounds.some((b) => b.min > b.max)) continue;
      let resolved = true;
      for (const role of factor.data) {
        const key = resolveRole(role, context);
        if (key === undefined) resolved = false;
        else this.keys.set(role, key);
      }
      if (!resolved) continue;
      this.boundsByFactor.set(factor.name, bounds);
      if (factor.template !== '' && this.fragment({ factor, params: bounds.map((b) => b.default) }) === null) continue;
      available.push(factor);
      if (factor.template !== '') {
        const pattern = this.buildRecogniser(factor, bounds);
        if (pattern !== null) this.recognisers.push({ factor, pattern });
      }
    }
    this.available = available;
  }

  /** Parameter bounds on this market (the library's, with windows capped at the number of dates). */
  bounds(factor: FactorDefinition): readonly FactorParamSpec[] {
    return this.boundsByFactor.get(factor.name) ?? factor.params;
  }

  defaults(factor: FactorDefinition): FactorInstance {
    return { factor, params: this.bounds(factor).map((b) => b.default) };
  }

  /** The factor's expression as strategy source with data keys and parameters filled in. */
  source(instance: FactorInstance): string {
    let text = instance.factor.template.replace(/@([a-z]+)/g, (_, role: string) => `data.get(${quote(this.keys.get(role as DataRole) ?? role)})`);
    instance.factor.params.forEach((param, i) => {
      text = text.split(`{${param.name}}`).join(String(instance.params[i] ?? param.default));
    });
    return text;
  }

  /** The compiled sub-graph of a template factor (root = the factor's value), or null if it does not compile. */
  fragment(instance: FactorInstance): FactorGraph | null {
    const source = this.source(instance);
    const cached = this.fragments.get(source);
    if (cached !== undefined) return cached;
    const compiled = compileStrategy(`return ${source};`, this.context);
    const graph = compiled.isOk() ? compiled.value.graph : null;
    if (this.fragments.size > 5_000) this.fragments.clear(); // bound the cache over long runs
    this.fragments.set(source, graph);
    return graph;
  }

  fragmentResult(instance: FactorInstance): Result<FactorGraph, StrategyError> {
    const graph = this.fragment(instance);
    if (graph !== null) return ok(graph);
    return err({ kind: 'invalid_mutation', line: 1, column: 1, message: `factor ${describeInstance(instance)} does not compile on this market`, hint: 'choose another factor' });
  }

  /** The library factor a node computes, with its parameters, or null. */
  recognise(graph: FactorGraph, id: NodeId): FactorInstance | null {
    const text = printExpression(graph, id);
    for (const { factor, pattern } of this.recognisers) {
      const match = pattern.exec(text);
      if (match === null) continue;
      const params = factor.params.map((_, i) => Number(match.groups?.[`p${i}`]));
      const bounds = this.bounds(factor);
      if (params.some((value, i) => !withinSpec(value, bounds[i]))) continue;
      const instance = { factor, params };
      const fragment = this.fragment(instance);
      if (fragment !== null && printExpression(fragment, fragment.root) === text) return instance;
    }
    return null;
  }

  /**
   * A regular expression matching the printed form of the factor with any parameter values. Each parameter
   * gets a sentinel value that occurs in the printed text exactly where the parameter does.
   */
  private buildRecogniser(factor: FactorDefinition, bounds: readonly FactorParamSpec[]): RegExp | null {
    const sentinels = bounds.map((b, i) => sentinelFor(b, i));
    const fragment = this.fragment({ factor, params: sentinels });
    if (fragment === null) return null;
    const text = printExpression(fragment, fragment.root);
    const marks: { start: number; end: number; param: number }[] = [];
    for (let i = 0; i < sentinels.length; i += 1) {
      const occurrence = new RegExp(`(?<![\\d.])${escapeRegExp(String(sentinels[i]))}(?![\\d.e])`, 'g');
      const before = marks.length;
      for (const match of text.matchAll(occurrence)) marks.push({ start: match.index, end: match.index + match[0].length, param: i });
      if (marks.length === before) return null; // the parameter vanished (folded): not recognisable
    }
    marks.sort((a, b) => a.start - b.start);
    let pattern = '';
    let last = 0;
    const seen = new Set<number>();
    for (const mark of marks) {
      if (mark.start < last) return null; // two sentinels overlap
      pattern += escapeRegExp(text.slice(last, mark.start));
      pattern += seen.has(mark.param) ? `\\k<p${mark.param}>` : `(?<p${mark.param}>${NUMBER})`;
      seen.add(mark.param);
      last = mark.end;
    }
    pattern += escapeRegExp(text.slice(last));
    return new RegExp(`^${pattern}$`);
  }
}

const kits = new WeakMap<CompileContext, FactorKit>();

/** The (cached) factor kit of a market. */
export function factorKitOf(context: CompileContext): FactorKit {
  let kit = kits.get(context);
  if (kit === undefined) {
    kit = new FactorKit(context);
    kits.set(context, kit);
  }
  return kit;
}

export function describeInstance(instance: FactorInstance): string {
  return `${instance.factor.name}(${instance.params.join(', ')})`;
}

export function withinSpec(value: number, spec: FactorParamSpec | undefined): boolean {
  if (spec === undefined || !Number.isFinite(value)) return false;
  if (spec.integer && !Number.isInteger(value)) return false;
  return value >= spec.min && value <= spec.max;
}

function clampSpec(spec: FactorParamSpec, dateCount: number): FactorParamSpec {
  if (!spec.integer) return spec;
  const max = Math.min(spec.max, dateCount);
  return { ...spec, max, default: Math.min(spec.default, max) };
}

/** A value inside the bounds that is unlikely to appear in a template by accident. */
function sentinelFor(spec: FactorParamSpec, index: number): number {
  const span = spec.max - spec.min;
  if (spec.integer) return Math.min(spec.max, spec.min + Math.max(1, Math.floor(span * 0.618)) + index);
  return Number((spec.min + span * (0.6180339 - index * 0.01)).toPrecision(7));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
