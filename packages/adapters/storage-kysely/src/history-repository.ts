import { errAsync, ResultAsync } from 'neverthrow';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Champion, IterationRecord } from '@alphaloop/domain';
import type {
  ChampionChange,
  ChampionConflict,
  ChampionRepository,
  HistoryPage,
  HistoryRepository,
  StorageError,
} from '@alphaloop/ports';
import { decodeChampion, decodeRecord, fromStoredJson, isStorableText, toStoredJson } from './record-codec.js';
import type { Database } from './schema.js';
import { toStorageError, type StorageLocation } from './storage-errors.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Thrown inside a transaction to roll it back; turned into the port's `ChampionConflict` outside. */
class ConflictSignal extends Error {
  constructor(readonly conflict: ChampionConflict) {
    super(conflict.message);
  }
}

/** Thrown inside a transaction for a value we refuse before touching the database. */
class RejectSignal extends Error {
  constructor(readonly error: StorageError) {
    super(error.message);
  }
}

function mapError(location: StorageLocation, operation: string) {
  return (e: unknown): StorageError | ChampionConflict => {
    if (e instanceof ConflictSignal) return e.conflict;
    if (e instanceof RejectSignal) return e.error;
    return toStorageError(e, location, operation);
  };
}

/** Validates a champion change before any write: wrong runs or version arithmetic are caller bugs. */
function checkChange(runId: string, expectedVersion: number, next: Champion): StorageError | null {
  if (!Number.isInteger(expectedVersion) || expectedVersion < 0) {
    return { kind: 'storage_failure', message: `invalid champion change: expectedVersion ${expectedVersion} is not a whole number ≥ 0` };
  }
  if (next.version !== expectedVersion + 1) {
    return { kind: 'storage_failure', message: `invalid champion change: next.version must be ${expectedVersion + 1}, got ${next.version}` };
  }
  if (next.runId !== runId) {
    return { kind: 'storage_failure', message: `invalid champion change: champion of run "${next.runId}" given for run "${runId}"` };
  }
  return null;
}

async function ensureRun(db: Db, runId: string): Promise<void> {
  await db.insertInto('runs').values({ run_id: runId, next_iteration: 0 }).onConflict((oc) => oc.column('run_id').doNothing()).execute();
}

async function storeStrategyOnce(db: Db, strategyId: string, code: string, source: string, lineage: StrategyLineage): Promise<void> {
  if (!isStorableText(code)) return;
  await db
    .insertInto('strategies')
    .values({ strategy_id: strategyId, code, graph: null, parent_id: lineage.parentId, operator: lineage.operator, generation: lineage.generation, source })
    .onConflict((oc) => oc.column('strategy_id').doNothing())
    .execute();
}

interface StrategyLineage {
  readonly parentId: string | null;
  readonly operator: string | null;
  readonly generation: number | null;
}

/**
 * Replaces the champion of `runId` if it is still at `expectedVersion` (0: none yet), and writes the
 * change to `champion_history`. Runs inside the caller's transaction; a stale version throws a
 * `ConflictSignal`, which rolls the transaction back.
 */
async function compareAndSetIn(trx: Transaction<Database>, runId: string, expectedVersion: number, next: Champion): Promise<void> {
  await ensureRun(trx, runId);
  const json = toStoredJson(next);
  const changed =
    expectedVersion === 0
      ? await trx
          .insertInto('champions')
          .values({ run_id: runId, version: next.version, strategy_id: next.strategyId, iteration: next.iteration, champion: json })
          .onConflict((oc) => oc.column('run_id').doNothing())
          .executeTakeFirst()
      : await trx
          .updateTable('champions')
          .set({ version: next.version, strategy_id: next.strategyId, iteration: next.iteration, champion: json, updated_at: sql`now()` })
          .where('run_id', '=', runId)
          .where('version', '=', expectedVersion)
          .executeTakeFirst();
  const count = 'numInsertedOrUpdatedRows' in changed ? changed.numInsertedOrUpdatedRows : changed.numUpdatedRows;
  if (count !== 1n) {
    const row = await trx.selectFrom('champions').select('version').where('run_id', '=', runId).executeTakeFirst();
    const actualVersion = row?.version ?? 0;
    throw new ConflictSignal({
      kind: 'champion_conflict',
      message: `the champion of run "${runId}" is at version ${actualVersion}, not ${expectedVersion}: another writer replaced it — re-read it and decide again`,
      expectedVersion,
      actualVersion,
    });
  }
  await trx
    .insertInto('champion_history')
    .values({ run_id: runId, version: next.version, strategy_id: next.strategyId, iteration: next.iteration, champion: json })
    .execute();
  await storeStrategyOnce(trx, next.strategyId, next.code, next.source, { parentId: null, operator: null, generation: null });
}

