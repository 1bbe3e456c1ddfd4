import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import pg from 'pg';
import type { StorageError } from '@alphaloop/ports';
import { KyselyArchiveRepository } from './archive-repository.js';
import { KyselyBacktestCache } from './backtest-cache.js';
import { prepareDataDir, type DataDirLock } from './data-dir.js';
import { KyselyChampionRepository, KyselyHistoryRepository } from './history-repository.js';
import { KyselyLlmCallLedger } from './llm-call-ledger.js';
import { KyselyRunCatalog } from './run-catalog.js';
import { KyselyRunProtocolRepository, KyselyValidationRepository } from './run-ledger.js';
import { InCodeMigrationProvider, KNOWN_MIGRATIONS, MIGRATIONS } from './migrations.js';
import { PGliteDialect } from './pglite-dialect.js';
import { DEFAULT_RECONNECT, ReconnectingPool, type ReconnectPolicy } from './reconnecting-pool.js';
import type { Database } from './schema.js';
import { SETTINGS, toStorageError, type StorageLocation } from './storage-errors.js';

/** Which database to open. The app maps `DATABASE_URL` / `--db` to this; nothing here reads the environment. */
export type StorageConfig =
  | {
      readonly kind: 'pglite';
      /** A directory (created if missing), e.g. `.alphaloop/db`. Absent: in memory, gone on close. */
      readonly dataDir?: string;
    }
  | {
      readonly kind: 'postgres';
      readonly connectionString: string;
      /** A schema of our own (created if missing); default: the connection's `search_path`. */
      readonly schema?: string;
      /** Pool size (default 10). */
      readonly maxConnections?: number;
      /** Give up connecting after this long (default 10 s). */
      readonly connectTimeoutMs?: number;
      /**
       * Wait for the server to flush each commit to disk (default true). False sets
       * `synchronous_commit = off` for our sessions: a crash of the server (not of alphaloop) may then
       * lose the last fraction of a second of commits — whole transactions, never part of one.
       */
      readonly synchronousCommit?: boolean;
      /**
       * After the database opened, a statement whose connection was lost (terminated backend, server restart) is
       * sent again on a new connection with backoff, for this long (default 30 s), then fails as `storage_unavailable`.
       */
      readonly reconnect?: ReconnectPolicy;
      /** Told about each wait for a lost connection (for a progress line or a log entry). */
      readonly onReconnect?: (waitedMs: number, cause: unknown) => void;
    };

/** An open database with its repositories. Call `close()` when done (a PGlite left open can keep node alive). */
export interface Storage {
  readonly kind: 'pglite' | 'postgres';
  readonly location: StorageLocation;
  readonly db: Kysely<Database>;
  readonly history: KyselyHistoryRepository;
  readonly champions: KyselyChampionRepository;
  /** ArchiveRepository: the run's quality-diversity archive (written by `history.append`). */
  readonly archive: KyselyArchiveRepository;
  /** RunProtocolRepository: the protocol each run keeps from its start. */
  readonly protocols: KyselyRunProtocolRepository;
  /** ValidationRepository: the outcomes of `alphaloop validate`, newest wins. */
  readonly validations: KyselyValidationRepository;
  readonly llmCalls: KyselyLlmCallLedger;
  readonly runs: KyselyRunCatalog;
  readonly backtestCache: KyselyBacktestCache;
  /** Names of the migrations this call applied (empty when the schema was already current). */
  readonly migrationsApplied: readonly string[];
  close(): Promise<void>;
}

