import type { FactorGraph, GraphNode, NodeId, NodeType, ParamValue, SimOptions } from './types.js';

/**
 * Builds a hash-consed DAG: adding a node equal to an existing one (same op, args and params) returns the
 * existing id. Ids are assigned in creation order, so args always precede their users.
 */
export class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly index = new Map<string, NodeId>();

  constructor(private readonly maxNodes: number) {}

  get size(): number {
    return this.nodes.length;
  }

  node(id: NodeId): GraphNode | undefined {
    return this.nodes[id];
  }

  /** The id of the node, or `null` when adding it would exceed the node budget. */
  add(op: string, args: readonly NodeId[], params: readonly ParamValue[], type: NodeType): NodeId | null {
    const key = nodeKey(op, args, params);
    const existing = this.index.get(key);
    if (existing !== undefined) return existing;
    if (this.nodes.length >= this.maxNodes) return null;
    const id = this.nodes.length;
    this.nodes.push({ id, op, args, params, type });
    this.index.set(key, id);
    return id;
  }

  /** Copies every node of `graph` in; returns the id each of its nodes got here. */
  addGraph(graph: FactorGraph): NodeId[] | null {
    const ids: NodeId[] = [];
    for (const node of graph.nodes) {
      const id = this.add(node.op, node.args.map((a) => ids[a] ?? -1), node.params, node.type);
      if (id === null) return null;
      ids.push(id);
    }
    return ids;
  }

  /** The canonical graph of everything reachable from `root`. */
  finish(root: NodeId, options: SimOptions): FactorGraph {
    return canonicalGraph(this.nodes, root, options);
  }
}

function nodeKey(op: string, args: readonly NodeId[], params: readonly ParamValue[]): string {
  let key = op;
  for (const a of args) key += `,${a}`;
  key += ';';
  for (const p of params) key += typeof p === 'string' ? `${JSON.stringify(p)},` : `${p},`;
  return key;
}

/**
 * Keeps only the nodes reachable from `root` and renumbers them in post-order (arguments left to right,
 * each node after its arguments, first visit wins). The order depends only on the expression structure, so
 * equal strategies get equal graphs. Iterative, so graph depth never touches the call stack.
 */
export function canonicalGraph(nodes: readonly GraphNode[], root: NodeId, options: SimOptions): FactorGraph {
  const newId = new Map<NodeId, NodeId>();
  const out: GraphNode[] = [];
  const stack: { id: NodeId; next: number }[] = [{ id: root, next: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame === undefined) break;
    const node = nodes[frame.id];
    if (node === undefined) throw new Error(`canonicalGraph: dangling node id ${frame.id}`);
    if (frame.next < node.args.length) {
      const arg = node.args[frame.next] ?? -1;
      frame.next += 1;
      if (!newId.has(arg)) stack.push({ id: arg, next: 0 });
      continue;
    }
    stack.pop();
    if (newId.has(frame.id)) continue;
    const id = out.length;
    newId.set(frame.id, id);
    out.push({ id, op: node.op, args: node.args.map((a) => newId.get(a) ?? -1), params: node.params, type: node.type });
  }
  return { nodes: out, root: newId.get(root) ?? 0, options };
}
