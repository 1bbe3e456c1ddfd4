import { describe, expect, it } from 'vitest';
import { runNode } from '../test/spawn.js';

/**
 * The worker must load from the TypeScript sources with no build step, however the host process was started:
 * (a) under vitest — every test in worker-backtest.test.ts; (b) `node --conditions=@alphaloop/source --import tsx`;
 * (c) the CLI's way (apps/cli/bin): loader hooks registered in code, no flags at all.
 */
describe('loading the worker from the TypeScript sources', () => {
  it('works under node --conditions --import tsx, and close() ends the workers so the process exits', async () => {
    const child = await runNode(['--conditions=@alphaloop/source', '--import', 'tsx', 'test/children/run-once.ts']);
    expect(child.stderr).toBe('');
    expect(child.lines).toEqual([
      { event: 'outcome', ok: true, strategyId: expect.stringMatching(/^[0-9a-f]{16}$/), error: null },
      { event: 'done' },
    ]);
    expect(child.code).toBe(0);
  });

  it('works under the CLI loader, and a forgotten close() does not keep the process alive (idle workers are unref’d)', async () => {
    const child = await runNode(['test/children/cli-style.mjs', '--no-close'], 30_000);
    expect(child.stderr).toBe('');
    expect(child.lines.map((l) => l.event)).toEqual(['outcome', 'done']);
    expect(child.lines[0]).toMatchObject({ ok: true });
    expect(child.signal).toBeNull();
    expect(child.code).toBe(0);
  });

  it('does not keep the process alive when the adapter was built and never used nor closed', async () => {
    const child = await runNode(['--conditions=@alphaloop/source', '--import', 'tsx', 'test/children/run-once.ts', '--no-run', '--no-close'], 30_000);
    expect(child.stderr).toBe('');
    expect(child.lines).toEqual([{ event: 'done' }]);
    expect(child.signal).toBeNull();
    expect(child.code).toBe(0);
  });
});
