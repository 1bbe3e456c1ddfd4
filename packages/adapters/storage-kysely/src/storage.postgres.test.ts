import { describeHistoryRepositoryContract } from '@alphaloop/ports/contracts';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { createThrowawaySchema, describePostgres, useThrowawayStorage } from '../test/pg-gate.js';
import { describeStorageBehaviour } from '../test/storage-behaviour.js';
import { openStorage, type Storage } from './index.js';

describePostgres('PostgreSQL history repository', (url) => {
  const throwaway = useThrowawayStorage(url);

  describeHistoryRepositoryContract('PostgreSQL (throwaway schema)', async () => ({ history: throwaway.storage().history, champions: throwaway.storage().champions }));
  describeStorageBehaviour('PostgreSQL (throwaway schema)', { storage: throwaway.storage, schema: throwaway.schema });

  it('refuses to open a schema migrated by a newer alphaloop, writing nothing', async () => {
    const other = await createThrowawaySchema(url);
    try {
      const first = (await openStorage({ kind: 'postgres', connectionString: url, schema: other.schema }))._unsafeUnwrap();
      await sql`insert into kysely_migration (name, timestamp) values ('0002_from_a_newer_alphaloop', now()::text)`.execute(first.db);
      await first.close();
      const refused = (await openStorage({ kind: 'postgres', connectionString: url, schema: other.schema }))._unsafeUnwrapErr();
      expect(refused.kind).toBe('storage_schema_too_new');
      expect(refused.message).toMatch(/was written by a newer alphaloop: .*0002_from_a_newer_alphaloop.*0001_initial.*Nothing was changed/);
      expect(refused.message).toContain('DATABASE_URL');
    } finally {
      await other.drop();
    }
  });

  it('flushes every commit by default, and only relaxes that when asked (synchronousCommit: false)', async () => {
    const setting = async (s: Storage) => (await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(s.db)).rows[0]?.synchronous_commit;
    expect(await setting(throwaway.storage())).toBe('on');
    const relaxed = (await openStorage({ kind: 'postgres', connectionString: url, schema: throwaway.schema(), synchronousCommit: false }))._unsafeUnwrap();
    try {
      expect(await setting(relaxed)).toBe('off');
      expect(relaxed.migrationsApplied).toEqual([]);
      expect((await sql<{ search_path: string }>`show search_path`.execute(relaxed.db)).rows[0]?.search_path).toBe(throwaway.schema());
    } finally {
      await relaxed.close();
    }
  });
});
