import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openStorage, type Storage } from '../src/index.js';

/**
 * The one gate for every PostgreSQL test. `ALPHALOOP_PG_URL` set → the tests run (and fail if the
 * server is unreachable). Unset → in CI (`CI` set) the tests FAIL, because the PostgreSQL run is
 * required there; elsewhere they are skipped with a printed message.
 */
export const PG_URL: string | null = process.env.ALPHALOOP_PG_URL || null;

export function describePostgres(name: string, body: (url: string) => void): void {
  if (PG_URL !== null) {
    describe(name, () => body(PG_URL));
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('needs PostgreSQL: ALPHALOOP_PG_URL is required in CI', () => {
        throw new Error('ALPHALOOP_PG_URL is not set, but CI is: the PostgreSQL tests are required in CI (e.g. postgres://postgres@127.0.0.1:5432/test)');
      });
    });
    return;
  }
  console.warn(`[skipped] ${name}: set ALPHALOOP_PG_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run the PostgreSQL tests`);
  describe.skip(name, () => body(''));
}

/** A schema of its own for one test file: `create schema t_<uuid>` … `drop schema … cascade`. */
export interface ThrowawaySchema {
  readonly schema: string;
  drop(): Promise<void>;
}

export async function createThrowawaySchema(url: string): Promise<ThrowawaySchema> {
  const schema = `t_${randomUUID().replace(/-/g, '')}`;
  await withClient(url, (c) => c.query(`create schema ${schema}`));
  return { schema, drop: () => withClient(url, (c) => c.query(`drop schema if exists ${schema} cascade`)).then(() => undefined) };
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Opens a storage on a throwaway schema before the tests of the enclosing `describe` and closes and drops
 * it after them. The getters are valid inside tests (after `beforeAll`).
 */
export function useThrowawayStorage(url: string): { readonly storage: () => Storage; readonly schema: () => string } {
  let schema: ThrowawaySchema | undefined;
  let storage: Storage | undefined;
  beforeAll(async () => {
    schema = await createThrowawaySchema(url);
    storage = (await openStorage({ kind: 'postgres', connectionString: url, schema: schema.schema }))._unsafeUnwrap();
  });
  afterAll(async () => {
    await storage?.close();
    await schema?.drop();
  });
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the throwaway ${what} is used before beforeAll opened it`);
    return value;
  };
  return { storage: () => need(storage, 'storage'), schema: () => need(schema, 'schema').schema };
}
