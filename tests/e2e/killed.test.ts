import { describe, expect, it } from 'vitest';
import { runCli, spawnCli, storedHistory, tempDir } from './cli.js';

/** `alphaloop run` SIGKILLed (no chance to clean up) just after its `lines`-th iteration line; resolves when it is dead. */
function killedAfter(cwd: string, lines: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(['run', '--run', 'killed', '--until-stopped', '--symbols', '60'], { cwd });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // 50 ms after the line, the next iteration has its number and is being measured (an iteration takes longer)
      if ((stderr.match(/^\[\d+\/∞\]/gm) ?? []).length >= lines) setTimeout(() => child.kill('SIGKILL'), 50);
    });
    child.on('error', reject);
    child.on('close', () => resolve());
  });
}

describe('a run SIGKILLed five times, then resumed', () => {
  it('has a record for every number it handed out: the iterations in flight are level 0 interrupted, no gaps', async () => {
    const cwd = tempDir('killed');
    for (let kill = 0; kill < 5; kill++) await killedAfter(cwd, 2);
    const resumed = await runCli(['run', '--run', 'killed', '--iterations', '2', '--symbols', '60'], { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    const records = await storedHistory({ cwd }, 'killed');
    expect(records.map((r) => r.iteration)).toEqual(records.map((_, i) => i));
    const interrupted = records.filter((r) => (r as unknown as { error: { category: string } | null }).error?.category === 'interrupted');
    // each kill lands while the next iteration runs (its number claimed) or, rarely, between two
    expect(interrupted.length).toBeGreaterThanOrEqual(1);
    expect(interrupted.length).toBeLessThanOrEqual(5);
    for (const r of interrupted) expect(r.level).toBe(0);
    // the kills before the last were found by the next start; the resumed run reports what it recorded
    expect(resumed.stderr + records.length).toMatch(/interrupted: iterations? [\d, ]+ stopped with (its|their) process before being stored|^\d+$/m);
  }, 180_000);
});
