import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './cli.js';

/**
 * `export` then `import` of a whole run on the real command, each side with its own embedded database: the champion
 * (and its history), the protocol, the archive and the latest validation come back, so `champion --json`,
 * `history --json` and `archive --json` are the same on both sides.
 */

async function shown(cwd: string, run: string, ...command: string[]): Promise<string> {
  const result = await runCli([...command, '--run', run, '--json'], { cwd });
  expect(result.code, `${command.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

const views = async (cwd: string, run: string) => ({
  champion: await shown(cwd, run, 'champion'),
  history: await shown(cwd, run, 'history', '--limit', '100000'),
  archive: await shown(cwd, run, 'archive'),
});

describe('a run exported and imported into another database', () => {
  const source = tempDir('transfer-source');
  const target = tempDir('transfer-target');
  const file = join(source, 'run.jsonl');

  it('round trip: the same champion --json, history --json and archive --json; imported again, nothing is added', async () => {
    const ran = await runCli(['run', '--run', 'moved', '--iterations', '30', '--symbols', '60'], { cwd: source });
    expect(ran.code, ran.stderr).toBe(0);
    const validated = await runCli(['validate', '--run', 'moved', '--top', '6', '--splits', '4', '--symbols', '60'], { cwd: source });
    expect(validated.code, validated.stderr).toBe(0);
    const before = await views(source, 'moved');
    const champion = JSON.parse(before.champion) as { version: number; validation: unknown; protocol: unknown } | null;
    expect(champion, 'the source run has a champion').not.toBeNull();
    expect(champion?.validation).not.toBeNull();
    expect(JSON.parse(before.archive)).toMatchObject({ cells: expect.any(Number) });

    const exported = await runCli(['export', '--run', 'moved', '--out', file], { cwd: source });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(new RegExp(`exported run 'moved' to .*: 30 records, ${champion?.version} champion versions?, \\d+ archive cells?, the protocol, the latest validation`));

    const imported = await runCli(['import', file, '--run', 'moved'], { cwd: target });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`champion: ${champion?.version} of ${champion?.version} versions restored`);
    expect(await views(target, 'moved')).toEqual(before);

    const again = await runCli(['import', file, '--run', 'moved'], { cwd: target });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("imported 0 records into run 'moved' (30 already present");
    expect(await views(target, 'moved')).toEqual(before);

    // the resumed copy goes on numbering after the imported records, under the imported protocol
    const resumed = await runCli(['run', '--run', 'moved', '--iterations', '1', '--symbols', '60'], { cwd: target });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse((await shown(target, 'moved', 'history', '--limit', '1')).trim()) as { iteration: number }).toMatchObject({ iteration: 30 });
  }, 600_000);

  it('an export from before format 2 (records only) still imports, without a champion', async () => {
    const records = readFileSync(file, 'utf8').split('\n').filter((line) => line.startsWith('{"runId"'));
    expect(records).toHaveLength(30);
    const old = join(target, 'old.jsonl');
    writeFileSync(old, `${records.join('\n')}\n`);
    const imported = await runCli(['import', old, '--run', 'old'], { cwd: target });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain("imported 30 records into run 'old' (0 already present, 0 invalid lines skipped");
    expect((await shown(target, 'old', 'champion')).trim()).toBe('null');
  });

  it('refuses, exit 2 and nothing written, a file measured under another protocol than the target run’s', async () => {
    const started = await runCli(['run', '--run', 'elsewhere', '--iterations', '1', '--symbols', '60', '--seed', '7'], { cwd: target });
    expect(started.code, started.stderr).toBe(0);
    const history = await shown(target, 'elsewhere', 'history', '--limit', '100000');
    const refused = await runCli(['import', file, '--run', 'elsewhere'], { cwd: target });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/run 'elsewhere' was started under another protocol than the file's \(.*seed.*\).*Nothing was imported — import into a new run with --run NAME/);
    expect(await shown(target, 'elsewhere', 'history', '--limit', '100000')).toBe(history);
  });
});
