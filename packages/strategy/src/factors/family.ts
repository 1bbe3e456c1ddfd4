import type { FactorFamily } from '@alphaloop/domain';
import { fieldIndexOf, type CompileContext } from '../compile/context.js';
import type { FactorGraph, NodeId } from '../graph/types.js';
import { anatomyOf } from '../mutation/anatomy.js';
import type { CompiledStrategy } from '../strategy.js';
import { DATA_ROLES, resolveRole, type DataRole } from './data-roles.js';
import { factorKitOf, type FactorInstance, type FactorKit } from './factor-kit.js';
import type { FactorCategory } from './library.js';

/**
 * The factor family a strategy leans on most, for the archive's cells (`@alphaloop/domain` archive.ts).
 *
 * 1. The score decides: the ranked score (`score.where(entry).isLargest(n)`), the weights frame of a weights
 *    strategy, or the rank of `holdUntil(exit, n, rank)`. A recognised library factor gives its category. A
 *    combination (`+ − × ÷`, negation, rank, zscore, abs, log, sqrt, clip, fillna, max/min, where) gives the
 *    family of its terms: one family (however often) → that family, two or more → `multi`; constants say
 *    nothing. A term that is neither gives the family of the data it reads (step 3's rule). Factors are
 *    recognised whichever key of a data role they read (`etl:adj_close` counts as the close).
 * 2. When the score says nothing beyond `other` (or there is none: a mask), the first recognised entry filter
 *    gives its category. `!signal` conjuncts are exits and never decide, nor does any factor of category exit.
 * 3. Otherwise the data read by the score and the entry conditions: revenue and valuation fields
 *    (`monthly_revenue:*`, `price_earning_ratio:*`, the revenue and pe roles) → value; `fundamental_features:*`
 *    and the roe role → quality; both → multi; price, volume and anything else → `other`.
 *
 * Pure; reads each node a bounded number of times (the graph is a DAG, shared sub-trees are visited once).
 */
export function strategyFamily(strategy: CompiledStrategy): FactorFamily {
  const { graph } = strategy;
  const reader = new FamilyReader(graph, strategy.context);
  const anatomy = anatomyOf(graph);
  const entry = anatomy.entry.filter((id) => graph.nodes[id]?.op !== 'not');
  const score = anatomy.shape === 'ranked' ? anatomy.score
    : anatomy.shape === 'weights' ? anatomy.weights
      : (anatomy.hold?.args[2] ?? null);

  const scored = score === null ? null : reader.familyOf(score);
  if (scored !== null && scored !== 'other') return scored;
  for (const id of entry) {
    const instance = reader.recognise(id);
    if (instance?.factor.role !== 'filter') continue;
    const family = familyOfCategory(instance.factor.category);
    if (family !== null) return family;
  }
  return combine([...(score === null ? [] : [score]), ...entry].map((id) => reader.dataFamilyOf(id))) ?? 'other';
}

/** Ops whose value is a combination (or a transform) of their frame arguments: their family is their terms'. */
const COMBINING = new Set(['add', 'sub', 'mul', 'div', 'neg', 'rank', 'zscore', 'abs', 'log', 'sqrt', 'clip', 'fillna', 'maximum', 'minimum']);

/** Datasets (the part of a key before `:`) whose fields are fundamentals, and the family they point to. */
const DATASET_FAMILY: ReadonlyMap<string, 'value' | 'quality'> = new Map([
  ['monthly_revenue', 'value'],
  ['price_earning_ratio', 'value'],
  ['fundamental_features', 'quality'],
]);

// bits of the per-node summary of the data a sub-tree reads
const READS_VALUE = 1;
const READS_QUALITY = 2;
const READS_DATA = 4;

/** The family of each node of one graph, computed on demand and memoised. */
class FamilyReader {
  private readonly memo = new Map<NodeId, FactorFamily | null>();
  private dataBits: Uint8Array | null = null;
  private readonly graph: FactorGraph;
  private readonly kit: FactorKit;

  constructor(graph: FactorGraph, private readonly context: CompileContext) {
    this.graph = withRoleKeys(graph, context);
    this.kit = factorKitOf(context);
  }

  /** The library factor a node computes (any key of a data role standing for the role's own). */
  recognise(id: NodeId): FactorInstance | null {
    // printing and matching is the costly part: skip nodes no library factor can be rooted at
    const op = this.graph.nodes[id]?.op;
    if (op === undefined || !factorRootOps(this.kit).has(op)) return null;
    return this.kit.recognise(this.graph, id);
  }

  /** The family of a node's value; null when it says nothing (a constant, an exit factor). */
  familyOf(id: NodeId): FactorFamily | null {
    const cached = this.memo.get(id);
    if (cached !== undefined) return cached;
    const family = this.compute(id);
    this.memo.set(id, family);
    return family;
  }

