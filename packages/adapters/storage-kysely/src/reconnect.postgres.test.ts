import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sampleRecord } from '@alphaloop/ports/contracts';
import { describePostgres, withClient } from '../test/pg-gate.js';
import { KyselyHistoryRepository, openStorage, type Storage } from './index.js';

/** Connections lost under an open storage, in a database of our own (every backend of it is terminated). */
describePostgres('PostgreSQL storage after a lost connection', (url) => {
  const database = `alphaloop_reconnect_${randomUUID().replaceAll('-', '')}`;
  const target = new URL(url);
  target.pathname = `/${database}`;
  const waits: number[] = [];
  let storage: Storage;

  const terminateAll = (): Promise<number> =>
    withClient(url, (c) =>
      c.query<{ n: string }>('select count(pg_terminate_backend(pid)) as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]),
    ).then((r) => Number(r.rows[0]?.n ?? 0));
  const allowConnections = (allow: boolean): Promise<unknown> => withClient(url, (c) => c.query(`alter database ${database} allow_connections ${allow}`));

  beforeAll(async () => {
    await withClient(url, (c) => c.query(`create database ${database}`));
    storage = (
      await openStorage({
        kind: 'postgres',
        connectionString: target.toString(),
        reconnect: { forMs: 1_500, firstDelayMs: 50, maxDelayMs: 400 },
        onReconnect: (waitedMs) => waits.push(waitedMs),
      })
    )._unsafeUnwrap();
  });

  afterAll(async () => {
    await storage.close();
    await allowConnections(true);
    await withClient(url, (c) => c.query(`drop database if exists ${database} with (force)`));
  });

  it('sends a statement whose backend was terminated mid-query again on a new connection', async () => {
    waits.length = 0;
    const slow = sql<{ n: number }>`select 7 as n from pg_sleep(0.5)`.execute(storage.db);
    await new Promise((done) => setTimeout(done, 150));
    expect(await terminateAll()).toBeGreaterThanOrEqual(1);
    expect((await slow).rows).toEqual([{ n: 7 }]);
    expect(waits.length).toBeGreaterThanOrEqual(1);
  });

  it('keeps working after every idle connection was terminated, storing each record once', async () => {
    const runId = `reconnect-${randomUUID()}`;
    for (let i = 0; i < 6; i++) {
      const iteration = (await storage.history.allocateIteration(runId))._unsafeUnwrap();
      (await storage.history.append(sampleRecord({ runId, iteration })))._unsafeUnwrap();
      if (i % 2 === 0) await terminateAll();
    }
    expect((await storage.history.page(runId, { offset: 0, limit: 10 }))._unsafeUnwrap().map((r) => r.iteration)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('an append sent again after a lost connection meets its own committed record and succeeds; without a re-send it is a duplicate', async () => {
    const runId = `resend-${randomUUID()}`;
    const record = sampleRecord({ runId, iteration: 0 });
    let resends = 0;
    // the repository over the same database, told by its connection layer how many statements it sent again
    const history = new KyselyHistoryRepository(storage.db, storage.location, () => resends);
    (await history.append(record))._unsafeUnwrap();
    expect((await history.append(record))._unsafeUnwrapErr().kind).toBe('storage_duplicate');
    const resent = history.append(record);
    resends += 1; // the connection was lost after the commit and the statement sent again while this append ran
    (await resent)._unsafeUnwrap();
    expect((await history.count(runId))._unsafeUnwrap()).toBe(1);
    resends += 1;
    const other = history.append(sampleRecord({ runId, iteration: 0, feedbackUsed: 'other' }));
    resends += 1;
    expect((await other)._unsafeUnwrapErr().kind).toBe('storage_duplicate');
  });

  it('gives up after its time with storage_unavailable naming the server, and works again once the server is back', async () => {
    await allowConnections(false);
    await terminateAll();
    const lost = await storage.history.count('anything');
    expect(lost.isErr()).toBe(true);
    const error = lost._unsafeUnwrapErr();
    expect(error.kind).toBe('storage_unavailable');
    expect(error.message).toContain(`${target.hostname}:${target.port || '5432'}`);
    expect(error.message).toMatch(/still lost after trying again for \d+ s/);
    expect(error.message).toContain('DATABASE_URL');
    await allowConnections(true);
    expect((await storage.history.count('anything'))._unsafeUnwrap()).toBe(0);
  });

  it('does not wait at start-up: a database that refuses connections is reported at once', async () => {
    await allowConnections(false);
    try {
      let retried = 0;
      const refused = await openStorage({ kind: 'postgres', connectionString: target.toString(), onReconnect: () => (retried += 1) });
      expect(refused._unsafeUnwrapErr().kind).toBe('storage_unavailable');
      expect(retried).toBe(0);
    } finally {
      await allowConnections(true);
    }
  });
});