/** host, port, user and database of a connection string, for messages (never the password). */
export function describePostgres(connectionString: string): Extract<StorageLocation, { backend: 'postgres' }> {
  try {
    const url = new URL(connectionString);
    const user = decodeURIComponent(url.username) || process.env.PGUSER || process.env.USER || 'postgres';
    return {
      backend: 'postgres',
      host: decodeURIComponent(url.hostname) || url.searchParams.get('host') || 'localhost',
      port: url.port || '5432',
      user,
      database: decodeURIComponent(url.pathname.replace(/^\//, '')) || user,
    };
  } catch {
    return { backend: 'postgres', host: '(unparsed DATABASE_URL)', port: '?', user: '?', database: '?' };
  }
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens PGlite or PostgreSQL, brings the schema up to date, and returns the repositories. A database
 * written by a newer alphaloop (migrations this code does not know) is refused with
 * `storage_schema_too_new` before anything is written.
 */
export function openStorage(config: StorageConfig): ResultAsync<Storage, StorageError> {
  return config.kind === 'pglite' ? openPglite(config.dataDir === undefined ? null : resolve(config.dataDir)) : openPostgres(config);
}

function openPglite(dataDir: string | null): ResultAsync<Storage, StorageError> {
  const location: StorageLocation = { backend: 'pglite', dataDir };
  let lock: DataDirLock | null = null;
  if (dataDir !== null) {
    const prepared = prepareDataDir(dataDir);
    if (prepared.isErr()) {
      const problem = prepared.error;
      return errAsync(
        problem.kind === 'in_use'
          ? {
              kind: 'storage_unavailable',
              message: `the embedded database at ${dataDir} is already open in process ${problem.pid} (see ${problem.lockPath}); PGlite allows one process at a time — stop that process, pass another directory with ${SETTINGS.dataDir}, or use PostgreSQL (${SETTINGS.postgres}) for several workers`,
            }
          : toStorageError(problem.cause, location, `prepare the data directory ${dataDir}`),
      );
    }
    lock = prepared.value;
  }
  const heldLock = lock;
  const started = ResultAsync.fromPromise(PGlite.create(dataDir === null ? {} : { dataDir }), (e): StorageError => {
    heldLock?.release();
    const mapped = toStorageError(e, location, `start the embedded database`);
    if (mapped.kind !== 'storage_failure') return mapped;
    return {
      kind: 'storage_unavailable',
      message: `the embedded database at ${dataDir ?? '(in memory)'} could not start (${e instanceof Error ? e.message : String(e)}) — if the directory is not a PGlite database or is damaged, move it aside or pass another directory with ${SETTINGS.dataDir}`,
    };
  });
  return started.andThen((pglite) => {
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    return finish(db, location, null, 'pglite', () => heldLock?.release());
  });
}

function openPostgres(config: Extract<StorageConfig, { kind: 'postgres' }>): ResultAsync<Storage, StorageError> {
  const location = describePostgres(config.connectionString);
  const schema = config.schema ?? null;
  if (schema !== null && !SCHEMA_NAME.test(schema)) {
    return errAsync({ kind: 'storage_failure', message: `invalid schema name "${schema}": use lower-case letters, digits and _` });
  }
  const pool = new pg.Pool({
    connectionString: config.connectionString,
    max: config.maxConnections ?? 10,
    connectionTimeoutMillis: config.connectTimeoutMs ?? 10_000,
    application_name: 'alphaloop', // so its sessions are recognisable in pg_stat_activity
    ...(sessionOptions(schema, config.synchronousCommit ?? true) ?? {}),
  });
  const reconnecting = new ReconnectingPool(pool, config.reconnect ?? DEFAULT_RECONNECT, config.onReconnect);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: reconnecting }) });
  const prepare = ResultAsync.fromPromise(
    (async () => {
      await sql`select 1`.execute(db);
      if (schema !== null) {
        try {
          await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
        } catch (e) {
          // Two processes creating the schema at once: the loser sees a duplicate; the schema exists.
          const code = (e as { code?: string }).code;
          if (code !== '23505' && code !== '42P06') throw e;
        }
      }
    })(),
    (e) => toStorageError(e, location, `connect to PostgreSQL`),
  );
  return prepare
    .orElse((error) => ResultAsync.fromSafePromise(db.destroy().catch(() => undefined)).andThen(() => errAsync<void, StorageError>(error)))
    .andThen(() => finish(db, location, schema, 'postgres', () => undefined, () => reconnecting.resent))
    .map((storage) => {
      reconnecting.arm();
      return storage;
    });
}

