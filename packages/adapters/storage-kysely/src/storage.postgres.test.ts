import { describeHistoryRepositoryContract } from '@alphaloop/ports/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createThrowawaySchema, describePostgres, type ThrowawaySchema } from '../test/pg-gate.js';
import { describeStorageBehaviour } from '../test/storage-behaviour.js';
import { openStorage, type Storage } from './index.js';

describePostgres('PostgreSQL history repository', (url) => {
  let schema: ThrowawaySchema;
  let storage: Storage;

  beforeAll(async () => {
    schema = await createThrowawaySchema(url);
    storage = (await openStorage({ kind: 'postgres', connectionString: url, schema: schema.schema }))._unsafeUnwrap();
  });

  afterAll(async () => {
    await storage?.close();
    await schema?.drop();
  });

  describeHistoryRepositoryContract('PostgreSQL (throwaway schema)', async () => ({ history: storage.history, champions: storage.champions }));
  describeStorageBehaviour('PostgreSQL (throwaway schema)', { storage: () => storage, schema: () => schema.schema });

  it('flushes every commit by default, and only relaxes that when asked (synchronousCommit: false)', async () => {
    const setting = async (s: Storage) => (await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(s.db)).rows[0]?.synchronous_commit;
    expect(await setting(storage)).toBe('on');
    const relaxed = (await openStorage({ kind: 'postgres', connectionString: url, schema: schema.schema, synchronousCommit: false }))._unsafeUnwrap();
    try {
      expect(await setting(relaxed)).toBe('off');
      expect(relaxed.migrationsApplied).toEqual([]);
      expect((await sql<{ search_path: string }>`show search_path`.execute(relaxed.db)).rows[0]?.search_path).toBe(schema.schema);
    } finally {
      await relaxed.close();
    }
  });
});
