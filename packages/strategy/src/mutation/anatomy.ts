import type { GraphBuilder } from '../graph/builder.js';
import type { FactorGraph, GraphNode, NodeId } from '../graph/types.js';

/**
 * The parts of a position that mutations edit, read off any graph:
 * - `ranked`: `score.where(entry).isLargest(n)` (or isSmallest; the where is optional)
 * - `mask`: a condition, equal weight over its true cells (optionally wrapped in holdUntil)
 * - `weights`: any other float frame, optionally `weights.where(entry)`
 * `entry` is the list of conjuncts of the entry mask (a tree of `&&` flattened left to right).
 */
export type Anatomy =
  | { readonly shape: 'ranked'; readonly selector: 'isLargest' | 'isSmallest'; readonly holdings: number; readonly score: NodeId; readonly entry: readonly NodeId[] }
  | { readonly shape: 'mask'; readonly entry: readonly NodeId[]; readonly hold: GraphNode | null }
  | { readonly shape: 'weights'; readonly weights: NodeId; readonly entry: readonly NodeId[] };

export function anatomyOf(graph: FactorGraph): Anatomy {
  const root = graph.nodes[graph.root];
  if (root === undefined) return { shape: 'weights', weights: graph.root, entry: [] };
  if ((root.op === 'isLargest' || root.op === 'isSmallest') && root.args.length === 1) {
    const inner = graph.nodes[root.args[0] ?? -1];
    const holdings = Number(root.params[0] ?? 1);
    if (inner?.op === 'where') {
      return { shape: 'ranked', selector: root.op, holdings, score: inner.args[0] ?? -1, entry: conjuncts(graph, inner.args[1] ?? -1) };
    }
    return { shape: 'ranked', selector: root.op, holdings, score: root.args[0] ?? -1, entry: [] };
  }
  if (root.op === 'holdUntil') return { shape: 'mask', entry: conjuncts(graph, root.args[0] ?? -1), hold: root };
  if (root.type === 'bool_frame') return { shape: 'mask', entry: conjuncts(graph, graph.root), hold: null };
  if (root.op === 'where') return { shape: 'weights', weights: root.args[0] ?? -1, entry: conjuncts(graph, root.args[1] ?? -1) };
  return { shape: 'weights', weights: graph.root, entry: [] };
}

/**
 * The distinct leaves of an `and` tree, left to right. Iterative, and each node is expanded once: a shared
 * sub-tree (`b = a && a; c = b && b; …`) would otherwise be walked exponentially often. Dropping repeated
 * conjuncts does not change the condition.
 */
export function conjuncts(graph: FactorGraph, id: NodeId): NodeId[] {
  const out: NodeId[] = [];
  const seen = new Set<NodeId>();
  const stack: NodeId[] = [id];
  while (stack.length > 0) {
    const current = stack.pop() ?? -1;
    if (seen.has(current)) continue;
    seen.add(current);
    const node = graph.nodes[current];
    if (node?.op === 'and') {
      stack.push(node.args[1] ?? -1, node.args[0] ?? -1);
    } else {
      out.push(current);
    }
  }
  return out;
}

/**
 * Rebuilds the position in `builder` (which already holds the parent graph's nodes under the same ids)
 * from an edited anatomy; returns the new root, or null when it would be empty or too large.
 */
export function assemble(builder: GraphBuilder, anatomy: Anatomy): NodeId | null {
  let mask: NodeId | null = null;
  for (const conjunct of anatomy.entry) {
    mask = mask === null ? conjunct : builder.add('and', [mask, conjunct], [], 'bool_frame');
    if (mask === null) return null;
  }
  switch (anatomy.shape) {
    case 'ranked': {
      const inner = mask === null ? anatomy.score : builder.add('where', [anatomy.score, mask], [], 'float_frame');
      return inner === null ? null : builder.add(anatomy.selector, [inner], [anatomy.holdings], 'bool_frame');
    }
    case 'mask': {
      if (mask === null) return null;
      if (anatomy.hold === null) return mask;
      return builder.add('holdUntil', [mask, ...anatomy.hold.args.slice(1)], anatomy.hold.params, 'bool_frame');
    }
    case 'weights':
      return mask === null ? anatomy.weights : builder.add('where', [anatomy.weights, mask], [], 'float_frame');
  }
}
