import { sql, type Kysely } from 'kysely';
import { ResultAsync } from 'neverthrow';
import type { StorageError } from '@alphaloop/ports';
import { decodeChampion, fromStoredJson } from './record-codec.js';
import type { Database } from './schema.js';
import { toStorageError, type StorageLocation } from './storage-errors.js';

export interface RunSummary {
  readonly runId: string;
  /** Iteration records stored. */
  readonly iterations: number;
  readonly lastIteration: number | null;
  readonly championSharpe: number | null;
  readonly championStrategyId: string | null;
  /** ISO time the run was created. */
  readonly createdAt: string;
}

/** The runs in a database, for `alphaloop runs`. */
export class KyselyRunCatalog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly location: StorageLocation,
  ) {}

  list(): ResultAsync<readonly RunSummary[], StorageError> {
    const query = this.db
      .selectFrom('runs as r')
      .leftJoin('champions as c', 'c.run_id', 'r.run_id')
      .select([
        'r.run_id',
        'r.created_at',
        'c.champion',
        sql<number>`(select count(*)::int from iterations i where i.run_id = r.run_id)`.as('iterations'),
        sql<number | null>`(select max(i.iteration) from iterations i where i.run_id = r.run_id)`.as('last_iteration'),
      ])
      .orderBy('r.created_at', 'asc')
      .orderBy('r.run_id', 'asc')
      .execute();
    return ResultAsync.fromPromise(query, (e) => toStorageError(e, this.location, 'list the runs')).map((rows) =>
      rows.map((row) => {
        const champion = row.champion === null ? null : decodeChampion(fromStoredJson(row.champion));
        const decoded = champion?.isOk() ? champion.value : null;
        return {
          runId: row.run_id,
          iterations: Number(row.iterations),
          lastIteration: row.last_iteration === null ? null : Number(row.last_iteration),
          championSharpe: decoded?.metrics.sharpe ?? null,
          championStrategyId: decoded?.strategyId ?? null,
          createdAt: new Date(row.created_at).toISOString(),
        };
      }),
    );
  }
}
