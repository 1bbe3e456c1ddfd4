import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRecord } from '@alphaloop/ports/contracts';
import { describePostgres, useThrowawayStorage } from '../test/pg-gate.js';
import { spawnChild, type Child } from '../test/spawn.js';
import { MULTI_PROCESS_MS } from '../test/timeouts.js';
import { openStorage, type Storage } from './index.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A test-only trigger that stalls the insert of iteration 3 of `runId` — the last write of an append,
 * after the run counter, the champion, its history row and the strategies are written — before the
 * append's statement (its whole transaction) commits.
 */
async function installStall(storage: Storage, runId: string, seconds: number): Promise<void> {
  await sql`create or replace function stall_doomed() returns trigger language plpgsql as $$
    begin
      if new.run_id = ${sql.lit(runId)} and new.iteration = 3 then perform pg_sleep(${sql.lit(seconds)}); end if;
      return new;
    end $$`.execute(storage.db);
  await sql`create trigger stall_doomed after insert on iterations for each row execute function stall_doomed()`.execute(storage.db);
}

/** The doomed append (iteration 3, champion 1 → 2) left nothing behind; the three before it are whole. */
async function expectNothingOfTheDoomedAppend(storage: Storage, runId: string): Promise<void> {
  const records = (await storage.history.page(runId, { offset: 0, limit: 10 }))._unsafeUnwrap();
  expect(records.map((r) => r.iteration)).toEqual([0, 1, 2]);
  expect((await storage.champions.get(runId))._unsafeUnwrap()).toMatchObject({ version: 1, strategyId: 'crash-champion-1' });
  expect((await storage.champions.history(runId))._unsafeUnwrap().map((c) => c.version)).toEqual([1]);
  const leftovers = await storage.db
    .selectFrom('strategies')
    .select('strategy_id')
    .where('strategy_id', 'in', ['crash-champion-2', 'crash-record-strategy'])
    .execute();
  expect(leftovers).toEqual([]);
  // its number stays claimed by a process that is gone: the next start records it as interrupted
  expect((await storage.history.unfinished(runId))._unsafeUnwrap().map((u) => [u.iteration, u.ownerAlive])).toEqual([[3, false]]);
}

/** The numbering goes on after the doomed number (3): it is never reused, and appending works. */
async function expectNumberingContinues(storage: Storage, runId: string, after: number): Promise<void> {
  const next = (await storage.history.allocateIteration(runId))._unsafeUnwrap();
  expect(next).toBe(after + 1);
  (await storage.history.append(sampleRecord({ runId, iteration: next })))._unsafeUnwrap();
  expect((await storage.history.recent(runId, 1))._unsafeUnwrap().map((r) => r.iteration)).toEqual([next]);
}

async function killWhileStalled(child: Child, stalled: () => Promise<void>): Promise<void> {
  const appending = await child.waitFor('appending', MULTI_PROCESS_MS / 2);
  expect(appending.iteration).toBe(3);
  await stalled();
  child.kill('SIGKILL');
  const exit = await child.exit;
  expect(exit.signal).toBe('SIGKILL');
  expect(child.messages.some((m) => m.event === 'appended')).toBe(false);
}

describe('a process SIGKILLed in the middle of an append transaction: PGlite on disk', () => {
  let root = '';
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'alphaloop-crash-'));
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('leaves no partial record, and the next run continues the numbering', async () => {
    const dataDir = join(root, 'db');
    const runId = 'crash';
    const setup = (await openStorage({ kind: 'pglite', dataDir }))._unsafeUnwrap();
    await installStall(setup, runId, 120);
    await setup.close();

    // PGlite runs inside the child: while the trigger sleeps, the child's whole event loop is stalled
    // in the middle of the statement, so the kill lands there.
    const child = spawnChild('crash-worker.ts', [runId, 'pglite', dataDir]);
    await killWhileStalled(child, () => sleep(1500));

    expect(existsSync(`${dataDir}.lock`)).toBe(true); // the dead process's lock is still there …
    const storage = (await openStorage({ kind: 'pglite', dataDir }))._unsafeUnwrap(); // … and is taken over
    try {
      await expectNothingOfTheDoomedAppend(storage, runId);
      await expectNumberingContinues(storage, runId, 3);
    } finally {
      await storage.close();
    }
  }, MULTI_PROCESS_MS);
});

describePostgres('a process SIGKILLed in the middle of an append transaction: PostgreSQL', (url) => {
  const throwaway = useThrowawayStorage(url);

  it('leaves no partial record: nothing while the orphaned statement runs, all of it if the server finishes it', async () => {
    const runId = `crash-${randomUUID()}`;
    await installStall(throwaway.storage(), runId, 3);
    const child = spawnChild('crash-worker.ts', [runId, 'postgres', url, throwaway.schema()]);
    const sleeping = async () => {
      const rows = await sql<{ pid: number }>`select pid from pg_stat_activity
        where application_name = 'alphaloop' and wait_event = 'PgSleep' and query like '%alphaloop_append%' and pid <> pg_backend_pid()`.execute(throwaway.storage().db);
      return rows.rows.map((r) => r.pid);
    };
    let orphan: number[] = [];
    await killWhileStalled(child, async () => {
      for (let i = 0; i < 200 && orphan.length === 0; i += 1) {
        orphan = await sleeping();
        if (orphan.length === 0) await sleep(50);
      }
      expect(orphan).toHaveLength(1);
    });

    // The client is dead, its statement is still stalled on the server: none of it is visible.
    await expectNothingOfTheDoomedAppend(throwaway.storage(), runId);

    // PostgreSQL finishes a statement whose client died (it notices only when it next talks to the
    // client) and commits it — as a whole: record, champion change, history row and strategy together.
    for (let i = 0; i < 200 && (await sleeping()).length > 0; i += 1) await sleep(50);
    const records = (await throwaway.storage().history.page(runId, { offset: 0, limit: 10 }))._unsafeUnwrap();
    expect(records.map((r) => r.iteration)).toEqual([0, 1, 2, 3]);
    expect((await throwaway.storage().champions.get(runId))._unsafeUnwrap()).toMatchObject({ version: 2, strategyId: 'crash-champion-2', iteration: 3 });
    expect((await throwaway.storage().champions.history(runId))._unsafeUnwrap().map((c) => c.version)).toEqual([1, 2]);
    await expectNumberingContinues(throwaway.storage(), runId, 3);
  }, MULTI_PROCESS_MS);
});
