import { describe, expect, it } from 'vitest';
import type { MarketDataPort } from '../market-data.port.js';

/** The behaviour every market-data source must have. */
export function describeMarketDataContract(name: string, setup: () => Promise<MarketDataPort>): void {
  describe(`MarketDataPort contract: ${name}`, () => {
    it('describes its fields (unique keys and aliases) and a non-empty date range', async () => {
      const description = (await (await setup()).describe())._unsafeUnwrap();
      expect(description.fields.length).toBeGreaterThan(0);
      const keys = description.fields.flatMap((f) => [f.key, ...f.aliases]);
      expect(new Set(keys).size).toBe(keys.length);
      expect(description.fields.some((f) => f.key === 'price:close')).toBe(true);
      expect(description.dateCount).toBeGreaterThan(0);
      expect(description.symbolCount).toBeGreaterThan(0);
      expect(description.startDate <= description.endDate).toBe(true);
      expect(description.dataVersion.length).toBeGreaterThan(0);
    });
  });
}
