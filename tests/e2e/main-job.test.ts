import { describe, expect, it } from 'vitest';
import { events, runCli, tempDir } from './cli.js';

interface Finished {
  readonly summary: { readonly championChanges: number; readonly champion: { readonly metrics: { readonly sharpe: number } } | null };
  readonly templateSharpe: number;
  readonly oracleHoldoutSharpe: number;
}

describe('the main job: 30 factor-graph iterations on the default seed', () => {
  it('changes the champion at least once and beats the template strategy', async () => {
    const cwd = tempDir('main-job');
    const result = await runCli(['run', '--iterations', '30', '--json'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    const finished = events(result.stdout).find((e) => e.type === 'finished') as unknown as Finished;
    expect(finished.summary.championChanges).toBeGreaterThanOrEqual(1);
    expect(finished.summary.champion?.metrics.sharpe).toBeGreaterThan(finished.templateSharpe);
    expect(finished.oracleHoldoutSharpe).toBeGreaterThan(0);
  });
});
