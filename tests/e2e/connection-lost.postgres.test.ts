import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresUrl, runCli, storedHistory, tempDir, useOwnDatabase } from './cli.js';

const url = postgresUrl();

/**
 * The hostile user's case: several workers on one PostgreSQL database, and every backend of that database
 * terminated while they run (pg_terminate_backend, as a failover or an administrator would). Before: 3 of 6
 * processes died with `Unhandled 'error' event … 57P01`. Now each reconnects and finishes, and every record is
 * stored once. Runs in a database of its own, dropped afterwards.
 */
describe.runIf(url !== null)('PostgreSQL connections terminated under running workers', () => {
  const own = useOwnDatabase(url ?? '', 'alphaloop_drop');
  const database = own.name;
  const admin = async (): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: url ?? '' });
    await client.connect();
    return client;
  };
  const terminate = async (): Promise<number> => {
    const client = await admin();
    try {
      const result = await client.query<{ n: string }>(
        'select count(pg_terminate_backend(pid)) as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [database],
      );
      return Number(result.rows[0]?.n ?? 0);
    } finally {
      await client.end();
    }
  };
  const storedCount = async (): Promise<number> => {
    const client = new pg.Client({ connectionString: own.url() });
    await client.connect();
    try {
      const result = await client.query<{ n: string }>("select count(*) as n from iterations where run_id like 'drop%'").catch(() => ({ rows: [{ n: '0' }] }));
      return Number(result.rows[0]?.n ?? 0);
    } finally {
      await client.end();
    }
  };

  it('three workers reconnect after every backend is terminated twice, and store each iteration once', async () => {
    const iterations = 150;
    const env = { DATABASE_URL: own.url() };
    const cwd = tempDir('connection-lost');
    const workers = [1, 2, 3].map((n) => runCli(['run', '--run', `drop${n}`, '--iterations', String(iterations), '--symbols', '60'], { cwd, env }));
    let terminated = 0;
    for (const threshold of [30, 150]) {
      const deadline = Date.now() + 120_000;
      while ((await storedCount()) < threshold && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
      terminated += await terminate();
    }
    const results = await Promise.all(workers);
    expect(terminated).toBeGreaterThanOrEqual(3);
    for (const [i, result] of results.entries()) {
      expect(result.stderr, `worker ${i + 1}`).not.toMatch(/Unhandled|node:events|\n\s+at /);
      expect(result.code, `worker ${i + 1}: ${result.stderr}`).toBe(0);
      const history = await storedHistory({ cwd, env }, `drop${i + 1}`);
      expect(history.map((r) => r.iteration)).toEqual(Array.from({ length: iterations }, (_, k) => k));
    }
  }, 300_000);
});
