import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

export const BIN = fileURLToPath(new URL('../../apps/cli/bin/alphaloop.mjs', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Starts `alphaloop ARGS` as a user would, in `cwd`, without DATABASE_URL unless given. */
export function spawnCli(args: readonly string[], options: CliOptions): ChildProcess {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, DATABASE_URL: undefined, ...options.env })) {
    if (value !== undefined) env[key] = value;
  }
  return spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function runCli(args: readonly string[], options: CliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export const tempDir = (label: string): string => mkdtempSync(join(tmpdir(), `alphaloop-e2e-${label}-`));

/** The JSON events of `run --json` (one per line). */
export function events(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export interface StoredRecord {
  readonly iteration: number;
  readonly level: number;
  readonly source: string;
  readonly championUpdated: boolean;
  readonly metrics: { readonly sharpe: number | null };
}

export async function storedHistory(options: CliOptions, run = 'default'): Promise<StoredRecord[]> {
  const result = await runCli(['history', '--run', run, '--json', '--limit', '100000'], options);
  if (result.code !== 0) throw new Error(`history failed: ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as StoredRecord);
}

/**
 * PostgreSQL for end-to-end tests: ALPHALOOP_PG_URL. In CI its absence is a failure, elsewhere a skip
 * with a message.
 */
export function postgresUrl(): string | null {
  const url = process.env.ALPHALOOP_PG_URL;
  if (url) return url;
  if (process.env.CI) throw new Error('ALPHALOOP_PG_URL is not set: the PostgreSQL end-to-end tests are required in CI');
  console.warn('skipping PostgreSQL end-to-end tests: set ALPHALOOP_PG_URL=postgres://postgres@127.0.0.1:5432/test to run them');
  return null;
}

/**
 * A PostgreSQL database of the test's own, created before its tests and dropped (with its sessions) after them:
 * `url()` is its connection string, `name` its name (for pg_stat_activity).
 */
export function useOwnDatabase(adminUrl: string, prefix: string): { readonly name: string; readonly url: () => string } {
  const name = `${prefix}_${randomUUID().replaceAll('-', '')}`;
  let url = '';
  const admin = async (query: string): Promise<void> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(query);
    } finally {
      await client.end();
    }
  };
  beforeAll(async () => {
    await admin(`create database ${name}`);
    const target = new URL(adminUrl);
    target.pathname = `/${name}`;
    url = target.toString();
  });
  afterAll(() => admin(`drop database if exists ${name} with (force)`));
  return { name, url: () => url };
}
