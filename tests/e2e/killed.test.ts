import { describe, expect, it } from 'vitest';
import { runCli, spawnCli, storedHistory, tempDir } from './cli.js';

/** `alphaloop run` SIGKILLed (no chance to clean up) just after its `lines`-th iteration line; resolves with its stderr when it is dead. */
function killedAfter(cwd: string, lines: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(['run', '--run', 'killed', '--until-stopped', '--symbols', '60'], { cwd });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // 50 ms after the line, the next iteration has its number and is being measured (an iteration takes longer)
      if ((stderr.match(/^\[\d+\/∞\]/gm) ?? []).length >= lines) setTimeout(() => child.kill('SIGKILL'), 50);
    });
    child.on('error', reject);
    child.on('close', () => resolve(stderr));
  });
}

describe('a run SIGKILLed five times, then resumed', () => {
  it('has a record for every number it handed out: the iterations in flight are level 0 interrupted, no gaps', async () => {
    const cwd = tempDir('killed');
    const said: string[] = [];
    for (let kill = 0; kill < 5; kill++) said.push(await killedAfter(cwd, 2));
    const resumed = await runCli(['run', '--run', 'killed', '--iterations', '2', '--symbols', '60'], { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    const records = await storedHistory({ cwd }, 'killed');
    expect(records.map((r) => r.iteration)).toEqual(records.map((_, i) => i));
    const interrupted = records.filter((r) => (r as unknown as { error: { category: string } | null }).error?.category === 'interrupted');
    // each kill lands while the next iteration runs (its number claimed) or, rarely, between two
    expect(interrupted.length).toBeGreaterThanOrEqual(1);
    expect(interrupted.length).toBeLessThanOrEqual(5);
    for (const r of interrupted) expect(r.level).toBe(0);
    // each kill's iteration in flight is found by the next start, which says so: the numbers said are the ones recorded
    const reported = [...said, resumed.stderr].join('\n')
      .matchAll(/interrupted: iterations? ([\d, ]+) stopped with (?:its|their) process before being stored/g);
    const numbers = [...reported].flatMap((m) => (m[1] as string).split(', ').map(Number));
    expect(numbers.sort((a, b) => a - b)).toEqual(interrupted.map((r) => r.iteration));
  }, 180_000);
});
