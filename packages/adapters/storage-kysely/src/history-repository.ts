import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { sql, type Kysely } from 'kysely';
import type { ArchiveElite, Champion, IterationRecord, UnfinishedIteration } from '@alphaloop/domain';
import type {
  ArchiveChange,
  ChampionChange,
  ChampionConflict,
  ChampionRepository,
  HistoryPage,
  HistoryRepository,
  StorageError,
} from '@alphaloop/ports';
import { ownerAlive, THIS_PROCESS } from './claim-owner.js';
import {
  decodeChampion,
  decodeRecord,
  eliteJson,
  encodeDailyReturns,
  fromStoredJson,
  isStorableText,
  storable,
  storableElite,
  storedJson,
  toStoredJson,
} from './record-codec.js';
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
  const readable = storable(next, decodeChampion);
  if (readable.isErr()) return { kind: 'storage_failure', message: `invalid champion change: ${readable.error} — it would be stored but could never be read back` };
  return null;
}

/** Validates an archive change before any write: an elite that could not be read back, or ids PostgreSQL cannot hold, are caller bugs. */
function checkArchiveChange(change: ArchiveChange): StorageError | null {
  const invalid = (why: string): StorageError => ({ kind: 'storage_failure', message: `invalid archive change: ${why}` });
  const ids = [...change.parentIds, ...(change.evict ?? [])];
  for (const id of ids) {
    if (typeof id !== 'string' || !isStorableText(id)) return invalid(`${JSON.stringify(id)} is not a storable id or cell (a string without U+0000 or lone surrogates)`);
  }
  const place = change.place;
  if (place === null) return null;
  const readable = storableElite(place);
  if (readable.isErr()) return invalid(`${readable.error} — it would be stored but could never be read back`);
  if (!isStorableText(place.cell) || !isStorableText(place.strategyId)) return invalid(`the cell or strategy id of elite ${JSON.stringify(place.strategyId)} contains text PostgreSQL cannot hold`);
  const score = place.evidence.score;
  if (score === null || !Number.isFinite(score)) return invalid(`the elite of cell "${place.cell}" has no finite evidence.score to hold its cell by`);
  return null;
}

// Typed parameters: every value is cast, so PostgreSQL never has to guess a type (both drivers send text).
const text = (v: string | null) => sql<string>`cast(${v} as text)`;
const int = (v: number | null) => sql<number>`cast(${v} as integer)`;
const bool = (v: boolean) => sql<boolean>`cast(${v} as boolean)`;
const jsonb = (v: string) => sql<unknown>`cast(${v} as jsonb)`;
const float = (v: number) => sql<number>`cast(${v} as double precision)`;
/** Bytes as hex text: the same parameter for both drivers. */
const bytea = (v: Uint8Array) => sql<Uint8Array>`decode(${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}, 'hex')`;

/** The archive change's arguments to `alphaloop_append_archive` (migration 0003). */
function archiveArgs(change: ArchiveChange) {
  const lists = sql`${jsonb(JSON.stringify(change.parentIds))}, ${jsonb(JSON.stringify(change.evict ?? []))}`;
  const e = change.place;
  if (e === null) return sql`null::text, null::text, null::double precision, null::integer, null::jsonb, null::bytea, null::integer, ${lists}`;
  return sql`${text(e.cell)}, ${text(e.strategyId)}, ${float(e.evidence.score as number)}, ${int(e.children)}, ${jsonb(toStoredJson(eliteJson(e)))},
    ${bytea(encodeDailyReturns(e.dailyReturns))}, ${int(e.iteration)}, ${lists}`;
}

/** The champion's arguments to the write functions (code only when PostgreSQL can hold it as text). */
function championArgs(next: Champion) {
  const storable = isStorableText(next.code) && isStorableText(next.strategyId);
  return sql`${jsonb(toStoredJson(next))}, ${text(next.strategyId)}, ${int(next.iteration)}, ${text(storable ? next.code : null)}, ${text(next.source)}`;
}

/**
 * Appends one record with one call of `alphaloop_append` (migration 0001): one statement, so one
 * transaction — the run counter, the strategy (once), the champion compare-and-set when given, and the
 * record, or none of them. With an archive change it is one call of `alphaloop_append_archive` (migration
 * 0003), which makes that same call and then, only if the record was stored, applies the archive change.
 * The record's JSON leaves its code out when the code goes to `strategies` (then `p_code` is given).
 * Returns 1 when stored, 0 when the champion compare-and-set did not apply.
 */
