import { createHash } from 'node:crypto';
import { ResultAsync } from 'neverthrow';
import { sql, type Kysely } from 'kysely';
import type { BacktestOutcome, StorageError } from '@alphaloop/ports';
import { decodeOutcome, encodeOutcome, fromStoredJson, toStoredJson } from './record-codec.js';
import type { Database } from './schema.js';
import { toStorageError, type StorageLocation } from './storage-errors.js';

/** What a backtest result depends on: the strategy, the data, and the simulation options. */
export interface BacktestCacheKey {
  readonly strategyId: string;
  readonly dataVersion: string;
  readonly simOptions: unknown;
}

/** JSON with object keys sorted, so equal options give equal text whatever order they were written in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export const optionsHash = (simOptions: unknown): string => createHash('sha256').update(canonicalJson(simOptions)).digest('hex');

/** Backtest results keyed by (strategy id, data version, simulation options). */
export class KyselyBacktestCache {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly location: StorageLocation,
  ) {}

  /**
   * The stored outcome, or `null` on a miss. A damaged entry, or one stored before outcomes had folds, costs, daily
   * returns and traits, counts as a miss.
   */
  get(key: BacktestCacheKey): ResultAsync<BacktestOutcome | null, StorageError> {
    const query = this.db
      .selectFrom('backtest_cache')
      .select('outcome')
      .where('strategy_id', '=', key.strategyId)
      .where('data_version', '=', key.dataVersion)
      .where('options_hash', '=', optionsHash(key.simOptions))
      .executeTakeFirst();
    return ResultAsync.fromPromise(query, (e) => toStorageError(e, this.location, `read the backtest cache for ${key.strategyId}`)).map((row) =>
      row === undefined ? null : decodeOutcome(fromStoredJson(row.outcome)).unwrapOr(null),
    );
  }

  /**
   * Stores an outcome; the first one stored for a key wins (results are deterministic) — except over an entry
   * stored before outcomes had traits (and costs, folds), which `get` counts as a miss: that one is replaced.
   */
  put(key: BacktestCacheKey, outcome: BacktestOutcome): ResultAsync<void, StorageError> {
    const query = this.db
      .insertInto('backtest_cache')
      .values({
        strategy_id: key.strategyId,
        data_version: key.dataVersion,
        options_hash: optionsHash(key.simOptions),
        options: toStoredJson(JSON.parse(canonicalJson(key.simOptions)) as unknown),
        outcome: toStoredJson(encodeOutcome(outcome)),
      })
      .onConflict((oc) =>
        oc
          .columns(['strategy_id', 'data_version', 'options_hash'])
          .doUpdateSet({ outcome: (eb) => eb.ref('excluded.outcome') })
          .where(sql<boolean>`not (backtest_cache.outcome ? 'traits' or backtest_cache.outcome ? '$alphaloopJson')`),
      )
      .execute();
    return ResultAsync.fromPromise(query, (e) => toStorageError(e, this.location, `store a backtest result for ${key.strategyId}`)).map(() => undefined);
  }
}
