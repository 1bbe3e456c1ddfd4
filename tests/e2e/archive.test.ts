import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './cli.js';

interface ArchiveJson {
  readonly runId: string;
  readonly cells: number;
  readonly elites: readonly { readonly cell: string; readonly strategyId: string; readonly iteration: number; readonly children: number; readonly evidence: { readonly score: number }; readonly dailyReturnCount: number }[];
}

interface Stored {
  readonly iteration: number;
  readonly level: number;
  readonly parentId: string | null;
  readonly search: { readonly cell: string | null; readonly parentChoice: string; readonly parentCell: string | null; readonly archive: { readonly kind: string } | null } | null;
}

async function archive(cwd: string, run: string): Promise<ArchiveJson> {
  const result = await runCli(['archive', '--run', run, '--json'], { cwd });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ArchiveJson;
}

async function history(cwd: string, run: string): Promise<Stored[]> {
  const result = await runCli(['history', '--run', run, '--json', '--limit', '100000'], { cwd });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Stored);
}

describe('the archive search, end to end (the real command on the embedded default)', () => {
  const cwd = tempDir('archive');

  it('fills behaviour cells, shows them, keeps them across a resume and draws the resumed run’s parents from them', async () => {
    const first = await runCli(['run', '--run', 'qd', '--iterations', '40', '--symbols', '60'], { cwd });
    expect(first.code, first.stderr).toBe(0);
    const stored = await archive(cwd, 'qd');
    expect(stored.cells).toBeGreaterThan(1);
    expect(stored.elites).toHaveLength(stored.cells);
    expect(first.stdout).toContain(`Archive: ${stored.cells} cells filled`);
    for (const e of stored.elites) {
      expect(e.cell).toMatch(/^(momentum|value|quality|risk|entry|multi|other)\/(1-5|6-15|16-40|41\+)\/(slow|quarterly|monthly|fast)$/);
      expect(e.dailyReturnCount).toBeGreaterThan(1000);
    }
    // every elite is a stored, profitable record that the archive placed
    const records = await history(cwd, 'qd');
    for (const e of stored.elites) {
      const placed = records.find((r) => r.iteration === e.iteration);
      expect(placed?.level).toBe(3);
      expect(placed?.search?.cell).toBe(e.cell);
      expect(['inserted', 'replaced']).toContain(placed?.search?.archive?.kind);
    }
    const text = await runCli(['archive', '--run', 'qd'], { cwd });
    expect(text.stdout).toContain(stored.elites[0]?.cell ?? '?');

    // a second process reads exactly what the first stored
    expect(await archive(cwd, 'qd')).toEqual(stored);

    const resumed = await runCli(['run', '--run', 'qd', '--iterations', '5', '--symbols', '60'], { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = await history(cwd, 'qd');
    const next = after.find((r) => r.iteration === 40);
    const ids = new Set(stored.elites.map((e) => e.strategyId));
    expect(next?.search?.parentChoice).toBe('archive');
    // the first resumed parent is an elite of the stored archive (or, after a crossover draw, its parent still is)
    expect(ids.has(next?.parentId ?? '')).toBe(true);
  });

  it('--search champion keeps no archive and says so', async () => {
    const result = await runCli(['run', '--run', 'classic', '--iterations', '10', '--symbols', '60', '--search', 'champion'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Archive: empty');
    expect((await archive(cwd, 'classic')).cells).toBe(0);
    const records = await history(cwd, 'classic');
    expect(records.every((r) => r.search?.archive === null && r.search.parentChoice !== 'archive')).toBe(true);
  });
});