/** The record as its row stores it: its JSON without the code when the code goes to `strategies` (`dedupe`). */
function storedForm(record: IterationRecord): { readonly json: string; readonly dedupe: boolean } {
  const { strategyCode: code, ...withoutCode } = record;
  const sid = record.strategyId;
  const lean = storedJson(withoutCode);
  const dedupe = sid !== null && code !== null && isStorableText(code) && isStorableText(sid) && !lean.wrapped;
  return { json: dedupe ? lean.json : toStoredJson(record), dedupe };
}

async function appendStatement(db: Kysely<Database>, record: IterationRecord, change: ChampionChange | null, archive: ArchiveChange | null): Promise<number> {
  const code = record.strategyCode;
  const sid = record.strategyId;
  const { json, dedupe } = storedForm(record);
  const champion = change === null ? sql`null::integer, null::jsonb, null::text, null::integer, null::text, null::text` : sql`${int(change.expectedVersion)}, ${championArgs(change.next)}`;
  const args = sql`
      ${text(record.runId)}, ${int(record.iteration)}, ${text(record.source)}, cast(${record.level} as smallint), ${text(sid)},
      ${bool(record.championUpdated)}, ${jsonb(json)}, ${text(dedupe ? code : null)},
      ${text(record.parentId)}, ${text(record.mutationOperator)}, ${int(record.generation)}, ${champion}`;
  const result =
    archive === null
      ? await sql<{ n: number }>`select alphaloop_append(${args}) as n`.execute(db)
      : await sql<{ n: number }>`select alphaloop_append_archive(${args}, ${archiveArgs(archive)}) as n`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/** The compare-and-set alone, in one statement: 1 when it applied, 0 on a stale version. */
async function compareAndSetStatement(db: Kysely<Database>, runId: string, expectedVersion: number, next: Champion): Promise<number> {
  const result = await sql<{ n: number }>`select alphaloop_replace_champion(${text(runId)}, ${int(expectedVersion)}, ${championArgs(next)}) as n`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * Whether this very record is stored (the same row, field for field): true when an append whose connection was
 * lost after its commit is sent again — it was stored once, which is what the caller asked for.
 */
async function storedAlready(db: Kysely<Database>, record: IterationRecord): Promise<boolean> {
  const row = await db
    .selectFrom('iterations')
    .select('iteration')
    .where('run_id', '=', record.runId)
    .where('iteration', '=', record.iteration)
    .where(sql<boolean>`record = ${jsonb(storedForm(record).json)}`)
    .executeTakeFirst();
  return row !== undefined;
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
  // JSON writes NaN and Infinity as null: a record with one where a number is required would be stored and then
  // refused by every read of its run, so it is refused here instead, naming the field
  const readable = storable(record, decodeRecord);
  if (readable.isErr()) return { kind: 'storage_failure', message: `invalid record: ${readable.error} — it would be stored but could never be read back` };
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
  /**
   * @param resends how many statements the connection layer has sent again after a lost connection so far (always
   *   0 on PGlite): an append that saw it change may have met its own committed first attempt.
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly location: StorageLocation,
    private readonly resends: () => number = () => 0,
  ) {}

  allocateIteration(runId: string): ResultAsync<number, StorageError> {
    // One statement: creates the run at 1 (handing out 0) or bumps its counter, under the row lock, and claims the
    // number for this process (a claim without a record is an unfinished iteration, see `unfinished`).
    const query = sql<{ iteration: number }>`
      with allocated as (
        insert into runs (run_id, next_iteration) values (${runId}, 1)
        on conflict (run_id) do update set next_iteration = runs.next_iteration + 1
        returning next_iteration - 1 as iteration
      )
      insert into iteration_claims (run_id, iteration, owner)
      select ${runId}, iteration, ${THIS_PROCESS} from allocated
      returning iteration`.execute(this.db);
    return ResultAsync.fromPromise(query, (e) => toStorageError(e, this.location, `allocate an iteration of run "${runId}"`)).andThen((result) => {
      const row = result.rows[0];
      return row === undefined
        ? errAsync<number, StorageError>({ kind: 'storage_failure', message: `allocate an iteration of run "${runId}": no number was handed out` })
        : okAsync<number, StorageError>(Number(row.iteration));
    });
  }

  /**
   * Puts an exported elite back into its cell (`import`; not part of the port — the search changes the archive only
   * through `append`). `restored` when the cell was empty; `present` when it holds this very elite (same strategy,
   * same iteration: an import run again); `occupied` when it holds another elite, which is kept.
   */
  restoreElite(runId: string, elite: ArchiveElite): ResultAsync<'restored' | 'present' | 'occupied', StorageError> {
    const invalid = checkArchiveChange({ place: elite, parentIds: [] });
    if (invalid) return errAsync(invalid);
    const work = async (): Promise<'restored' | 'present' | 'occupied'> => {
      await sql`insert into runs (run_id, next_iteration) values (${text(runId)}, 0) on conflict (run_id) do nothing`.execute(this.db);
      const inserted = await sql<{ cell: string }>`
        insert into archive_cells (run_id, cell, strategy_id, score, children, elite, daily_returns, iteration)
        values (${text(runId)}, ${text(elite.cell)}, ${text(elite.strategyId)}, ${float(elite.evidence.score as number)}, ${int(elite.children)},
                ${jsonb(toStoredJson(eliteJson(elite)))}, ${bytea(encodeDailyReturns(elite.dailyReturns))}, ${int(elite.iteration)})
        on conflict (run_id, cell) do nothing
        returning cell`.execute(this.db);
      if (inserted.rows.length === 1) return 'restored';
      const held = await this.db
        .selectFrom('archive_cells')
        .select(['strategy_id', 'iteration'])
        .where('run_id', '=', runId)
        .where('cell', '=', elite.cell)
        .executeTakeFirst();
      return held !== undefined && held.strategy_id === elite.strategyId && Number(held.iteration) === elite.iteration ? 'present' : 'occupied';
    };
    return ResultAsync.fromPromise(work(), (e) => toStorageError(e, this.location, `restore the elite of cell "${elite.cell}" of run "${runId}"`));
  }

  unfinished(runId: string): ResultAsync<readonly UnfinishedIteration[], StorageError> {
    const query = this.db
      .selectFrom('iteration_claims as c')
      .leftJoin('iterations as i', (join) => join.onRef('i.run_id', '=', 'c.run_id').onRef('i.iteration', '=', 'c.iteration'))
      .select(['c.iteration', 'c.owner', sql<number>`(extract(epoch from now() - c.claimed_at) * 1000)::float8`.as('age_ms')])
      .where('c.run_id', '=', runId)
      .where('i.iteration', 'is', null)
      .orderBy('c.iteration')
      .execute();
    return ResultAsync.fromPromise(query, (e) => toStorageError(e, this.location, `read the unfinished iterations of run "${runId}"`)).map((rows) =>
      rows.map((row) => ({ iteration: Number(row.iteration), ownerAlive: ownerAlive(row.owner), ageMs: Math.max(0, Number(row.age_ms)) })),
    );
  }

  /**
   * Stores the record, the champion change and the archive change in one statement (see `appendStatement`). The
   * archive change, after the record: `evict` empties those cells; `place` is upserted into its cell unless the
   * cell holds an elite with a higher score (an equal score replaces it); then every elite whose strategy id is in
   * `parentIds` (each distinct id once) gets `children + 1`.
   */
  append(record: IterationRecord, championChange?: ChampionChange, archiveChange?: ArchiveChange): ResultAsync<void, StorageError | ChampionConflict> {
    const invalid =
      checkRecord(record) ??
      (championChange ? checkChange(record.runId, championChange.expectedVersion, championChange.next) : null) ??
      (archiveChange ? checkArchiveChange(archiveChange) : null);
    if (invalid) return errAsync(invalid);
    const operation = `append iteration ${record.iteration} of run "${record.runId}"`;
    const work = (async () => {
      const resendsBefore = this.resends();
      // sent again after a lost connection, the statement may meet its own earlier, committed self
      const metItself = async (): Promise<boolean> => this.resends() !== resendsBefore && (await storedAlready(this.db, record));
      let inserted: number;
      try {
        inserted = await appendStatement(this.db, record, championChange ?? null, archiveChange ?? null);
      } catch (error) {
        if ((error as { code?: string }).code === '23505' && (await metItself())) return;
        throw error;
      }
      if (inserted === 1) return;
      if (await metItself()) return;
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
  /**
   * @param resends how many statements the connection layer has sent again after a lost connection so far (always
   *   0 on PGlite): an append that saw it change may have met its own committed first attempt.
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly location: StorageLocation,
    private readonly resends: () => number = () => 0,
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