/** JSON casts go through `sql` so both drivers send text and PostgreSQL parses it once. */
function jsonb(text: string) {
  return sql<unknown>`cast(${text} as jsonb)`;
}

/**
 * Appends one record in a single statement: the strategy (once), the run's counter (so numbers given
 * by an import are never handed out again) and the record. When the record's code is stored in
 * `strategies`, the record JSON leaves it out; the statement then inserts only if the stored code is
 * this code (else it inserts nothing and we store the code inline instead). Returns rows inserted.
 */
async function insertRecord(db: Db, record: IterationRecord, dedupe: boolean): Promise<bigint> {
  const { strategyCode: code, ...withoutCode } = record;
  const json = toStoredJson(dedupe ? withoutCode : record);
  const sid = record.strategyId;
  // Only text PostgreSQL can hold goes into text parameters (U+0000 is refused even where unused).
  const strategyCode = dedupe ? code : null;
  const result = await sql`
    with s as (
      insert into strategies (strategy_id, code, parent_id, operator, generation, source)
      select cast(${sid} as text), cast(${strategyCode} as text), cast(${record.parentId} as text), cast(${record.mutationOperator} as text),
             cast(${record.generation} as integer), cast(${record.source} as text)
      where cast(${dedupe} as boolean)
      on conflict (strategy_id) do nothing
      returning code
    ), r as (
      insert into runs (run_id, next_iteration) values (cast(${record.runId} as text), cast(${record.iteration + 1} as integer))
      on conflict (run_id) do update set next_iteration = excluded.next_iteration
      where runs.next_iteration < excluded.next_iteration
    )
    insert into iterations (run_id, iteration, source, level, strategy_id, champion_updated, record)
    select cast(${record.runId} as text), cast(${record.iteration} as integer), cast(${record.source} as text), cast(${record.level} as smallint),
           cast(${sid} as text), cast(${record.championUpdated} as boolean), ${jsonb(json)}
    where not cast(${dedupe} as boolean)
       or coalesce((select code from s), (select code from strategies where strategy_id = cast(${sid} as text))) = cast(${strategyCode} as text)
  `.execute(db);
  return result.numAffectedRows ?? 0n;
}

async function appendIn(db: Db, record: IterationRecord): Promise<void> {
  const dedupe = record.strategyId !== null && record.strategyCode !== null && isStorableText(record.strategyCode) && isStorableText(record.strategyId);
  if ((await insertRecord(db, record, dedupe)) === 1n) return;
  // The strategy id is stored with other code (or was inserted concurrently): keep this code inline.
  if (!dedupe || (await insertRecord(db, record, false)) !== 1n) {
    throw new Error(`iteration ${record.iteration} of run "${record.runId}" was not stored`);
  }
}

function checkRecord(record: IterationRecord): StorageError | null {
  if (!Number.isInteger(record.iteration) || record.iteration < 0) {
    return { kind: 'storage_failure', message: `invalid record: iteration ${record.iteration} is not a whole number ≥ 0` };
  }
  return null;
}

interface Row {
  readonly record: unknown;
  readonly code: string | null;
}

function toRecord(row: Row): IterationRecord | string {
  let value = fromStoredJson(row.record);
  if (typeof value === 'object' && value !== null && !Object.hasOwn(value, 'strategyCode')) {
    if (row.code === null) return 'record refers to a strategy that is not stored';
    value = { ...value, strategyCode: row.code };
  }
  const decoded = decodeRecord(value);
  return decoded.isOk() ? decoded.value : decoded.error;
}

