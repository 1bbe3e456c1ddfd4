import { describe, expect, it } from 'vitest';
import { events, runCli, spawnCli, storedHistory, tempDir } from './cli.js';

describe('alphaloop run on the embedded default (PGlite + synthetic market + factor graph)', () => {
  const cwd = tempDir('pglite');

  it('runs 10 iterations, resumes to 15 with continuous numbering', async () => {
    const first = await runCli(['run', '--iterations', '10'], { cwd });
    expect(first.stderr).toContain('no LLM configured');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("Run 'default': 10 iterations (0…9)");
    const resumed = await runCli(['run', '--iterations', '5'], { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain("Run 'default': 5 iterations (10…14)");
    const history = await storedHistory({ cwd });
    expect(history.map((r) => r.iteration)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(history.every((r) => r.source === 'factor_graph')).toBe(true);
  });

  it('loses nothing when killed with SIGKILL during an iteration, and continues the numbering', async () => {
    const before = await storedHistory({ cwd });
    const child = spawnCli(['run', '--iterations', '200'], { cwd });
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        // two iterations done: the third is in flight
        if (/\[\s*2\/200\]/.test(seen)) resolve();
      });
      child.on('close', () => reject(new Error(`the run ended before it could be killed:\n${seen}`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('close', resolve));

    const after = await storedHistory({ cwd });
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.length).toBeGreaterThanOrEqual(before.length + 2);
    const numbers = after.map((r) => r.iteration);
    expect(new Set(numbers).size).toBe(numbers.length);

    const resumed = await runCli(['run', '--iterations', '2', '--json'], { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    const finished = events(resumed.stdout).find((e) => e.type === 'finished') as { summary: { firstIteration: number; iterationsRun: number } };
    expect(finished.summary.iterationsRun).toBe(2);
    expect(finished.summary.firstIteration).toBeGreaterThan(Math.max(...numbers));
    const final = await storedHistory({ cwd });
    expect(final.slice(0, after.length)).toEqual(after);
    // the iteration in flight when it was killed, if it had claimed its number, is recorded on resume as level 0 interrupted
    const added = final.slice(after.length);
    const interrupted = added.filter((r) => (r as unknown as { error: { category: string } | null }).error?.category === 'interrupted');
    expect(interrupted.length).toBeLessThanOrEqual(1);
    expect(added).toHaveLength(2 + interrupted.length);
    expect(final.map((r) => r.iteration)).toEqual(final.map((_, i) => i));
  });

  it('lists the run, its champion and exports it as JSONL that imports into a new run', async () => {
    const runs = await runCli(['runs', '--json'], { cwd });
    expect(runs.code, runs.stderr).toBe(0);
    const list = JSON.parse(runs.stdout) as { runId: string; iterations: number }[];
    expect(list[0]).toMatchObject({ runId: 'default' });
    const exported = await runCli(['export', '--out', 'default.jsonl'], { cwd });
    expect(exported.code, exported.stderr).toBe(0);
    const imported = await runCli(['import', 'default.jsonl', '--run', 'copy'], { cwd });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`imported ${list[0]?.iterations} records into run 'copy' (0 already present`);
    const again = await runCli(['import', 'default.jsonl', '--run', 'copy'], { cwd });
    expect(again.stdout).toContain(`imported 0 records into run 'copy' (${list[0]?.iterations} already present`);
    expect((await storedHistory({ cwd }, 'copy')).length).toBe(list[0]?.iterations);
  });
});
