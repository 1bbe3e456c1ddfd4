import type { CompileContext, FieldInfo } from '../../src/compile/context.js';

/** A Taiwan-style market description for tests: English keys with FinLab's Chinese names as aliases. */
export const TEST_FIELDS: readonly FieldInfo[] = [
  { key: 'price:close', aliases: ['price:收盤價'], description: 'close' },
  { key: 'price:open', aliases: ['price:開盤價'] },
  { key: 'price:high', aliases: ['price:最高價'] },
  { key: 'price:low', aliases: ['price:最低價'] },
  { key: 'price:volume', aliases: ['price:成交股數'], description: 'volume in shares' },
  { key: 'price:turnover', aliases: ['price:成交金額'] },
  { key: 'etl:adj_close', aliases: [] },
  { key: 'etl:market_value', aliases: [] },
  { key: 'price_earning_ratio:pe', aliases: ['price_earning_ratio:本益比'] },
  { key: 'price_earning_ratio:pb', aliases: ['price_earning_ratio:股價淨值比'] },
  { key: 'price_earning_ratio:dividend_yield', aliases: ['price_earning_ratio:殖利率(%)'] },
  { key: 'monthly_revenue:revenue', aliases: ['monthly_revenue:當月營收'] },
  { key: 'monthly_revenue:yoy', aliases: ['monthly_revenue:去年同月增減(%)'] },
  { key: 'monthly_revenue:mom', aliases: ['monthly_revenue:上月比較增減(%)'] },
  { key: 'fundamental_features:roe', aliases: ['fundamental_features:ROE稅後', 'fundamental_features:ROE綜合損益'] },
  { key: 'fundamental_features:eps', aliases: ['fundamental_features:每股稅後淨利'] },
  { key: 'fundamental_features:operating_margin', aliases: ['fundamental_features:營業利益率'] },
];

export const TEST_CONTEXT: CompileContext = { fields: TEST_FIELDS, dateCount: 2500 };
