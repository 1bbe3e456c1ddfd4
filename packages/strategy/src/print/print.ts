import { keyed } from '../support/keyed.js';
import { operationSpec } from '../catalogue/operations.js';
import { DEFAULT_SIM_OPTIONS, SIM_OPTION_SPECS } from '../catalogue/sim-options.js';
import type { FactorGraph, GraphNode, NodeId, ParamValue } from '../graph/types.js';
import { NameAllocator } from './names.js';

/** JavaScript precedence of what the printer emits (higher binds tighter). */
const PRECEDENCE = keyed<number>({
  or: 3, and: 4, eq: 8, ne: 8, gt: 9, ge: 9, lt: 9, le: 9, add: 11, sub: 11, mul: 12, div: 12, neg: 14, not: 14,
});
const SYMBOL = keyed<string>({
  or: '||', and: '&&', eq: '==', ne: '!=', gt: '>', ge: '>=', lt: '<', le: '<=', add: '+', sub: '-', mul: '*', div: '/',
});
const PRIMARY = 17;

/**
 * Prints a graph as canonical strategy source: data fields and every sub-expression used more than once
 * become const declarations (in graph order), everything else is inlined with minimal parentheses, and
 * `sim` lists only options that differ from the defaults. Compiling the output gives back the same graph.
 */
export function printStrategy(graph: FactorGraph): string {
  const { nodes } = graph;
  const uses = new Uint16Array(nodes.length);
  for (const node of nodes) for (const arg of node.args) uses[arg] = (uses[arg] ?? 0) + 1;

  const names: (string | undefined)[] = new Array<string | undefined>(nodes.length);
  const allocator = new NameAllocator();
  allocator.claim('position');
  const lines: string[] = [];
  for (const node of nodes) {
    if (node.id === graph.root || node.op === 'const') continue;
    if (node.op === 'data' || (uses[node.id] ?? 0) >= 2) {
      const name = allocator.nameFor(node);
      lines.push(`const ${name} = ${printNode(nodes, names, node).text};`);
      names[node.id] = name;
    }
  }
  const root = nodes[graph.root];
  if (root !== undefined) lines.push(`const position = ${printNode(nodes, names, root).text};`);
  lines.push(`return sim(position${printOptions(graph)});`);
  return `${lines.join('\n')}\n`;
}

/** Inline expressions longer than this (in nodes, shared ones counted at every use) are not printed. */
const MAX_INLINE_NODES = 400;

/**
 * A single expression (no declarations), every data field inline: used to recognise factors. Inlining a
 * DAG repeats shared sub-expressions, which can grow exponentially (`b = a + a; c = b + b; …`), so an
 * expression of more than MAX_INLINE_NODES inlined nodes gives '' instead.
 */
export function printExpression(graph: FactorGraph, id: NodeId): string {
  const node = graph.nodes[id];
  if (node === undefined || inlineSize(graph, id) > MAX_INLINE_NODES) return '';
  return printNode(graph.nodes, [], node).text;
}

/** Nodes in the fully inlined tree of `id`, saturating just above the limit. */
function inlineSize(graph: FactorGraph, id: NodeId): number {
  const sizes = new Array<number>(id + 1).fill(0);
  for (let i = 0; i <= id; i += 1) {
    let size = 1;
    for (const arg of graph.nodes[i]?.args ?? []) size = Math.min(MAX_INLINE_NODES + 1, size + (sizes[arg] ?? 0));
    sizes[i] = size;
  }
  return sizes[id] ?? 0;
}

interface Printed {
  readonly text: string;
  readonly precedence: number;
}

function reference(nodes: readonly GraphNode[], names: readonly (string | undefined)[], id: NodeId): Printed {
  const name = names[id];
  if (name !== undefined) return { text: name, precedence: PRIMARY };
  const node = nodes[id];
  return node === undefined ? { text: '?', precedence: PRIMARY } : printNode(nodes, names, node);
}

function printNode(nodes: readonly GraphNode[], names: readonly (string | undefined)[], node: GraphNode): Printed {
  const arg = (i: number): Printed => reference(nodes, names, node.args[i] ?? -1);
  const op = node.op;
  if (op === 'const') {
    const value = Number(node.params[0] ?? 0);
    return { text: formatNumber(value), precedence: value < 0 ? 14 : PRIMARY };
  }
  if (op === 'data') return { text: `data.get(${quote(String(node.params[0] ?? ''))})`, precedence: PRIMARY };
  const precedence = PRECEDENCE[op];
  if (precedence !== undefined && node.args.length === 1) {
    const operand = arg(0);
    let text = operand.precedence < precedence ? `(${operand.text})` : operand.text;
    if (op === 'neg' && text.startsWith('-')) text = `(${text})`;
    return { text: `${op === 'neg' ? '-' : '!'}${text}`, precedence };
  }
  if (precedence !== undefined) {
    const left = arg(0);
    const right = arg(1);
    const l = left.precedence < precedence ? `(${left.text})` : left.text;
    const r = right.precedence <= precedence ? `(${right.text})` : right.text;
    return { text: `${l} ${SYMBOL[op] ?? op} ${r}`, precedence };
  }
  const spec = operationSpec(op);
  const receiver = arg(0);
  const target = receiver.precedence < PRIMARY ? `(${receiver.text})` : receiver.text;
  const params = node.params.map(formatParam);
  const frameArgs = node.args.slice(1).map((_, i) => arg(i + 1).text);
  if (spec?.chain === 'rolling') return { text: `${target}.rolling(${params[0] ?? ''}).${spec.method ?? op}(${frameArgs.join(', ')})`, precedence: PRIMARY };
  if (op === 'holdUntil') {
    const parts = [arg(1).text, ...params];
    if (node.args.length > 2) parts.push(arg(2).text);
    return { text: `${target}.holdUntil(${parts.join(', ')})`, precedence: PRIMARY };
  }
  return { text: `${target}.${spec?.method ?? op}(${[...frameArgs, ...params].join(', ')})`, precedence: PRIMARY };
}

function printOptions(graph: FactorGraph): string {
  const parts: string[] = [];
  for (const spec of SIM_OPTION_SPECS) {
    const value = graph.options[spec.name];
    if (value === DEFAULT_SIM_OPTIONS[spec.name]) continue;
    parts.push(`${spec.name}: ${typeof value === 'string' ? quote(value) : typeof value === 'number' ? formatNumber(value) : String(value)}`);
  }
  return parts.length === 0 ? '' : `, { ${parts.join(', ')} }`;
}

function formatParam(value: ParamValue): string {
  return typeof value === 'number' ? formatNumber(value) : quote(value);
}

function formatNumber(value: number): string {
  return Object.is(value, -0) ? '0' : String(value);
}

/** A single-quoted JavaScript string literal. */
export function quote(text: string): string {
  return `'${JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}
