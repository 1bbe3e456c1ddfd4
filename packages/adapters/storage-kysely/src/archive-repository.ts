import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { sql, type Kysely } from 'kysely';
import type { ArchiveElite } from '@alphaloop/domain';
import type { ArchiveRepository, StorageError } from '@alphaloop/ports';
import { decodeElite, fromStoredJson } from './record-codec.js';
import type { Database } from './schema.js';
import { toStorageError, type StorageLocation } from './storage-errors.js';

/**
 * The archive port on Kysely: reads `archive_cells` (migration 0003). It is written only by
 * `KyselyHistoryRepository.append`, together with the record of the iteration that changed it.
 */
export class KyselyArchiveRepository implements ArchiveRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly location: StorageLocation,
  ) {}

  /**
   * Every elite of the run by cell key ascending — in code-point order (`collate "C"`), the order in which the domain
   * compares cell keys, whatever collation the database was created with. A damaged row is `storage_corrupt_row`
   * naming the run and the cell.
   */
  load(runId: string): ResultAsync<readonly ArchiveElite[], StorageError> {
    const operation = `read the archive of run "${runId}"`;
    const query = this.db
      .selectFrom('archive_cells')
      .select(['cell', 'strategy_id', 'children', 'elite', 'daily_returns'])
      .where('run_id', '=', runId)
      .orderBy(sql`cell collate "C"`, 'asc')
      .execute();
    return ResultAsync.fromPromise(query, (e) => toStorageError(e, this.location, operation)).andThen((rows) => {
      const elites: ArchiveElite[] = [];
      for (const row of rows) {
        const decoded = decodeElite(fromStoredJson(row.elite), row.children, row.daily_returns);
        const problem = decoded.match(
          (elite) =>
            elite.cell === row.cell && elite.strategyId === row.strategy_id
              ? null
              : `its elite is ${elite.strategyId} of cell "${elite.cell}", but the row is ${row.strategy_id} of cell "${row.cell}"`,
          (why) => why,
        );
        if (problem !== null || decoded.isErr()) {
          return errAsync<readonly ArchiveElite[], StorageError>({ kind: 'storage_corrupt_row', message: `${operation}: cell "${row.cell}" is corrupt (${problem})` });
        }
        elites.push(decoded.value);
      }
      return okAsync<readonly ArchiveElite[], StorageError>(elites);
    });
  }
}
