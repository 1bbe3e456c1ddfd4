import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRecord } from '@alphaloop/ports/contracts';
import { createThrowawaySchema, describePostgres, type ThrowawaySchema } from '../test/pg-gate.js';
import { spawnChild } from '../test/spawn.js';
import { openStorage, type Storage } from './index.js';

/** Runs the crash worker to its stop inside a transaction, SIGKILLs it, and returns the iteration it was writing. */
async function killMidTransaction(runId: string, target: readonly string[]): Promise<number> {
  const child = spawnChild('crash-worker.ts', [runId, ...target]);
  const appending = await child.waitFor('appending', 40_000);
  await child.waitFor('in-transaction');
  child.kill('SIGKILL');
  const exit = await child.exit;
  expect(exit.signal).toBe('SIGKILL');
  return appending.iteration as number;
}

/** What must hold after the kill: the three committed records, nothing of the fourth, numbering continues. */
async function expectNoPartialRecord(storage: Storage, runId: string, doomed: number): Promise<void> {
  expect(doomed).toBe(3);
  const records = (await storage.history.page(runId, { offset: 0, limit: 10 }))._unsafeUnwrap();
  expect(records.map((r) => r.iteration)).toEqual([0, 1, 2]);
  const champion = (await storage.champions.get(runId))._unsafeUnwrap();
  expect(champion).toMatchObject({ version: 1, strategyId: 'crash-champion-1' });
  expect((await storage.champions.history(runId))._unsafeUnwrap().map((c) => c.version)).toEqual([1]);
  const leftovers = await storage.db
    .selectFrom('strategies')
    .select('strategy_id')
    .where('strategy_id', 'in', ['crash-champion-2', 'crash-record-strategy'])
    .execute();
  expect(leftovers).toEqual([]);
  // the killed append's number is never reused (a gap is better than a reuse); the run goes on after it
  const next = (await storage.history.allocateIteration(runId))._unsafeUnwrap();
  expect(next).toBe(doomed + 1);
  (await storage.history.append(sampleRecord({ runId, iteration: next })))._unsafeUnwrap();
  expect((await storage.history.recent(runId, 2))._unsafeUnwrap().map((r) => r.iteration)).toEqual([2, next]);
}

describe('a process SIGKILLed inside a transaction: PGlite on disk', () => {
  let root = '';
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'alphaloop-crash-'));
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('leaves no partial record, and the next run continues the numbering', async () => {
    const dataDir = join(root, 'db');
    (await (await openStorage({ kind: 'pglite', dataDir }))._unsafeUnwrap().close()); // create the database first
    const runId = 'crash';
    const doomed = await killMidTransaction(runId, ['pglite', dataDir]);
    expect(existsSync(`${dataDir}.lock`)).toBe(true); // the dead process's lock is still there …
    const storage = (await openStorage({ kind: 'pglite', dataDir }))._unsafeUnwrap(); // … and is taken over
    try {
      await expectNoPartialRecord(storage, runId, doomed);
    } finally {
      await storage.close();
    }
  }, 60_000);
});

describePostgres('a process SIGKILLed inside a transaction: PostgreSQL', (url) => {
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

  it('leaves no partial record, and the next run continues the numbering', async () => {
    const runId = `crash-${randomUUID()}`;
    const doomed = await killMidTransaction(runId, ['postgres', url, schema.schema]);
    await expectNoPartialRecord(storage, runId, doomed);
  }, 60_000);
});
