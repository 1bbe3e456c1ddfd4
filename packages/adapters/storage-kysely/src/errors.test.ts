import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describePostgres, withClient } from '../test/pg-gate.js';
import { canMountPrivately, freePort, startPrivatePostgres } from '../test/private-postgres.js';
import { spawnChild } from '../test/spawn.js';
import { MULTI_PROCESS_MS, SLOW_START_MS } from '../test/timeouts.js';
import { openStorage, toStorageError } from './index.js';

const PRIVATE_MOUNTS = canMountPrivately();
if (!PRIVATE_MOUNTS) console.warn('[skipped] read-only and disk-full tests on a private tmpfs need root and `unshare --mount`');

/** Runs a child inside its own mount namespace, with a private tmpfs at `mount` prepared by `setup` (sh). */
function underPrivateMount(mount: string, setup: string, script: string, args: readonly string[]) {
  mkdirSync(mount, { recursive: true });
  return spawnChild(script, args, ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', `${setup} && exec "$@"`, mount]);
}

describe('PostgreSQL that cannot be reached', () => {
  it('names host:port and DATABASE_URL when nothing listens', async () => {
    const port = await freePort();
    const error = (await openStorage({ kind: 'postgres', connectionString: `postgres://alice:s3cret@127.0.0.1:${port}/alphaloop` }))._unsafeUnwrapErr();
    expect(error.kind).toBe('storage_unavailable');
    expect(error.message).toContain(`cannot reach PostgreSQL at 127.0.0.1:${port} (connection refused) — start it or fix DATABASE_URL`);
    expect(error.message).not.toContain('s3cret');
  });

  it('names the host when it does not resolve', async () => {
    const error = (await openStorage({ kind: 'postgres', connectionString: 'postgres://u@no-such-host.invalid:5432/x', connectTimeoutMs: 5000 }))._unsafeUnwrapErr();
    expect(error.kind).toBe('storage_unavailable');
    expect(error.message).toMatch(/no-such-host\.invalid.*DATABASE_URL/);
  });
});

describe('authentication failure', () => {
  const password = `pw-${randomUUID()}`;
  let stop: (() => void) | null = null;
  afterAll(() => stop?.());

  it('names the user and DATABASE_URL for a wrong password, never the password', async (ctx) => {
    // A role with a password on the configured server, if it asks for passwords on 127.0.0.1 …
    const shared = process.env.ALPHALOOP_PG_URL;
    if (shared) {
      const role = `t_auth_${randomUUID().replace(/-/g, '')}`;
      await withClient(shared, (c) => c.query(`create role ${role} login password 'right-password'`));
      try {
        const url = new URL(shared);
        url.username = role;
        url.password = 'wrong-password';
        const trusted = await withClient(url.toString(), async () => true).catch(() => false);
        if (!trusted) {
          const error = (await openStorage({ kind: 'postgres', connectionString: url.toString() }))._unsafeUnwrapErr();
          expect(error.kind).toBe('storage_unavailable');
          expect(error.message).toContain(`authentication failed for user "${role}"`);
          expect(error.message).toContain('fix the user/password in DATABASE_URL');
          expect(error.message).not.toContain('wrong-password');
          return;
        }
        // the server let a wrong password in (trust on 127.0.0.1): use a private cluster that does not
      } finally {
        await withClient(shared, (c) => c.query(`drop role ${role}`));
      }
    }
    // … otherwise a private cluster with scram authentication.
    const cluster = await startPrivatePostgres(password);
    if (typeof cluster === 'string') {
      console.warn(`[skipped] wrong-password test: ${cluster}`);
      ctx.skip();
      return;
    }
    stop = cluster.stop;
    const ok = (await openStorage({ kind: 'postgres', connectionString: `postgres://postgres:${password}@127.0.0.1:${cluster.port}/postgres` }))._unsafeUnwrap();
    await ok.close();
    const error = (await openStorage({ kind: 'postgres', connectionString: `postgres://postgres:not-${password}@127.0.0.1:${cluster.port}/postgres` }))._unsafeUnwrapErr();
    expect(error.kind).toBe('storage_unavailable');
    expect(error.message).toContain(`authentication failed for user "postgres" at 127.0.0.1:${cluster.port} (password authentication failed`);
    expect(error.message).toContain('fix the user/password in DATABASE_URL');
    expect(error.message).not.toContain(password);
  }, MULTI_PROCESS_MS);
});

describePostgres('PostgreSQL refusing the connection', (url) => {
  it('names the user for a role that does not exist or may not log in', async () => {
    const role = `t_nologin_${randomUUID().replace(/-/g, '')}`;
    const as = (user: string) => {
      const u = new URL(url);
      u.username = user;
      return u.toString();
    };
    const missing = (await openStorage({ kind: 'postgres', connectionString: as(`${role}_missing`) }))._unsafeUnwrapErr();
    expect(missing.message).toContain(`authentication failed for user "${role}_missing"`);
    await withClient(url, (c) => c.query(`create role ${role} nologin`));
    try {
      const nologin = (await openStorage({ kind: 'postgres', connectionString: as(role) }))._unsafeUnwrapErr();
      expect(nologin.message).toMatch(new RegExp(`authentication failed for user "${role}".*not permitted to log in.*DATABASE_URL`));
    } finally {
      await withClient(url, (c) => c.query(`drop role ${role}`));
    }
  });

  it('names a database that does not exist', async () => {
    const u = new URL(url);
    u.pathname = '/no_such_database_for_alphaloop';
    const error = (await openStorage({ kind: 'postgres', connectionString: u.toString() }))._unsafeUnwrapErr();
    expect(error.message).toMatch(/database "no_such_database_for_alphaloop" does not exist at .* — create it \(createdb no_such_database_for_alphaloop\) or fix DATABASE_URL/);
  });
});

describe('PGlite data directory problems', () => {
  let root = '';
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'alphaloop-dirs-'));
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('names the directory and --db when part of the path is a file', async () => {
    writeFileSync(join(root, 'plain-file'), '');
    const dataDir = join(root, 'plain-file', 'db');
    const error = (await openStorage({ kind: 'pglite', dataDir }))._unsafeUnwrapErr();
    expect(error.kind).toBe('storage_unavailable');
    expect(error.message).toMatch(new RegExp(`data directory ${dataDir} cannot be created.*--db`));
  });

  it.runIf(process.getuid?.() !== 0)('names the directory and --db when it is not writable (chmod, non-root)', async () => {
    const dataDir = join(root, 'locked');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o555);
    const error = (await openStorage({ kind: 'pglite', dataDir }))._unsafeUnwrapErr();
    expect(error.message).toMatch(new RegExp(`data directory ${dataDir} is not writable \\(EACCES\\).*--db`));
  });

  it.runIf(PRIVATE_MOUNTS)('names the directory and --db on a read-only file system (private tmpfs remounted ro)', { timeout: SLOW_START_MS }, async () => {
    const mount = join(root, 'ro');
    const child = underPrivateMount(mount, 'mount -t tmpfs -o size=8m tmpfs "$0" && mkdir "$0/db" && mount -o remount,ro "$0"', 'open-worker.ts', [join(mount, 'db')]);
    const result = await child.waitFor('result', SLOW_START_MS);
    expect(result).toMatchObject({ ok: false, kind: 'storage_unavailable' });
    expect(result.message).toMatch(/data directory .*\/ro\/db is not writable \(EROFS\) — make it writable, or pass another directory with --db/);
  });

  it.runIf(PRIVATE_MOUNTS)('names the directory and --db when the disk is already full at start', { timeout: SLOW_START_MS }, async () => {
    const mount = join(root, 'full-at-start');
    const child = underPrivateMount(mount, 'mount -t tmpfs -o size=1m tmpfs "$0" && { dd if=/dev/zero of="$0/filler" bs=64k 2>/dev/null; true; }', 'open-worker.ts', [join(mount, 'db')]);
    const result = await child.waitFor('result', SLOW_START_MS);
    expect(result).toMatchObject({ ok: false, kind: 'storage_unavailable' });
    expect(result.message).toMatch(/disk full: cannot write to the data directory .*\/full-at-start\/db .*--db/);
  });

  it.runIf(PRIVATE_MOUNTS)('reports a disk that fills up while running, keeps every stored record whole, and recovers when space is freed', async () => {
    const mount = join(root, 'fills-up');
    const child = underPrivateMount(mount, 'mount -t tmpfs -o size=72m tmpfs "$0"', 'disk-full-worker.ts', [mount]);
    const result = await child.waitFor('result', MULTI_PROCESS_MS / 2);
    expect(result.failure).toMatchObject({ kind: 'storage_unavailable' });
    expect((result.failure as { message: string }).message).toMatch(/disk full: cannot write to the data directory .*\/fills-up\/db .*No space left on device.*--db/);
    expect(result.counted).toBe(result.stored); // no partial record: exactly the appends that succeeded
    expect(result.readable).toBe(result.stored); // and every one of them reads back whole
    expect(result.afterFreeing).toMatchObject({ ok: true });
  }, MULTI_PROCESS_MS);
});

