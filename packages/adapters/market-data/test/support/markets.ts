import type { MarketData } from '../../src/market-data.js';
import { generateSyntheticMarket, type SyntheticMarketOptions } from '../../src/synthetic/generate.js';

const cache = new Map<string, MarketData>();

/** A synthetic market generated once per option set and shared by the tests of one file (generation takes ~1 s). */
export function cachedMarket(options: SyntheticMarketOptions): MarketData {
  const key = JSON.stringify(options);
  let m = cache.get(key);
  if (m === undefined) {
    m = generateSyntheticMarket(options)._unsafeUnwrap();
    cache.set(key, m);
  }
  return m;
}

/** The values of a market field (tests only: the field must exist). */
export const fieldValues = (m: MarketData, key: string): Float64Array => (m.frame(key) as { values: Float64Array }).values;
