import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUrl, runCli, storedHistory, tempDir } from './cli.js';

const url = postgresUrl();

describe.runIf(url !== null)('alphaloop run on PostgreSQL (DATABASE_URL)', () => {
  const database = `alphaloop_e2e_${randomUUID().replaceAll('-', '')}`;
  let databaseUrl = '';
  const admin = () => new pg.Client({ connectionString: url ?? '' });

  beforeAll(async () => {
    const client = admin();
    await client.connect();
    await client.query(`create database ${database}`);
    await client.end();
    const target = new URL(url ?? '');
    target.pathname = `/${database}`;
    databaseUrl = target.toString();
  });

  afterAll(async () => {
    const client = admin();
    await client.connect();
    await client.query(`drop database if exists ${database} with (force)`);
    await client.end();
  });

  it('runs 10 iterations and resumes to 15 with continuous numbering', async () => {
    const cwd = tempDir('postgres');
    const env = { DATABASE_URL: databaseUrl };
    const first = await runCli(['run', '--iterations', '10'], { cwd, env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('on PostgreSQL');
    const resumed = await runCli(['run', '--iterations', '5'], { cwd, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain("Run 'default': 5 iterations (10…14)");
    expect((await storedHistory({ cwd, env })).map((r) => r.iteration)).toEqual(Array.from({ length: 15 }, (_, i) => i));
  });
});
