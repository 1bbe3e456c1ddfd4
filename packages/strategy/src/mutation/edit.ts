import { GraphBuilder } from '../graph/builder.js';
import type { FactorGraph, NodeId, SimOptions } from '../graph/types.js';
import { LIMITS } from '../limits.js';

/** A proposed child: its graph (canonical) and what was done, in words. */
export interface Edit {
  readonly graph: FactorGraph;
  readonly description: string;
}

/** A builder holding the parent graph under its own ids, so parent node ids stay valid while editing. */
export function builderWith(graph: FactorGraph): GraphBuilder | null {
  const builder = new GraphBuilder(LIMITS.maxNodes);
  return builder.addGraph(graph) === null ? null : builder;
}

/** Adds a compiled fragment (e.g. a factor) to the builder; returns the id of its root. */
export function addFragment(builder: GraphBuilder, fragment: FactorGraph): NodeId | null {
  const ids = builder.addGraph(fragment);
  return ids === null ? null : (ids[fragment.root] ?? null);
}

/** The graph with one node's params replaced (its users follow the new node). */
export function withParams(graph: FactorGraph, target: NodeId, params: readonly (number | string)[], options: SimOptions = graph.options): FactorGraph | null {
  const builder = new GraphBuilder(LIMITS.maxNodes);
  const ids: NodeId[] = [];
  for (const node of graph.nodes) {
    const id = builder.add(node.op, node.args.map((a) => ids[a] ?? -1), node.id === target ? params : node.params, node.type);
    if (id === null) return null;
    ids.push(id);
  }
  return builder.finish(ids[graph.root] ?? 0, options);
}
