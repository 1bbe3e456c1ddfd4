import { declarationProblem } from '../compile/names.js';
import type { GraphNode } from '../graph/types.js';

const RESERVED_WORDS = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum',
  'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null',
  'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield',
  'let', 'static', 'implements', 'interface', 'package', 'private', 'protected', 'public', 'await', 'async',
  'of', 'get', 'set', 'position',
]);

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Deterministic variable names for the printer: data fields are named after their key (`price:adj_close` →
 * `adjClose`), shared sub-expressions after their operation and parameters (`average60`). Names never
 * affect the graph, so they never affect a strategy's id.
 */
export class NameAllocator {
  private readonly taken = new Set<string>();

  nameFor(node: GraphNode, aliases: readonly string[] = []): string {
    const base = node.op === 'data' ? dataName(String(node.params[0] ?? ''), aliases) : opName(node);
    return this.claim(base);
  }

  claim(base: string): string {
    let name = base;
    for (let suffix = 2; this.taken.has(name) || !usable(name); suffix += 1) name = `${base}${suffix}`;
    this.taken.add(name);
    return name;
  }
}

function usable(name: string): boolean {
  return IDENTIFIER.test(name) && !RESERVED_WORDS.has(name) && declarationProblem(name) === null;
}

const DATA_NAMES = new Map<string, string>();

/** The variable name for a data key (cached: keys repeat across every strategy of a run). */
function dataName(key: string, aliases: readonly string[]): string {
  if (aliases.length > 0) return computeDataName(key, aliases);
  let name = DATA_NAMES.get(key);
  if (name === undefined) {
    name = computeDataName(key, aliases);
    if (DATA_NAMES.size < 10_000) DATA_NAMES.set(key, name);
  }
  return name;
}

function computeDataName(key: string, aliases: readonly string[]): string {
  for (const candidate of [key, ...aliases]) {
    const last = candidate.slice(candidate.lastIndexOf(':') + 1);
    const camel = last.replace(/[^A-Za-z0-9]+([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '');
    if (camel.length > 0 && IDENTIFIER.test(camel)) return camel.charAt(0).toLowerCase() + camel.slice(1);
  }
  return 'field';
}

function opName(node: GraphNode): string {
  const params = node.params.map((p) => String(p).replace(/-/g, 'm').replace(/\./g, 'p').replace(/\+/g, '')).join('_');
  return `${node.op}${params}`;
}
