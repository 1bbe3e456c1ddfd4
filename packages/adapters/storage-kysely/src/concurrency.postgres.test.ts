import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { decideChampion, metricsFrom, type Champion } from '@alphaloop/domain';
import { describePostgres, useThrowawayStorage } from '../test/pg-gate.js';
import { spawnChild, type Child } from '../test/spawn.js';
import { MULTI_PROCESS_MS } from '../test/timeouts.js';

const startTogether = async (children: readonly Child[]): Promise<void> => {
  await Promise.all(children.map((c) => c.waitFor('ready', MULTI_PROCESS_MS / 2)));
  for (const c of children) c.send('go');
};

describePostgres('PostgreSQL across OS processes', (url) => {
  const throwaway = useThrowawayStorage(url);

  it('4 processes × 50 appends to one run → 200 records numbered 0..199, none lost or duplicated', async () => {
    const runId = `procs-${randomUUID()}`;
    const children = Array.from({ length: 4 }, () => spawnChild('append-worker.ts', [runId, '50', 'postgres', url, throwaway.schema()]));
    await startTogether(children);
    const done = await Promise.all(children.map((c) => c.waitFor('done', MULTI_PROCESS_MS / 2)));
    const exits = await Promise.all(children.map((c) => c.exit));
    expect(exits.map((e) => e.code)).toEqual([0, 0, 0, 0]);

    const perProcess = done.map((m) => m.iterations as number[]);
    expect(perProcess.map((list) => list.length)).toEqual([50, 50, 50, 50]);
    // the processes really interleaved: nobody got a contiguous block of numbers
    expect(perProcess.filter((list) => (list.at(-1) ?? 0) - (list[0] ?? 0) === 49).length).toBeLessThan(4);
    const stored = (await throwaway.storage().history.page(runId, { offset: 0, limit: 500 }))._unsafeUnwrap().map((r) => r.iteration);
    expect(stored).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(perProcess.flat().sort((a, b) => a - b)).toEqual(stored);
    expect((await throwaway.storage().history.allocateIteration(runId))._unsafeUnwrap()).toBe(200);
  }, MULTI_PROCESS_MS);

  it('4 processes racing compare-and-set: the policy’s favourite ends as champion, and the others saw conflicts', async () => {
    const runId = `race-${randomUUID()}`;
    const sharpes = [1.0, 1.2, 1.45, 1.75];
    // the policy orders these challengers strictly: only the best beats all the others
    const challenger = (s: number) => ({ level: 3 as const, metrics: metricsFrom({ sharpe: s, totalReturn: s / 2, cagr: s / 10, maxDrawdown: -0.2, calmar: s / 2 }), score: s, iteration: 9 });
    const asChampion = (s: number): Champion => ({
      runId,
      strategyId: `racer-${s}`,
      code: '',
      source: 'factor_graph',
      metrics: challenger(s).metrics,
      evidence: { folds: [], score: s, profile: null, monthlyReturns: [], suspicious: [] },
      holdout: null,
      iteration: 0,
      version: 1,
    });
    for (const a of sharpes) for (const b of sharpes) expect(decideChampion(asChampion(a), challenger(b)).replace).toBe(b > a);

    const children = sharpes.map((s) => spawnChild('champion-racer.ts', [runId, String(s), 'postgres', url, throwaway.schema()]));
    const ready = await Promise.all(children.map((c) => c.waitFor('ready', MULTI_PROCESS_MS / 2)));
    expect(ready.map((m) => m.sawChampion)).toEqual([0, 0, 0, 0]); // everyone decided against "no champion"
    for (const c of children) c.send('go');
    const done = await Promise.all(children.map((c) => c.waitFor('done', MULTI_PROCESS_MS / 2)));
    expect((await Promise.all(children.map((c) => c.exit))).map((e) => e.code)).toEqual([0, 0, 0, 0]);

    const champion = (await throwaway.storage().champions.get(runId))._unsafeUnwrap();
    expect(champion?.metrics.sharpe).toBe(1.75);
    // exactly one process won the first compare-and-set; every other one was told of a conflict
    const firstWinners = done.filter((m) => m.firstAttemptWon === true);
    expect(firstWinners).toHaveLength(1);
    for (const m of done.filter((x) => x !== firstWinners[0])) expect(m.conflicts as number).toBeGreaterThanOrEqual(1);
    // every process stored its record exactly once; the champion history climbs version by version
    expect((await throwaway.storage().history.count(runId))._unsafeUnwrap()).toBe(4);
    const history = (await throwaway.storage().champions.history(runId))._unsafeUnwrap();
    expect(history.map((c) => c.version)).toEqual(history.map((_, i) => i + 1));
    const historySharpes = history.map((c) => c.metrics.sharpe as number);
    expect(historySharpes).toEqual([...historySharpes].sort((a, b) => a - b));
    expect(historySharpes.at(-1)).toBe(1.75);
    const updated = (await throwaway.storage().history.page(runId, { offset: 0, limit: 10 }))._unsafeUnwrap().filter((r) => r.championUpdated);
    expect(updated).toHaveLength(history.length);
  }, MULTI_PROCESS_MS);
});
