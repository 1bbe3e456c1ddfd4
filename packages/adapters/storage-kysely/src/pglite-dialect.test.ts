import { PGlite } from '@electric-sql/pglite';
import { AbortedTransactionError, Kysely, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SLOW_START_MS } from '../test/timeouts.js';
import { Mutex, PGliteDialect } from './pglite-dialect.js';

interface T {
  t: { id: number; v: string | null };
}

let pglite: PGlite;
let db: Kysely<T>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ids = async () => (await db.selectFrom('t').select('id').orderBy('id').execute()).map((r) => r.id);

beforeAll(async () => {
  pglite = await PGlite.create();
  db = new Kysely<T>({ dialect: new PGliteDialect(pglite) });
  await sql`create table t (id integer primary key, v text)`.execute(db);
}, SLOW_START_MS);

afterAll(async () => {
  await db?.destroy();
});

beforeEach(async () => {
  await db.deleteFrom('t').execute();
});

describe('PGliteDialect', () => {
  it('reports affected rows for INSERT, UPDATE and DELETE (kysely-pglite said 0 for UPDATE)', async () => {
    const inserted = await db.insertInto('t').values([{ id: 1, v: 'a' }, { id: 2, v: 'b' }]).executeTakeFirst();
    expect(inserted.numInsertedOrUpdatedRows).toBe(2n);
    const updated = await db.updateTable('t').set({ v: 'c' }).where('id', '=', 1).executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(1n);
    const none = await db.updateTable('t').set({ v: 'c' }).where('id', '=', 99).executeTakeFirst();
    expect(none.numUpdatedRows).toBe(0n);
    const deleted = await db.deleteFrom('t').executeTakeFirst();
    expect(deleted.numDeletedRows).toBe(2n);
  });

  it('keeps a query from outside a transaction out of it (kysely-pglite lost it on rollback)', async () => {
    await db.insertInto('t').values({ id: 1, v: null }).execute();
    const rolledBack = db.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ id: 2, v: null }).execute();
      await sleep(50);
      throw new Error('roll back');
    });
    const outside = (async () => {
      await sleep(10);
      await db.insertInto('t').values({ id: 3, v: null }).execute();
    })();
    const [tx, out] = await Promise.allSettled([rolledBack, outside]);
    expect(tx.status).toBe('rejected');
    expect(out.status).toBe('fulfilled');
    expect(await ids()).toEqual([1, 3]);
  });

  it('supports savepoints: roll back to one, release one, commit the rest', async () => {
    const trx = await db.startTransaction().execute();
    await trx.insertInto('t').values({ id: 10, v: null }).execute();
    const afterTen = await trx.savepoint('after_ten').execute();
    await afterTen.insertInto('t').values({ id: 11, v: null }).execute();
    const backToTen = await afterTen.rollbackToSavepoint('after_ten').execute();
    await backToTen.insertInto('t').values({ id: 12, v: null }).execute();
    const kept = await backToTen.savepoint('keep').execute();
    await kept.insertInto('t').values({ id: 13, v: null }).execute();
    await (await kept.releaseSavepoint('keep').execute()).commit().execute();
    expect(await ids()).toEqual([10, 12, 13]);
  });

  it('refuses to commit a transaction an error has aborted, and stores none of it', async () => {
    const trx = await db.startTransaction().execute();
    await trx.insertInto('t').values({ id: 20, v: null }).execute();
    await expect(trx.insertInto('t').values({ id: 20, v: null }).execute()).rejects.toMatchObject({ code: '23505' });
    await expect(trx.commit().execute()).rejects.toBeInstanceOf(AbortedTransactionError);
    expect(await ids()).toEqual([]);
  });

  it('runs transactions with an isolation level and access mode', async () => {
    await db.transaction().setIsolationLevel('serializable').execute((trx) => trx.insertInto('t').values({ id: 30, v: null }).execute());
    await expect(
      db.transaction().setAccessMode('read only').execute((trx) => trx.insertInto('t').values({ id: 31, v: null }).execute()),
    ).rejects.toMatchObject({ code: '25006' });
    expect(await ids()).toEqual([30]);
  });

  it('serialises 20 concurrent transactions on the one connection without losing any', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.transaction().execute(async (trx) => {
          await trx.insertInto('t').values({ id: 100 + i, v: null }).execute();
          await sleep(1);
        }),
      ),
    );
    expect(await ids()).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i));
  });
});

describe('Mutex', () => {
  it('hands the lock out first come, first served, one holder at a time', async () => {
    const mutex = new Mutex();
    const order: string[] = [];
    const hold = async (name: string, ms: number) => {
      const release = await mutex.acquire();
      order.push(`+${name}`);
      await sleep(ms);
      order.push(`-${name}`);
      release();
    };
    await Promise.all([hold('a', 20), hold('b', 1), hold('c', 5)]);
    expect(order).toEqual(['+a', '-a', '+b', '-b', '+c', '-c']);
  });
});

describe('PGliteDialect destroy (runs last: it closes the shared instance)', () => {
  it('closes PGlite', async () => {
    await sql`select 1`.execute(db);
    await db.destroy();
    expect(pglite.closed).toBe(true);
  });
});
