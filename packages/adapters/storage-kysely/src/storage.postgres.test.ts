import {
  describeArchiveRepositoryContract,
  describeHistoryRepositoryContract,
  describeRunProtocolRepositoryContract,
  describeValidationRepositoryContract,
  sampleElite,
  sampleEvidence,
  sampleProtocol,
  sampleRecord,
} from '@alphaloop/ports/contracts';
import { randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { expect, it } from 'vitest';
import { createThrowawaySchema, describePostgres, useThrowawayStorage } from '../test/pg-gate.js';
import { describeStorageBehaviour } from '../test/storage-behaviour.js';
import { createLegacyDatabase, expectLegacyRunReadable } from '../test/legacy.js';
import { openStorage, type Database, type Storage } from './index.js';

describePostgres('PostgreSQL history repository', (url) => {
  const throwaway = useThrowawayStorage(url);

  describeHistoryRepositoryContract('PostgreSQL (throwaway schema)', async () => ({ history: throwaway.storage().history, champions: throwaway.storage().champions }));
  describeArchiveRepositoryContract('PostgreSQL (throwaway schema)', async () => ({ history: throwaway.storage().history, champions: throwaway.storage().champions, archive: throwaway.storage().archive }));
  describeRunProtocolRepositoryContract('PostgreSQL (throwaway schema)', async () => ({ protocols: throwaway.storage().protocols, history: throwaway.storage().history }));
  describeValidationRepositoryContract('PostgreSQL (throwaway schema)', async () => ({ validations: throwaway.storage().validations }));
  describeStorageBehaviour('PostgreSQL (throwaway schema)', { storage: throwaway.storage, schema: throwaway.schema });

  it('refuses to open a schema migrated by a newer alphaloop, writing nothing', async () => {
    const other = await createThrowawaySchema(url);
    try {
      const first = (await openStorage({ kind: 'postgres', connectionString: url, schema: other.schema }))._unsafeUnwrap();
      await sql`insert into kysely_migration (name, timestamp) values ('0002_from_a_newer_alphaloop', now()::text)`.execute(first.db);
      await first.close();
      const refused = (await openStorage({ kind: 'postgres', connectionString: url, schema: other.schema }))._unsafeUnwrapErr();
      expect(refused.kind).toBe('storage_schema_too_new');
      expect(refused.message).toMatch(/was written by a newer alphaloop: .*0002_from_a_newer_alphaloop.*knows only up to 0004_claims.*Nothing was changed/);
      expect(refused.message).toContain('DATABASE_URL');
    } finally {
      await other.drop();
    }
  });

  it('upgrades a schema written before the run ledger (0001 only): every stored row still reads, new fields null', async () => {
    const legacy = await createThrowawaySchema(url);
    try {
      const pool = new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${legacy.schema}` });
      const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
      try {
        await createLegacyDatabase(db, legacy.schema, 'legacy');
      } finally {
        await db.destroy();
      }
      const upgraded = (await openStorage({ kind: 'postgres', connectionString: url, schema: legacy.schema }))._unsafeUnwrap();
      try {
        await expectLegacyRunReadable(upgraded, 'legacy');
      } finally {
        await upgraded.close();
      }
    } finally {
      await legacy.drop();
    }
  });

  it('lets one of several storages racing setIfAbsent on one run win, and tells every one of them the winner', async () => {
    const runId = `protocol-race-${randomUUID()}`;
    const others = await Promise.all([0, 1, 2].map(() => openStorage({ kind: 'postgres', connectionString: url, schema: throwaway.schema(), maxConnections: 4 })));
    const storages = [throwaway.storage(), ...others.map((o) => o._unsafeUnwrap())];
    try {
      const answers = await Promise.all(
        storages.flatMap((s, i) => [0, 1, 2, 3].map((j) => s.protocols.setIfAbsent(runId, sampleProtocol({ seed: i * 10 + j })))),
      );
      const stored = (await throwaway.storage().protocols.get(runId))._unsafeUnwrap();
      expect(stored).not.toBeNull();
      for (const answer of answers) expect(answer._unsafeUnwrap()).toEqual(stored);
      expect((await sql<{ n: number }>`select count(*)::int as n from run_protocols where run_id = ${runId}`.execute(throwaway.storage().db)).rows[0]?.n).toBe(1);
    } finally {
      for (const o of others) if (o.isOk()) await o.value.close();
    }
  });

  it('lets racing workers place into one cell and count children without losing an update: the best elite holds the cell', async () => {
    const runId = `archive-race-${randomUUID()}`;
    const others = await Promise.all([0, 1, 2].map(() => openStorage({ kind: 'postgres', connectionString: url, schema: throwaway.schema(), maxConnections: 4 })));
    const storages = [throwaway.storage(), ...others.map((o) => o._unsafeUnwrap())];
    try {
      const parent = sampleElite({ cell: 'value/6-15/quarterly', strategyId: 'race-parent' });
      (await throwaway.storage().history.append(sampleRecord({ runId, iteration: 0 }), undefined, { place: parent, parentIds: [] }))._unsafeUnwrap();
      const scores = Array.from({ length: 16 }, (_, i) => ((i * 7) % 16) / 10); // 0 … 1.5, shuffled
      await Promise.all(
        scores.map(async (score, i) => {
          const s = storages[i % storages.length] as Storage;
          const iteration = (await s.history.allocateIteration(runId))._unsafeUnwrap();
          const place = sampleElite({ strategyId: `race-${i}`, evidence: sampleEvidence({ score }), iteration });
          (await s.history.append(sampleRecord({ runId, iteration }), undefined, { place, parentIds: [parent.strategyId] }))._unsafeUnwrap();
        }),
      );
      expect((await throwaway.storage().history.count(runId))._unsafeUnwrap()).toBe(17);
      const elites = (await throwaway.storage().archive.load(runId))._unsafeUnwrap();
      expect(elites.map((e) => [e.cell, e.strategyId, e.children])).toEqual([
        ['momentum/16-40/monthly', `race-${scores.indexOf(1.5)}`, 0],
        ['value/6-15/quarterly', 'race-parent', 16],
      ]);
    } finally {
      for (const o of others) if (o.isOk()) await o.value.close();
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