describe('error mapping', () => {
  const pgLocation = { backend: 'postgres', host: 'db.example', port: '5432', user: 'alice', database: 'loop' } as const;
  it.each([
    ['23505', 'storage_duplicate', /duplicate/],
    ['53100', 'storage_unavailable', /out of disk space/],
    ['25006', 'storage_unavailable', /read-only .*writable primary/],
    ['57P01', 'storage_unavailable', /refused or dropped the connection/],
    ['08006', 'storage_unavailable', /lost the connection/],
    ['42501', 'storage_unavailable', /user "alice" lacks a privilege/],
    ['XX000', 'storage_failure', /doing it: boom/],
  ])('maps SQLSTATE %s from PostgreSQL to %s', (code, kind, message) => {
    const error = toStorageError(Object.assign(new Error(code === '23505' ? 'duplicate key' : 'boom'), { code }), pgLocation, 'doing it');
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(message);
  });

  it('reads the code of an AggregateError (Node tries IPv4 and IPv6)', () => {
    const refused = new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })], '');
    expect(toStorageError(refused, pgLocation, 'x').message).toContain('cannot reach PostgreSQL at db.example:5432');
  });

  it('says the embedded database stopped when PGlite is closed or aborted', () => {
    const error = toStorageError(new Error('PGlite is closed'), { backend: 'pglite', dataDir: '.alphaloop/db' }, 'x');
    expect(error).toMatchObject({ kind: 'storage_unavailable', message: expect.stringMatching(/embedded database at \.alphaloop\/db stopped.*--db/) });
  });
});