/** The history port on Kysely: PGlite or PostgreSQL, the same SQL. */
export class KyselyHistoryRepository implements HistoryRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly location: StorageLocation,
  ) {}

  allocateIteration(runId: string): ResultAsync<number, StorageError> {
    // One statement: creates the run at 1 (handing out 0) or bumps its counter, under the row lock.
    const query = this.db
      .insertInto('runs')
      .values({ run_id: runId, next_iteration: 1 })
      .onConflict((oc) => oc.column('run_id').doUpdateSet({ next_iteration: sql`runs.next_iteration + 1` }))
      .returning(sql<number>`next_iteration - 1`.as('iteration'))
      .executeTakeFirstOrThrow();
    return ResultAsync.fromPromise(query, (e) => toStorageError(e, this.location, `allocate an iteration of run "${runId}"`)).map((row) =>
      Number(row.iteration),
    );
  }

  append(record: IterationRecord, championChange?: ChampionChange): ResultAsync<void, StorageError | ChampionConflict> {
    const invalid = checkRecord(record) ?? (championChange ? checkChange(record.runId, championChange.expectedVersion, championChange.next) : null);
    if (invalid) return errAsync(invalid);
    const operation = `append iteration ${record.iteration} of run "${record.runId}"`;
    const work = championChange
      ? this.db.transaction().execute(async (trx) => {
          await compareAndSetIn(trx, record.runId, championChange.expectedVersion, championChange.next);
          await appendIn(trx, record);
        })
      : appendIn(this.db, record);
    return ResultAsync.fromPromise(work, mapError(this.location, operation));
  }

  recent(runId: string, n: number): ResultAsync<readonly IterationRecord[], StorageError> {
    const limit = Math.max(0, Math.floor(n));
    return this.select(runId, `read the last ${limit} records of run "${runId}"`, (q) => q.orderBy('i.iteration', 'desc').limit(limit)).map((records) =>
      [...records].reverse(),
    );
  }

  page(runId: string, page: HistoryPage): ResultAsync<readonly IterationRecord[], StorageError> {
    const offset = Math.max(0, Math.floor(page.offset));
    const limit = Math.max(0, Math.floor(page.limit));
    return this.select(runId, `read records ${offset}+${limit} of run "${runId}"`, (q) => q.orderBy('i.iteration', 'asc').offset(offset).limit(limit));
  }

  count(runId: string): ResultAsync<number, StorageError> {
    const query = this.db
      .selectFrom('iterations')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('run_id', '=', runId)
      .executeTakeFirstOrThrow();
    return ResultAsync.fromPromise(query, (e) => toStorageError(e, this.location, `count the records of run "${runId}"`)).map((row) => Number(row.n));
  }

  private select(
    runId: string,
    operation: string,
    shape: (q: ReturnType<KyselyHistoryRepository['baseQuery']>) => ReturnType<KyselyHistoryRepository['baseQuery']>,
  ): ResultAsync<readonly IterationRecord[], StorageError> {
    const query = shape(this.baseQuery(runId)).execute();
    return ResultAsync.fromPromise(query, (e) => toStorageError(e, this.location, operation)).andThen((rows) => {
      const records: IterationRecord[] = [];
      for (const row of rows) {
        const decoded = toRecord(row);
        if (typeof decoded === 'string') {
          return errAsync<readonly IterationRecord[], StorageError>({
            kind: 'storage_corrupt_row',
            message: `${operation}: iteration ${row.iteration} is corrupt (${decoded})`,
          });
        }
        records.push(decoded);
      }
      return ResultAsync.fromSafePromise(Promise.resolve(records));
    });
  }

  private baseQuery(runId: string) {
    return this.db
      .selectFrom('iterations as i')
      .leftJoin('strategies as s', 's.strategy_id', 'i.strategy_id')
      .select(['i.iteration', 'i.record', 's.code'])
      .where('i.run_id', '=', runId);
  }
}

/** The champion port: the current champion per run, replaced only by compare-and-set on its version. */
export class KyselyChampionRepository implements ChampionRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly location: StorageLocation,
  ) {}

  get(runId: string): ResultAsync<Champion | null, StorageError> {
    const operation = `read the champion of run "${runId}"`;
    const query = this.db.selectFrom('champions').select('champion').where('run_id', '=', runId).executeTakeFirst();
    return ResultAsync.fromPromise(query, (e) => toStorageError(e, this.location, operation)).andThen((row) => {
      if (row === undefined) return ResultAsync.fromSafePromise(Promise.resolve(null));
      const decoded = decodeChampion(fromStoredJson(row.champion));
      return decoded.isOk()
        ? ResultAsync.fromSafePromise(Promise.resolve<Champion | null>(decoded.value))
        : errAsync<Champion | null, StorageError>({ kind: 'storage_corrupt_row', message: `${operation}: ${decoded.error}` });
    });
  }

  compareAndSet(runId: string, expectedVersion: number, next: Champion): ResultAsync<void, StorageError | ChampionConflict> {
    const invalid = checkChange(runId, expectedVersion, next);
    if (invalid) return errAsync(invalid);
    const work = this.db.transaction().execute((trx) => compareAndSetIn(trx, runId, expectedVersion, next));
    return ResultAsync.fromPromise(work, mapError(this.location, `replace the champion of run "${runId}" (version ${expectedVersion} → ${next.version})`));
  }

  /** Every champion the run has had, oldest first (not part of the port; for reports and tests). */
  history(runId: string): ResultAsync<readonly Champion[], StorageError> {
    const operation = `read the champion history of run "${runId}"`;
    const query = this.db.selectFrom('champion_history').select('champion').where('run_id', '=', runId).orderBy('version', 'asc').execute();
    return ResultAsync.fromPromise(query, (e) => toStorageError(e, this.location, operation)).andThen((rows) => {
      const out: Champion[] = [];
      for (const row of rows) {
        const decoded = decodeChampion(fromStoredJson(row.champion));
        if (decoded.isErr()) return errAsync<readonly Champion[], StorageError>({ kind: 'storage_corrupt_row', message: `${operation}: ${decoded.error}` });
        out.push(decoded.value);
      }
      return ResultAsync.fromSafePromise(Promise.resolve(out));
    });
  }
}
