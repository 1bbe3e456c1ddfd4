import { fieldIndexOf, type CompileContext } from '../compile/context.js';
import { DATA_ROLES } from '../factors/data-roles.js';
import { withParams, type Edit } from './edit.js';
import type { MutationInput } from './operators.js';
import { pick, shuffled } from './random.js';

/**
 * Data fields that measure the same thing and can stand in for one another, by any spelling: the factor
 * library's roles (raw and adjusted prices, …) and two kinds it has no role for, the opening price and
 * monthly revenue growth (year over year, month over month: both percentage changes of the same revenue).
 */
const FIELD_KINDS: readonly (readonly string[])[] = [
  ...Object.values(DATA_ROLES),
  ['price:open', 'price:開盤價', 'etl:adj_open', 'open'],
  ['monthly_revenue:revenue_yoy', 'monthly_revenue:yoy', 'monthly_revenue:去年同月增減(%)',
    'monthly_revenue:revenue_mom', 'monthly_revenue:mom', 'monthly_revenue:上月比較增減(%)'],
];

/** The other fields of this market that measure what `key` does (canonical keys, in FIELD_KINDS order). */
export function fieldAlternatives(key: string, context: CompileContext): string[] {
  const index = fieldIndexOf(context);
  const out: string[] = [];
  for (const kind of FIELD_KINDS) {
    const keys = kind.map((name) => index.resolve(name)?.key).filter((k): k is string => k !== undefined);
    if (!keys.includes(key)) continue;
    for (const other of keys) if (other !== key && !out.includes(other)) out.push(other);
  }
  return out;
}

/** Replaces the field of one `data.get` by another field of the same kind; null when no field has an alternative. */
export function swapField(input: MutationInput): Edit | null {
  const { graph, kit, random } = input;
  for (const node of shuffled(random, graph.nodes.filter((n) => n.op === 'data'))) {
    const key = String(node.params[0]);
    const next = pick(random, fieldAlternatives(key, kit.context));
    if (next === undefined) continue;
    const edited = withParams(graph, node.id, [next]);
    if (edited !== null) return { graph: edited, description: `swapped data field ${key} for ${next}` };
  }
  return null;
}