  /** Step 3's rule on the data the sub-tree of `id` reads. */
  dataFamilyOf(id: NodeId): FactorFamily | null {
    const bits = this.bits()[id] ?? 0;
    if ((bits & READS_VALUE) !== 0 && (bits & READS_QUALITY) !== 0) return 'multi';
    if ((bits & READS_VALUE) !== 0) return 'value';
    if ((bits & READS_QUALITY) !== 0) return 'quality';
    return (bits & READS_DATA) !== 0 ? 'other' : null;
  }

  private compute(id: NodeId): FactorFamily | null {
    const node = this.graph.nodes[id];
    if (node === undefined || node.op === 'const') return null;
    const instance = this.recognise(id);
    if (instance !== null) return familyOfCategory(instance.factor.category);
    // a where inside a score keeps the score's values: its mask does not change what is ranked
    if (node.op === 'where') return this.familyOf(node.args[0] ?? -1);
    if (COMBINING.has(node.op)) return combine(node.args.map((arg) => this.familyOf(arg)));
    return this.dataFamilyOf(id);
  }

  /** One pass over the nodes in topological order: what kinds of data each sub-tree reads. */
  private bits(): Uint8Array {
    if (this.dataBits !== null) return this.dataBits;
    const value = new Set([resolveRole('revenue', this.context), resolveRole('pe', this.context)]);
    const quality = resolveRole('roe', this.context);
    const bits = new Uint8Array(this.graph.nodes.length);
    for (const node of this.graph.nodes) {
      let b = 0;
      if (node.op === 'data') {
        const key = String(node.params[0]);
        const dataset = DATASET_FAMILY.get(key.slice(0, Math.max(0, key.indexOf(':'))));
        b = READS_DATA;
        if (value.has(key) || dataset === 'value') b |= READS_VALUE;
        if (key === quality || dataset === 'quality') b |= READS_QUALITY;
      }
      for (const arg of node.args) b |= bits[arg] ?? 0;
      bits[node.id] = b;
    }
    this.dataBits = bits;
    return bits;
  }
}

const rootOpsCache = new WeakMap<FactorKit, ReadonlySet<string>>();

/** The ops at the root of the kit's template factors (`average`, `pctChange`, `gt`, …). */
function factorRootOps(kit: FactorKit): ReadonlySet<string> {
  const cached = rootOpsCache.get(kit);
  if (cached !== undefined) return cached;
  const ops = new Set<string>();
  for (const factor of kit.available) {
    if (factor.template === '') continue;
    const fragment = kit.fragment(kit.defaults(factor));
    const op = fragment?.nodes[fragment.root]?.op;
    if (op !== undefined) ops.add(op);
  }
  rootOpsCache.set(kit, ops);
  return ops;
}

const roleAliasCache = new WeakMap<CompileContext, ReadonlyMap<string, string>>();

/** Keys of the market that play a data role without being the key the factor kit uses for it → that key. */
function roleAliases(context: CompileContext): ReadonlyMap<string, string> {
  const cached = roleAliasCache.get(context);
  if (cached !== undefined) return cached;
  const index = fieldIndexOf(context);
  const aliases = new Map<string, string>();
  for (const role of Object.keys(DATA_ROLES) as DataRole[]) {
    const key = resolveRole(role, context);
    if (key === undefined) continue;
    for (const candidate of DATA_ROLES[role]) {
      const field = index.resolve(candidate);
      if (field !== undefined && field.key !== key && !aliases.has(field.key)) aliases.set(field.key, key);
    }
  }
  roleAliasCache.set(context, aliases);
  return aliases;
}

/**
 * The graph with every data key that plays a role replaced by the kit's key for it: the recognisers match
 * printed text, and a momentum on the adjusted close is as much a momentum as one on the close. Same node ids.
 */
function withRoleKeys(graph: FactorGraph, context: CompileContext): FactorGraph {
  const aliases = roleAliases(context);
  const renamed = (key: unknown): string | undefined => aliases.get(String(key));
  if (!graph.nodes.some((node) => node.op === 'data' && renamed(node.params[0]) !== undefined)) return graph;
  const nodes = graph.nodes.map((node) => {
    const key = node.op === 'data' ? renamed(node.params[0]) : undefined;
    return key === undefined ? node : { ...node, params: [key, ...node.params.slice(1)] };
  });
  return { ...graph, nodes };
}

/** One family however often it occurs → it; two or more → multi; only `other` → other; nothing → null. */
function combine(families: readonly (FactorFamily | null)[]): FactorFamily | null {
  let found: FactorFamily | null = null;
  let other = false;
  for (const family of families) {
    if (family === null) continue;
    if (family === 'other') other = true;
    else if (family === 'multi' || (found !== null && found !== family)) return 'multi';
    else found = family;
  }
  return found ?? (other ? 'other' : null);
}

/** Exit factors never decide a strategy's family. */
function familyOfCategory(category: FactorCategory): FactorFamily | null {
  return category === 'exit' ? null : category;
}