function sessionOptions(schema: string | null, synchronousCommit: boolean): { options: string } | null {
  const settings = [...(schema === null ? [] : [`-c search_path=${schema}`]), ...(synchronousCommit ? [] : ['-c synchronous_commit=off'])];
  return settings.length === 0 ? null : { options: settings.join(' ') };
}

function finish(
  db: Kysely<Database>,
  location: StorageLocation,
  schema: string | null,
  kind: Storage['kind'],
  afterClose: () => void,
  resends: () => number = () => 0,
): ResultAsync<Storage, StorageError> {
  let closed: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closed ??= db.destroy().finally(afterClose);
    return closed;
  };
  return migrate(db, location, schema)
    .orElse((error) => ResultAsync.fromSafePromise(close().catch(() => undefined)).andThen(() => errAsync<readonly string[], StorageError>(error)))
    .map(
      (applied): Storage => ({
        kind,
        location,
        db,
        history: new KyselyHistoryRepository(db, location, resends),
        champions: new KyselyChampionRepository(db, location),
        archive: new KyselyArchiveRepository(db, location),
        protocols: new KyselyRunProtocolRepository(db, location),
        validations: new KyselyValidationRepository(db, location),
        llmCalls: new KyselyLlmCallLedger(db, location),
        runs: new KyselyRunCatalog(db, location),
        backtestCache: new KyselyBacktestCache(db, location),
        migrationsApplied: applied,
        close,
      }),
    );
}

const where = (location: StorageLocation): string =>
  location.backend === 'pglite'
    ? `${location.dataDir ?? '(in memory)'} (change it with ${SETTINGS.dataDir})`
    : `${location.host}:${location.port}/${location.database} (change it with ${SETTINGS.postgres})`;

/** Migration names already applied to the database (empty for a new database). */
export function appliedMigrations(db: Kysely<Database>, schema: string | null): Promise<string[]> {
  const table = schema === null ? 'kysely_migration' : `${schema}.kysely_migration`;
  return (async () => {
    const exists = await sql<{ t: string | null }>`select to_regclass(${schema === null ? table : `"${schema}".kysely_migration`})::text as t`.execute(db);
    if (!exists.rows[0]?.t) return [];
    const rows = await sql<{ name: string }>`select name from ${sql.table(table)} order by name`.execute(db);
    return rows.rows.map((r) => r.name);
  })();
}

/** Applies the in-code migrations, after refusing a database that has migrations we do not know. */
export function migrate(db: Kysely<Database>, location: StorageLocation, schema: string | null): ResultAsync<readonly string[], StorageError> {
  const operation = 'bring the database schema up to date';
  return ResultAsync.fromPromise(appliedMigrations(db, schema), (e) => toStorageError(e, location, operation)).andThen((applied) => {
    const unknown = applied.filter((name) => !Object.hasOwn(MIGRATIONS, name));
    if (unknown.length > 0) {
      return errAsync<readonly string[], StorageError>({
        kind: 'storage_schema_too_new',
        message: `the database at ${where(location)} was written by a newer alphaloop: it has schema migration(s) ${unknown.join(', ')}, and this version knows only up to ${KNOWN_MIGRATIONS.at(-1) ?? '(none)'}. Nothing was changed — upgrade alphaloop, or use another database`,
      });
    }
    const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(), ...(schema === null ? {} : { migrationTableSchema: schema }) });
    return ResultAsync.fromPromise(migrator.migrateToLatest(), (e) => toStorageError(e, location, operation)).andThen(({ error, results }) =>
      error === undefined
        ? okAsync<readonly string[], StorageError>((results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName))
        : errAsync<readonly string[], StorageError>(toStorageError(error, location, operation)),
    );
  });
}
