import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli, storedHistory, tempDir, type CliResult } from './cli.js';

/**
 * `alphaloop run --until-stopped`, Ctrl-C'd as a user does: SIGINT once after the first iteration line, and for
 * `twice` a second SIGINT once the command has said it is finishing (two signals sent together reach a process as
 * one). Resolves when the process has exited.
 */
function interrupted(cwd: string, run: string, twice: boolean, extra: readonly string[] = []): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(['run', '--run', run, '--until-stopped', '--symbols', '60', ...extra], { cwd });
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

  it('twice while the iteration waits on a model that never answers: the second press stops at once, exit 130', async () => {
    // a real HTTP model server: iteration 0 gets a strategy, every later request is held open and never answered
    const held: { end: () => void }[] = [];
    let later = 0;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (!/## Iteration 0\b/.test(body)) {
          later++;
          held.push(res);
          return;
        }
        const content = "```js\nconst close = data.get('price:close');\nreturn sim(close.pctChange(20).isLargest(10), { resample: 'M' });\n```";
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({
          id: 'chatcmpl-interrupt', object: 'chat.completion', created: 1_764_000_000, model: 'e2e',
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 },
        }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      // no time-out would end the wait: only the second press can
      const config = join(cwd, 'slow-model.json');
      writeFileSync(config, JSON.stringify({ llm: { timeoutMs: 3_600_000, maxAttempts: 1 } }));
      const result = await interrupted(cwd, 'held', true, ['--config', config, '--llm', 'openai-compatible:e2e', '--llm-base-url', `${origin}/v1`]);
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr).toContain('finishing the current iteration, then stopping');
      expect(result.stderr).toContain('stopping now; every stored iteration is kept.');
      expect(later).toBe(1); // iteration 1 was waiting on its model reply when the process ended
      const records = await storedHistory({ cwd }, 'held');
      expect(records.map((r) => [r.iteration, r.source, r.level])).toEqual([[0, 'llm', 3]]);
    } finally {
      for (const res of held) res.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
