import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ChampionRepository, HistoryRepository } from '../history-repository.port.js';
import { metricsFrom } from '@alphaloop/domain';
import { sampleChampion, sampleEvidence, sampleFailureRecord, sampleRecord, sampleSearch } from './fixtures.js';

export interface HistoryRepositoryFixture {
  readonly history: HistoryRepository;
  readonly champions: ChampionRepository;
  /** Called once per test; each test uses its own run ids. */
  readonly teardown?: () => Promise<void>;
}

const freshRun = (): string => `run-${randomUUID()}`;

/**
 * The behaviour every history/champion storage adapter must have. Call it from the adapter's own test
 * file: `describeHistoryRepositoryContract('pglite', async () => ({ history, champions }))`.
 */
export function describeHistoryRepositoryContract(name: string, setup: () => Promise<HistoryRepositoryFixture>): void {
  describe(`HistoryRepository contract: ${name}`, () => {
    const withFixture = (fn: (f: HistoryRepositoryFixture) => Promise<void>) => async () => {
      const fixture = await setup();
      try {
        await fn(fixture);
      } finally {
        await fixture.teardown?.();
      }
    };

    it('allocates iteration numbers 0, 1, 2 … independently per run', withFixture(async ({ history }) => {
      const [a, b] = [freshRun(), freshRun()];
      const got = [
        (await history.allocateIteration(a))._unsafeUnwrap(),
        (await history.allocateIteration(a))._unsafeUnwrap(),
        (await history.allocateIteration(b))._unsafeUnwrap(),
        (await history.allocateIteration(a))._unsafeUnwrap(),
      ];
      expect(got).toEqual([0, 1, 0, 2]);
    }));

    it('lists the numbers handed out without a record, held by this (running) process, until their records are stored', withFixture(async ({ history }) => {
      const runId = freshRun();
      expect((await history.unfinished(runId))._unsafeUnwrap()).toEqual([]);
      for (let i = 0; i < 3; i++) (await history.allocateIteration(runId))._unsafeUnwrap();
      (await history.append(sampleRecord({ runId, iteration: 1 })))._unsafeUnwrap();
      const open = (await history.unfinished(runId))._unsafeUnwrap();
      expect(open.map((u) => [u.iteration, u.ownerAlive])).toEqual([[0, true], [2, true]]);
      for (const u of open) expect(u.ageMs).toBeGreaterThanOrEqual(0);
      (await history.append(sampleRecord({ runId, iteration: 0 })))._unsafeUnwrap();
      (await history.append(sampleRecord({ runId, iteration: 2 })))._unsafeUnwrap();
      expect((await history.unfinished(runId))._unsafeUnwrap()).toEqual([]);
      expect((await history.unfinished(freshRun()))._unsafeUnwrap()).toEqual([]);
    }));

    it('round-trips every field of a record, failures and unicode included', withFixture(async ({ history }) => {
      const runId = freshRun();
      const success = sampleRecord({ runId, iteration: 0 });
      const failure = sampleFailureRecord({ runId, iteration: 1 });
      (await history.append(success))._unsafeUnwrap();
      (await history.append(failure))._unsafeUnwrap();
      expect((await history.recent(runId, 5))._unsafeUnwrap()).toEqual([success, failure]);
    }));

    it('round-trips selection evidence and champion decisions exactly, every rule and every null', withFixture(async ({ history }) => {
      const runId = freshRun();
      const rules = ['first', 'relative', 'absolute', 'tie_break'] as const;
      const promoted = rules.map((rule, i) =>
        sampleRecord({
          runId,
          iteration: i,
          championUpdated: true,
          holdoutMetrics: metricsFrom({ sharpe: 0.61 - i, maxDrawdown: -0.22 }),
          championDecision: { replace: true, rule, reasons: [`rule ${rule}: 穩健分數 ≥ "bar"`, 'Calmar check skipped: a Calmar ratio is missing'] },
        }),
      );
      const odd = sampleRecord({
        runId,
        iteration: 4,
        evidence: sampleEvidence({ folds: [], score: null, profile: null, monthlyReturns: [], suspicious: ['Sharpe 4.1 above 3 — 請檢查'] }),
        championDecision: { replace: false, rule: null, reasons: [] },
      });
      const nullSharpes = sampleRecord({
        runId,
        iteration: 5,
        evidence: sampleEvidence({ folds: [{ start: '2020-01-02', end: '2020-12-31', sharpe: null }], score: null }),
        championDecision: null,
      });
      const all = [...promoted, odd, nullSharpes];
      for (const r of all) (await history.append(r))._unsafeUnwrap();
      expect((await history.page(runId, { offset: 0, limit: 10 }))._unsafeUnwrap()).toEqual(all);
    }));

    it('round-trips the search step exactly: every parent choice, every archive decision, every null', withFixture(async ({ history }) => {
      const runId = freshRun();
      const correlation = { elite: 0.9712, parent: null };
      const steps = [
        sampleSearch(),
        sampleSearch({ parentChoice: 'champion', parentCell: null, mateId: null, archive: { kind: 'replaced', cell: 'momentum/16-40/monthly', previous: 'feedfacecafebeef', correlation: { elite: -0.125, parent: 1 }, reason: 'score 0.9100 beats the elite’s 0.8100 by the margin' } }),
        sampleSearch({ parentChoice: 'explore', family: 'value', cell: 'value/41+/slow', archive: { kind: 'rejected', cell: 'value/41+/slow', correlation, reason: 'near-copy of the elite (correlation 0.9712 ≥ 0.95): 請檢查' } }),
        sampleSearch({ parentChoice: 'template', cell: null, family: null, parentCell: null, mateId: null, archive: { kind: 'rejected', cell: null, correlation: { elite: null, parent: null }, reason: 'no cell: turnover or holdings unknown' } }),
        sampleSearch({ parentChoice: 'llm', archive: null }),
      ];
      const records = [...steps.map((search, i) => sampleRecord({ runId, iteration: i, search })), sampleRecord({ runId, iteration: steps.length, search: null })];
      for (const r of records) (await history.append(r))._unsafeUnwrap();
      const stored = (await history.page(runId, { offset: 0, limit: 10 }))._unsafeUnwrap();
      expect(stored).toStrictEqual(records);
      expect(stored.map((r) => JSON.stringify(r.search))).toEqual(records.map((r) => JSON.stringify(r.search)));
    }));

    it('returns the newest n records oldest first, pages ascending and counts', withFixture(async ({ history }) => {
      const runId = freshRun();
      for (let i = 0; i < 8; i += 1) (await history.append(sampleRecord({ runId, iteration: i })))._unsafeUnwrap();
      (await history.append(sampleRecord({ runId: freshRun(), iteration: 0 })))._unsafeUnwrap();
      expect((await history.recent(runId, 3))._unsafeUnwrap().map((r) => r.iteration)).toEqual([5, 6, 7]);
      expect((await history.recent(runId, 50))._unsafeUnwrap().map((r) => r.iteration)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect((await history.page(runId, { offset: 2, limit: 3 }))._unsafeUnwrap().map((r) => r.iteration)).toEqual([2, 3, 4]);
      expect((await history.count(runId))._unsafeUnwrap()).toBe(8);
      expect((await history.recent(freshRun(), 5))._unsafeUnwrap()).toEqual([]);
    }));

    it('refuses a second record with the same run and iteration, keeping the first', withFixture(async ({ history }) => {
      const runId = freshRun();
      const first = sampleRecord({ runId, iteration: 3 });
      (await history.append(first))._unsafeUnwrap();
      const second = await history.append(sampleRecord({ runId, iteration: 3, feedbackUsed: 'other' }));
      expect(second._unsafeUnwrapErr().kind).toBe('storage_duplicate');
      expect((await history.recent(runId, 5))._unsafeUnwrap()).toEqual([first]);
    }));

    it('stores a record and its champion change together', withFixture(async ({ history, champions }) => {
      const runId = freshRun();
      const champion = sampleChampion({ runId, version: 1, iteration: 0 });
      (await history.append(sampleRecord({ runId, iteration: 0, championUpdated: true }), { expectedVersion: 0, next: champion }))._unsafeUnwrap();
      expect((await champions.get(runId))._unsafeUnwrap()).toEqual(champion);
    }));

    it('round-trips a champion’s evidence and holdout, and one stored without either', withFixture(async ({ history, champions }) => {
      const runId = freshRun();
      const v1 = sampleChampion({ runId, version: 1, holdout: metricsFrom({ sharpe: 0.4, totalReturn: 0.05, maxDrawdown: -0.09 }) });
      (await champions.compareAndSet(runId, 0, v1))._unsafeUnwrap();
      expect((await champions.get(runId))._unsafeUnwrap()).toEqual(v1);
      const v2 = sampleChampion({ runId, version: 2, iteration: 1, strategyId: '00000000000000c2', evidence: null, holdout: null });
      (await history.append(sampleRecord({ runId, iteration: 1, championUpdated: true }), { expectedVersion: 1, next: v2 }))._unsafeUnwrap();
      const stored = (await champions.get(runId))._unsafeUnwrap();
      expect(stored).toEqual(v2);
      expect(stored?.evidence).toBeNull();
      expect(stored?.holdout).toBeNull();
    }));

    it('rejects a stale champion change and stores neither record nor champion', withFixture(async ({ history, champions }) => {
      const runId = freshRun();
      const first = sampleChampion({ runId, version: 1 });
      (await champions.compareAndSet(runId, 0, first))._unsafeUnwrap();
      const stale = await history.append(sampleRecord({ runId, iteration: 0, championUpdated: true }), {
        expectedVersion: 0,
        next: sampleChampion({ runId, version: 1, strategyId: '0000000000000001' }),
      });
      const error = stale._unsafeUnwrapErr();
      expect(error.kind).toBe('champion_conflict');
      expect((await history.count(runId))._unsafeUnwrap()).toBe(0);
      expect((await champions.get(runId))._unsafeUnwrap()).toEqual(first);
    }));

    it('loses nothing under 20 concurrent allocate + append calls', withFixture(async ({ history }) => {
      const runId = freshRun();
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          const iteration = (await history.allocateIteration(runId))._unsafeUnwrap();
          (await history.append(sampleRecord({ runId, iteration })))._unsafeUnwrap();
        }),
      );
      const all = (await history.page(runId, { offset: 0, limit: 100 }))._unsafeUnwrap();
      expect(all.map((r) => r.iteration)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    }));
  });

  describe(`ChampionRepository contract: ${name}`, () => {
    it('has no champion for a new run, then compare-and-sets by version', async () => {
      const { champions, teardown } = await setup();
      try {
        const runId = freshRun();
        expect((await champions.get(runId))._unsafeUnwrap()).toBeNull();
        const v1 = sampleChampion({ runId, version: 1 });
        (await champions.compareAndSet(runId, 0, v1))._unsafeUnwrap();
        const v2 = sampleChampion({ runId, version: 2, strategyId: '00000000000000aa', iteration: 4 });
        (await champions.compareAndSet(runId, 1, v2))._unsafeUnwrap();
        expect((await champions.get(runId))._unsafeUnwrap()).toEqual(v2);
        const conflict = (await champions.compareAndSet(runId, 1, sampleChampion({ runId, version: 2 })))._unsafeUnwrapErr();
        expect(conflict).toMatchObject({ kind: 'champion_conflict', expectedVersion: 1, actualVersion: 2 });
        expect((await champions.get(runId))._unsafeUnwrap()).toEqual(v2);
      } finally {
        await teardown?.();
      }
    });
  });
}
