import { describe, expect, it } from 'vitest';
import { postgresUrl, runCli, storedHistory, tempDir, useOwnDatabase } from './cli.js';

const url = postgresUrl();

describe.runIf(url !== null)('alphaloop run on PostgreSQL (DATABASE_URL)', () => {
  const database = useOwnDatabase(url ?? '', 'alphaloop_e2e');

  it('runs 10 iterations and resumes to 15 with continuous numbering', async () => {
    const cwd = tempDir('postgres');
    const env = { DATABASE_URL: database.url() };
    const first = await runCli(['run', '--iterations', '10'], { cwd, env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('on PostgreSQL');
    const resumed = await runCli(['run', '--iterations', '5'], { cwd, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain("Run 'default': 5 iterations (10…14)");
    expect((await storedHistory({ cwd, env })).map((r) => r.iteration)).toEqual(Array.from({ length: 15 }, (_, i) => i));
  });
});
