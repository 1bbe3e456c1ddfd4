import { fieldIndexOf, type CompileContext } from '../compile/context.js';

/**
 * The data a factor needs, by role, with the keys (FinLab and English spellings) that can provide it, in
 * order of preference. A factor is available on a market only if each of its roles resolves.
 */
export const DATA_ROLES = {
  close: ['price:close', 'price:收盤價', 'etl:adj_close', 'close'],
  high: ['price:high', 'price:最高價', 'etl:adj_high', 'high'],
  low: ['price:low', 'price:最低價', 'etl:adj_low', 'low'],
  volume: ['price:volume', 'price:成交股數', 'volume'],
  revenue: ['monthly_revenue:revenue', 'monthly_revenue:當月營收', 'revenue'],
  roe: ['fundamental_features:roe', 'fundamental_features:ROE稅後', 'fundamental_features:ROE綜合損益', 'roe'],
  pe: ['price_earning_ratio:pe', 'price_earning_ratio:本益比', 'pe'],
} as const satisfies Record<string, readonly string[]>;

export type DataRole = keyof typeof DATA_ROLES;

/** The canonical key that plays `role` on this market, or undefined. */
export function resolveRole(role: DataRole, context: CompileContext): string | undefined {
  const index = fieldIndexOf(context);
  for (const candidate of DATA_ROLES[role]) {
    const field = index.resolve(candidate);
    if (field !== undefined) return field.key;
  }
  return undefined;
}
