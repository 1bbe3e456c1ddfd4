import { errAsync, ResultAsync } from 'neverthrow';
import { sql, type Kysely } from 'kysely';
import type { Champion, IterationRecord } from '@alphaloop/domain';
import type {
  ChampionChange,
  ChampionConflict,
  ChampionRepository,
  HistoryPage,
  HistoryRepository,
  StorageError,
} from '@alphaloop/ports';
import { decodeChampion, decodeRecord, fromStoredJson, isStorableText, storedJson, toStoredJson } from './record-codec.js';
import type { Database } from './schema.js';
import { toStorageError, type StorageLocation } from './storage-errors.js';

/** Thrown inside the write to turn "nothing changed" into the port's `ChampionConflict` outside. */
class ConflictSignal extends Error {
  constructor(readonly conflict: ChampionConflict) {
    super(conflict.message);
  }
}

function mapError(location: StorageLocation, operation: string) {
  return (e: unknown): StorageError | ChampionConflict => (e instanceof ConflictSignal ? e.conflict : toStorageError(e, location, operation));
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

// Typed parameters: every value is cast, so PostgreSQL never has to guess a type (both drivers send text).
const text = (v: string | null) => sql<string>`cast(${v} as text)`;
const int = (v: number | null) => sql<number>`cast(${v} as integer)`;
const bool = (v: boolean) => sql<boolean>`cast(${v} as boolean)`;
const jsonb = (v: string) => sql<unknown>`cast(${v} as jsonb)`;

/**
 * The champion compare-and-set as a CTE named `c` that returns the new version when it applied and
 * nothing when the stored version was not `expectedVersion`, plus its history row (CTE `h`). With
 * `expectedVersion` 0 it is an insert that the primary key makes fail for all but one racing writer.
 */
function championCtes(runId: string, expectedVersion: number, next: Champion) {
  const json = jsonb(toStoredJson(next));
  const c =
    expectedVersion === 0
      ? sql`insert into champions (run_id, version, strategy_id, iteration, champion)
            values (${text(runId)}, ${int(next.version)}, ${text(next.strategyId)}, ${int(next.iteration)}, ${json})
            on conflict (run_id) do nothing
            returning version`
      : sql`update champions
            set version = ${int(next.version)}, strategy_id = ${text(next.strategyId)}, iteration = ${int(next.iteration)}, champion = ${json}, updated_at = now()
            where run_id = ${text(runId)} and version = ${int(expectedVersion)}
            returning version`;
  return sql`c as (${c}),
    h as (
      insert into champion_history (run_id, version, strategy_id, iteration, champion)
      select ${text(runId)}, version, ${text(next.strategyId)}, ${int(next.iteration)}, ${json} from c
    )`;
}

interface StrategyRow {
  readonly id: string;
  readonly code: string;
  readonly parentId: string | null;
  readonly operator: string | null;
  readonly generation: number | null;
  readonly source: string;
}

/** CTE `s`: the strategies, each stored once (the first code stored for an id stays). */
function strategiesCte(rows: readonly StrategyRow[], onlyIfChampionChanged: boolean) {
  const values = rows.map(
    (r) => sql`(${text(r.id)}, ${text(r.code)}, ${text(r.parentId)}, ${text(r.operator)}, ${int(r.generation)}, ${text(r.source)})`,
  );
  return sql`s as (
    insert into strategies (strategy_id, code, parent_id, operator, generation, source)
    select * from (values ${sql.join(values)}) as v(strategy_id, code, parent_id, operator, generation, source)
    ${onlyIfChampionChanged ? sql`where exists (select 1 from c)` : sql``}
    on conflict (strategy_id) do nothing
    returning strategy_id, code
  )`;
}

/**
 * Appends one record in a single statement (so atomically, with or without a champion change): the
 * strategy once, the champion change when given, the run's counter (so numbers given by an import are
 * never handed out again) and the record. The record's JSON leaves its code out when the code is in
 * `strategies`; if that id is already stored with other code, the code goes back into the JSON.
 * Returns the number of records inserted: 0 means the champion compare-and-set did not apply.
 */
async function appendStatement(db: Kysely<Database>, record: IterationRecord, change: ChampionChange | null): Promise<number> {
  const { strategyCode: code, ...withoutCode } = record;
  const sid = record.strategyId;
  const lean = storedJson(withoutCode);
  const dedupe = sid !== null && code !== null && isStorableText(code) && isStorableText(sid) && !lean.wrapped;
  const json = dedupe ? lean.json : toStoredJson(record);
  const gated = change !== null;
  const strategies: StrategyRow[] = [];
  if (dedupe) {
    strategies.push({ id: sid, code, parentId: record.parentId, operator: record.mutationOperator, generation: record.generation, source: record.source });
  }
  if (change && isStorableText(change.next.code) && isStorableText(change.next.strategyId)) {
    const n = change.next;
    strategies.push({ id: n.strategyId, code: n.code, parentId: null, operator: null, generation: null, source: n.source });
  }
  const ctes = [
    ...(change ? [championCtes(record.runId, change.expectedVersion, change.next)] : []),
    ...(strategies.length > 0 ? [strategiesCte(strategies, gated)] : []),
    sql`r as (
      insert into runs (run_id, next_iteration)
      select ${text(record.runId)}, ${int(record.iteration + 1)} ${gated ? sql`where exists (select 1 from c)` : sql``}
      on conflict (run_id) do update set next_iteration = excluded.next_iteration
      where runs.next_iteration < excluded.next_iteration
    )`,
  ];
  const storedRecord = dedupe
    ? sql`case when coalesce((select code from s where strategy_id = ${text(sid)}), (select code from strategies where strategy_id = ${text(sid)})) = ${text(code)}
               then ${jsonb(json)}
               else jsonb_set(${jsonb(json)}, '{strategyCode}', to_jsonb(${text(code)})) end`
    : jsonb(json);
  const result = await sql<{ iteration: number }>`
    with ${sql.join(ctes)}
    insert into iterations (run_id, iteration, source, level, strategy_id, champion_updated, record)
    select ${text(record.runId)}, ${int(record.iteration)}, ${text(record.source)}, cast(${record.level} as smallint), ${text(sid)},
           ${bool(record.championUpdated)}, ${storedRecord}
    ${gated ? sql`where exists (select 1 from c)` : sql``}
    returning iteration
  `.execute(db);
  return result.rows.length;
}

/** The compare-and-set alone, in one statement: 1 when it applied, 0 on a stale version. */
async function compareAndSetStatement(db: Kysely<Database>, runId: string, expectedVersion: number, next: Champion): Promise<number> {
  const strategies =
    isStorableText(next.code) && isStorableText(next.strategyId)
      ? [strategiesCte([{ id: next.strategyId, code: next.code, parentId: null, operator: null, generation: null, source: next.source }], true)]
      : [];
  const result = await sql<{ changed: number }>`
    with ${championCtes(runId, expectedVersion, next)},
    ${sql.join([...strategies, sql`r as (insert into runs (run_id, next_iteration) values (${text(runId)}, 0) on conflict (run_id) do nothing)`])}
    select (select count(*) from c)::int as changed
  `.execute(db);
  return Number(result.rows[0]?.changed ?? 0);
}

/** After a compare-and-set that did not apply: the version that beat it. */
async function conflictWith(db: Kysely<Database>, runId: string, expectedVersion: number): Promise<ConflictSignal> {
  const row = await db.selectFrom('champions').select('version').where('run_id', '=', runId).executeTakeFirst();
  const actualVersion = row?.version ?? 0;
  return new ConflictSignal({
    kind: 'champion_conflict',
    message: `the champion of run "${runId}" is at version ${actualVersion}, not ${expectedVersion}: another writer replaced it — re-read it and decide again`,
    expectedVersion,
    actualVersion,
  });
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
    const work = (async () => {
      const inserted = await appendStatement(this.db, record, championChange ?? null);
      if (inserted === 1) return;
      if (championChange) throw await conflictWith(this.db, record.runId, championChange.expectedVersion);
      throw new Error(`${operation}: the record was not stored`);
    })();
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
    const work = (async () => {
      if ((await compareAndSetStatement(this.db, runId, expectedVersion, next)) !== 1) throw await conflictWith(this.db, runId, expectedVersion);
    })();
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
