import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLOW_START_MS } from '../test/timeouts.js';
import {
  describeArchiveRepositoryContract,
  describeHistoryRepositoryContract,
  describeRunProtocolRepositoryContract,
  describeValidationRepositoryContract,
  sampleRecord,
} from '@alphaloop/ports/contracts';
import { describeStorageBehaviour } from '../test/storage-behaviour.js';
import { createLegacyDatabase, expectLegacyRunReadable } from '../test/legacy.js';
import { openStorage, PGliteDialect, type Database, type Storage } from './index.js';

let memory: Storage;

beforeAll(async () => {
  memory = (await openStorage({ kind: 'pglite' }))._unsafeUnwrap();
}, SLOW_START_MS);

afterAll(async () => {
  await memory?.close();
});

describeHistoryRepositoryContract('PGlite (in memory)', async () => ({ history: memory.history, champions: memory.champions }));
describeArchiveRepositoryContract('PGlite (in memory)', async () => ({ history: memory.history, champions: memory.champions, archive: memory.archive }));
describeRunProtocolRepositoryContract('PGlite (in memory)', async () => ({ protocols: memory.protocols, history: memory.history }));
describeValidationRepositoryContract('PGlite (in memory)', async () => ({ validations: memory.validations }));
describeStorageBehaviour('PGlite (in memory)', { storage: () => memory, schema: () => null });

describe('PGlite on disk', () => {
  let root = '';
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'alphaloop-pglite-'));
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('keeps records across close and reopen, and lets one process at a time open a directory', async () => {
    const absolute = join(root, 'nested', 'db');
    const dataDir = relative(process.cwd(), absolute); // as the app passes it: `.alphaloop/db`, relative to the cwd
    const first = (await openStorage({ kind: 'pglite', dataDir }))._unsafeUnwrap();
    try {
      expect(first.migrationsApplied).toEqual(['0001_initial', '0002_run_ledger', '0003_archive', '0004_claims']);
      const record = sampleRecord({ runId: 'disk', iteration: (await first.history.allocateIteration('disk'))._unsafeUnwrap() });
      (await first.history.append(record))._unsafeUnwrap();

      const second = await openStorage({ kind: 'pglite', dataDir });
      const refused = second._unsafeUnwrapErr();
      expect(refused.kind).toBe('storage_unavailable');
      expect(refused.message).toContain(`the embedded database at ${absolute} is already open in process ${process.pid}`);
      expect(refused.message).toContain('--db');
    } finally {
      await first.close();
    }

    const again = (await openStorage({ kind: 'pglite', dataDir }))._unsafeUnwrap();
    try {
      expect(again.migrationsApplied).toEqual([]);
      expect((await again.history.recent('disk', 5))._unsafeUnwrap().map((r) => r.iteration)).toEqual([0]);
      expect((await again.history.allocateIteration('disk'))._unsafeUnwrap()).toBe(1);
      // a newer alphaloop migrates this database further …
      await sql`insert into kysely_migration (name, timestamp) values ('0002_from_a_newer_alphaloop', now()::text)`.execute(again.db);
    } finally {
      await again.close();
    }

    // … and this version refuses it, every time (the lock is released after a refusal), writing nothing
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const refused = (await openStorage({ kind: 'pglite', dataDir }))._unsafeUnwrapErr();
      expect(refused.kind).toBe('storage_schema_too_new');
      expect(refused.message).toContain(`the database at ${absolute} (change it with --db) was written by a newer alphaloop`);
      expect(refused.message).toContain('0002_from_a_newer_alphaloop');
    }
  }, SLOW_START_MS);

  it('upgrades a database written before the run ledger (schema 0001 only): every stored row still reads, new fields null', async () => {
    const dataDir = join(root, 'legacy');
    const pglite = await PGlite.create({ dataDir });
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    try {
      await createLegacyDatabase(db, null, 'legacy');
    } finally {
      await db.destroy();
    }
    const upgraded = (await openStorage({ kind: 'pglite', dataDir }))._unsafeUnwrap();
    try {
      await expectLegacyRunReadable(upgraded, 'legacy');
    } finally {
      await upgraded.close();
    }
  }, SLOW_START_MS);

  it('reports a directory that is not a PGlite database, naming it and --db', async () => {
    const dataDir = join(root, 'not-a-database');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'PG_VERSION'), 'not a version\n');
    const error = (await openStorage({ kind: 'pglite', dataDir }))._unsafeUnwrapErr();
    expect(error.kind).toBe('storage_unavailable');
    expect(error.message).toMatch(new RegExp(`embedded database at ${dataDir} could not start .*move it aside or pass another directory with --db`));
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  }, SLOW_START_MS);
});
