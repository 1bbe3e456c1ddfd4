import type { ResultAsync } from 'neverthrow';

export interface FieldDescription {
  /** The key strategies use: `data.get('price:close')`. */
  readonly key: string;
  /** Other accepted keys, e.g. FinLab's `price:收盤價`. */
  readonly aliases: readonly string[];
  readonly description: string;
  /** `daily` fields have a value per trading day; others are forward-filled from publication days. */
  readonly frequency: 'daily' | 'monthly' | 'quarterly' | 'static';
}

export interface MarketDataDescription {
  readonly name: string;
  /** Changes whenever the data changes: part of the backtest cache key. */
  readonly dataVersion: string;
  readonly fields: readonly FieldDescription[];
  readonly startDate: string;
  readonly endDate: string;
  readonly dateCount: number;
  readonly symbolCount: number;
}

export type MarketDataError =
  | { readonly kind: 'market_data_unavailable'; readonly message: string }
  | { readonly kind: 'market_data_malformed'; readonly message: string; readonly file?: string; readonly line?: number };

export interface MarketDataPort {
  describe(): ResultAsync<MarketDataDescription, MarketDataError>;
}
