import { err, ok, type Result } from 'neverthrow';
import { engineError, type EngineError } from '../errors.js';
import { reindexFfill, sameGrid, validateFrame, type Frame } from '../frame.js';
import type { MarketFrames } from './evaluate.js';

/** Looks a field up and puts it on the grid (as-of) when it is on another one; cached per evaluation. */
export function fieldOn(market: MarketFrames, grid: Frame, key: string, cache: Map<string, Frame>): Result<Frame, EngineError> {
  const f = market.fields.get(key);
  if (f === undefined) {
    const known = market.fields.keys === undefined ? '' : ` (known: ${[...market.fields.keys()].slice(0, 20).join(', ')})`;
    return err(engineError('data_missing', `no market data for '${key}'${known}`));
  }
  if (sameGrid(f, grid)) return ok(f);
  const cached = cache.get(key);
  if (cached !== undefined) return ok(cached);
  return validateFrame(f, key).map((valid) => {
    const g = reindexFfill(valid, grid.dates, grid.symbols);
    cache.set(key, g);
    return g;
  });
}
