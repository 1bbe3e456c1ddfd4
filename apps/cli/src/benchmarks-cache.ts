import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureBenchmarks, type Benchmarks, type MarketData } from '@alphaloop/adapter-market-data';

/**
 * The oracle's and the template's Sharpe on a synthetic market, for the planted-edge ratio. They depend
 * only on the data, so they are measured once per data version and kept under `dir`.
 */
export function syntheticBenchmarks(market: MarketData, dir: string): Benchmarks | null {
  if (market.metadata.synthetic === null) return null;
  const file = join(dir, `benchmarks-${market.description.dataVersion}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Benchmarks;
  } catch {
    // not measured yet (or unreadable): measure below
  }
  const measured = measureBenchmarks(market);
  if (measured.isErr()) return null;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify(measured.value));
  } catch {
    // a read-only directory only costs the re-measurement next time
  }
  return measured.value;
}
