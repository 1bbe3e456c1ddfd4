import type { FieldDescription } from '@alphaloop/ports';

/**
 * The fields this adapter knows: canonical English keys (what the strategy language prints), FinLab's keys
 * as aliases, a description and a frequency. Aliases are unique across fields and never equal another
 * field's key. Loaded data may carry other fields too (unknown FinLab keys are kept under their own name).
 */
export interface FieldSpec extends FieldDescription {
  /** Short column names accepted in long CSV / Parquet files (`close`, `adj_close`, …). */
  readonly columns: readonly string[];
}

export const INDUSTRY_KEY = 'security_categories:industry';

export const FIELD_CATALOGUE: readonly FieldSpec[] = [
  { key: 'price:open', aliases: ['price:開盤價'], columns: ['open'], frequency: 'daily', description: 'opening price (raw, NTD)' },
  { key: 'price:high', aliases: ['price:最高價'], columns: ['high'], frequency: 'daily', description: 'highest price of the day (raw)' },
  { key: 'price:low', aliases: ['price:最低價'], columns: ['low'], frequency: 'daily', description: 'lowest price of the day (raw)' },
  { key: 'price:close', aliases: ['price:收盤價'], columns: ['close'], frequency: 'daily', description: 'closing price (raw); NaN when suspended or not listed' },
  { key: 'price:volume', aliases: ['price:成交股數'], columns: ['volume'], frequency: 'daily', description: 'traded shares (1 lot = 1000 shares)' },
  { key: 'price:turnover', aliases: ['price:成交金額'], columns: ['turnover', 'amount', 'value'], frequency: 'daily', description: 'traded value (NTD)' },
  { key: 'etl:adj_open', aliases: [], columns: ['adj_open'], frequency: 'daily', description: 'adjusted opening price (what sim trades on)' },
  { key: 'etl:adj_high', aliases: [], columns: ['adj_high'], frequency: 'daily', description: 'adjusted high' },
  { key: 'etl:adj_low', aliases: [], columns: ['adj_low'], frequency: 'daily', description: 'adjusted low' },
  { key: 'etl:adj_close', aliases: [], columns: ['adj_close'], frequency: 'daily', description: 'adjusted (dividends, splits) closing price (what sim trades on)' },
  { key: 'etl:market_value', aliases: [], columns: ['market_value', 'market_cap'], frequency: 'daily', description: 'market capitalisation (NTD)' },
  { key: 'price_earning_ratio:pe', aliases: ['price_earning_ratio:本益比'], columns: ['pe'], frequency: 'daily', description: 'price / trailing-twelve-month earnings per share; NaN when earnings ≤ 0' },
  { key: 'price_earning_ratio:pb', aliases: ['price_earning_ratio:股價淨值比'], columns: ['pb'], frequency: 'daily', description: 'price / book value per share' },
  { key: 'monthly_revenue:revenue', aliases: ['monthly_revenue:當月營收'], columns: ['revenue'], frequency: 'monthly',
    description: 'monthly revenue (thousand NTD), dated on its publication day: the 10th of the following month' },
  { key: 'monthly_revenue:revenue_yoy', aliases: ['monthly_revenue:去年同月增減(%)', 'monthly_revenue:yoy'], columns: ['revenue_yoy'], frequency: 'monthly',
    description: 'monthly revenue change from the same month a year earlier (%), dated on its publication day' },
  { key: 'monthly_revenue:revenue_mom', aliases: ['monthly_revenue:上月比較增減(%)', 'monthly_revenue:mom'], columns: ['revenue_mom'], frequency: 'monthly',
    description: 'monthly revenue change from the previous month (%), dated on its publication day' },
  { key: INDUSTRY_KEY, aliases: ['security_categories:category'], columns: ['industry'], frequency: 'static',
    description: 'industry code (0-based index into the market metadata industry names, sorted by name); one row, forward-filled' },
];

/**
 * The fields that are prices, raw and adjusted (FinLab's spellings resolve to these keys): a value must be > 0,
 * a missing price is NaN (an empty cell). Not volume, turnover, market value, ratios or growth rates: volume may
 * be 0, and `revenue_yoy`, `roe`, returns and other fields may be negative.
 */
export const PRICE_KEYS: ReadonlySet<string> = new Set([
  'price:open', 'price:high', 'price:low', 'price:close', 'etl:adj_open', 'etl:adj_high', 'etl:adj_low', 'etl:adj_close',
]);

const BY_NAME: ReadonlyMap<string, FieldSpec> = (() => {
  const map = new Map<string, FieldSpec>();
  for (const f of FIELD_CATALOGUE) for (const alias of f.aliases) map.set(alias, f);
  for (const f of FIELD_CATALOGUE) map.set(f.key, f);
  return map;
})();

const BY_COLUMN: ReadonlyMap<string, FieldSpec> = new Map(FIELD_CATALOGUE.flatMap((f) => f.columns.map((c) => [c, f] as const)));

/** The catalogue entry for a key or alias (`price:收盤價` → `price:close`). */
export function fieldSpecOf(name: string): FieldSpec | undefined {
  return BY_NAME.get(name);
}

/** The fields that count or sum something traded or held (shares, value, capitalisation): a value must be ≥ 0. */
export const COUNT_KEYS: ReadonlySet<string> = new Set(['price:volume', 'price:turnover', 'etl:market_value']);

/** Whether a key or alias is a price (`price:收盤價`, `etl:adj_close`, …): values must be > 0. */
export function isPriceField(name: string): boolean {
  return PRICE_KEYS.has(BY_NAME.get(name)?.key ?? name);
}

/** Which values a field may hold besides missing ones: prices > 0, counts (volume, turnover, market value) ≥ 0, others any finite number. */
export type ValueDomain = 'positive' | 'non-negative' | 'any';

export function valueDomainOf(name: string): ValueDomain {
  const key = BY_NAME.get(name)?.key ?? name;
  return PRICE_KEYS.has(key) ? 'positive' : COUNT_KEYS.has(key) ? 'non-negative' : 'any';
}

/** The canonical key for a long-format column name (`close`, `Close`, `price:收盤價`), or the name itself when unknown. */
export function keyOfColumn(column: string): string {
  const trimmed = column.trim();
  return BY_NAME.get(trimmed)?.key ?? BY_COLUMN.get(trimmed.toLowerCase())?.key ?? trimmed;
}

/** Which table a key belongs to (`monthly_revenue:當月營收` → `monthly_revenue`). */
const tableOf = (key: string): string => key.slice(0, Math.max(0, key.indexOf(':')));

/** Description of a field that is not in the catalogue (kept under its own key, nothing dropped). */
export function describeUnknownField(key: string): FieldDescription {
  const table = tableOf(key);
  const frequency: FieldDescription['frequency'] =
    table === 'monthly_revenue' ? 'monthly' : table === 'financial_statement' || table === 'fundamental_features' ? 'quarterly' : 'daily';
  return { key, aliases: [], description: `${key} (loaded as given; not a field this adapter generates)`, frequency };
}

/** File name (without `.csv`) for a key: `price:close` → `price__close`. Portable (no `:`). */
export function fileStemOfKey(key: string): string {
  return key.replace(':', '__');
}

/** The key a wide-CSV file holds: `price__close.csv` or `price:收盤價.csv` → the canonical key when known. */
export function keyOfFileStem(stem: string): string {
  const raw = stem.includes(':') ? stem : stem.includes('__') ? stem.replace('__', ':') : stem;
  return BY_NAME.get(raw)?.key ?? raw;
}
