import { describe, expect, it } from 'vitest';
import { spawnCli, storedHistory, tempDir, type CliResult } from './cli.js';

/**
 * `alphaloop run --until-stopped`, Ctrl-C'd as a user does: SIGINT once after the first iteration line, and for
 * `twice` a second SIGINT once the command has said it is finishing (two signals sent together reach a process as
 * one). Resolves when the process has exited.
 */
function interrupted(cwd: string, run: string, twice: boolean): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(['run', '--run', run, '--until-stopped', '--symbols', '60'], { cwd });
    let stdout = '';
    let stderr = '';
    let sent = false;
    let second = false;
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!sent && /^\[\d+\/∞\]/m.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
      if (twice && !second && stderr.includes('finishing the current iteration')) {
        second = true;
        child.kill('SIGINT');
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('Ctrl-C on the real command', () => {
  const cwd = tempDir('interrupt');

  it('once: finishes the iteration, stores it, prints the summary and exits 130', async () => {
    const result = await interrupted(cwd, 'once', false);
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain('finishing the current iteration, then stopping');
    expect(result.stdout).toContain('stopped: interrupted (Ctrl-C); the current iteration was finished and stored');
    const records = await storedHistory({ cwd }, 'once');
    expect(records.length).toBeGreaterThan(0);
    expect(records.map((r) => r.iteration)).toEqual(records.map((_, i) => i));
  });

  it('twice: exits 130 whether the second press stopped it at once or the run was already done, and what was stored stays stored', async () => {
    const result = await interrupted(cwd, 'twice', true);
    expect(result.code, result.stderr).toBe(130);
    // the second press lands during the finishing iteration or the summary (stop at once), or after the run ended
    const stoppedAtOnce = result.stderr.includes('stopping now; every stored iteration is kept.');
    expect(stoppedAtOnce || result.stdout.includes('stopped: interrupted (Ctrl-C)')).toBe(true);
    const records = await storedHistory({ cwd }, 'twice');
    expect(records.length).toBeGreaterThan(0);
    expect(records.map((r) => r.iteration)).toEqual(records.map((_, i) => i));
  });
});
