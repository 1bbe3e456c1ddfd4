import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ArchiveElite } from '@alphaloop/domain';
import type { ArchiveChange, ArchiveRepository, ChampionRepository, HistoryRepository } from '../history-repository.port.js';
import { sampleChampion, sampleElite, sampleEvidence, sampleRecord } from './fixtures.js';

export interface ArchiveRepositoryFixture {
  /** Writes the archive (`append`'s archive change) … */
  readonly history: HistoryRepository;
  /** … together with the champion change … */
  readonly champions: ChampionRepository;
  /** … and this reads it, from the same storage. */
  readonly archive: ArchiveRepository;
  /** Called once per test; each test uses its own run ids. */
  readonly teardown?: () => Promise<void>;
}

const freshRun = (): string => `run-${randomUUID()}`;

/** An elite of `cell` held by `score`, with its own id. */
const elite = (cell: string, score: number, overrides: Partial<ArchiveElite> = {}): ArchiveElite =>
  sampleElite({ cell, strategyId: `elite-${cell}-${score}`, evidence: sampleEvidence({ score }), ...overrides });

const bytesOf = (a: Float64Array): number[] => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

/** Equal field by field, and the daily returns bit for bit (`-0` is not `0`). */
function expectElites(got: readonly ArchiveElite[], want: readonly ArchiveElite[]): void {
  expect(got).toEqual(want);
  expect(got.map((e) => e.dailyReturns instanceof Float64Array)).toEqual(want.map(() => true));
  expect(got.map((e) => bytesOf(e.dailyReturns))).toEqual(want.map((e) => bytesOf(e.dailyReturns)));
}

/**
 * The behaviour of the archive: `ArchiveRepository.load` and the archive change of `HistoryRepository.append`.
 * Call it from the adapter's own test file beside `describeHistoryRepositoryContract`:
 * `describeArchiveRepositoryContract('pglite', async () => ({ history, champions, archive }))`.
 */
export function describeArchiveRepositoryContract(name: string, setup: () => Promise<ArchiveRepositoryFixture>): void {
  describe(`ArchiveRepository contract: ${name}`, () => {
    const withFixture = (fn: (f: ArchiveRepositoryFixture) => Promise<void>) => async () => {
      const fixture = await setup();
      try {
        await fn(fixture);
      } finally {
        await fixture.teardown?.();
      }
    };
    /** Appends iteration `iteration` of `runId` with `change`, expecting it stored. */
    const appendWith = async (history: HistoryRepository, runId: string, iteration: number, change: ArchiveChange): Promise<void> => {
      (await history.append(sampleRecord({ runId, iteration }), undefined, change))._unsafeUnwrap();
    };

    it('has an empty archive for a new run, and for a run whose appends carried no archive change', withFixture(async ({ history, archive }) => {
      expect((await archive.load(freshRun()))._unsafeUnwrap()).toEqual([]);
      const runId = freshRun();
      (await history.append(sampleRecord({ runId, iteration: 0 })))._unsafeUnwrap();
      (await history.append(sampleRecord({ runId, iteration: 1 }), undefined, { place: null, parentIds: [] }))._unsafeUnwrap();
      expect((await archive.load(runId))._unsafeUnwrap()).toEqual([]);
      expect((await history.count(runId))._unsafeUnwrap()).toBe(2);
    }));

    it('places an elite with its record and loads it back exactly: every field, the daily returns bit for bit', withFixture(async ({ history, archive }) => {
      const runId = freshRun();
      const placed = sampleElite({ children: 3 });
      const record = sampleRecord({ runId, iteration: 7 });
      (await history.append(record, undefined, { place: placed, parentIds: [] }))._unsafeUnwrap();
      const loaded = (await archive.load(runId))._unsafeUnwrap();
      expectElites(loaded, [placed]);
      const returns = loaded[0]?.dailyReturns ?? new Float64Array(0);
      expect(Object.is(returns[4], -0)).toBe(true);
      expect(returns[5]).toBe(1e-300);
      expect(returns[3]).toBe(1 / 3);
      expect((await history.recent(runId, 5))._unsafeUnwrap()).toEqual([record]);
      // an elite without daily returns and with unknown holdings round-trips too
      const bare = elite('value/41+/slow', 0.2, { dailyReturns: new Float64Array(0), traits: { family: 'value', averageHoldings: null }, source: 'llm' });
      await appendWith(history, runId, 8, { place: bare, parentIds: [] });
      expectElites((await archive.load(runId))._unsafeUnwrap(), [placed, bare]);
    }));

    it('drops a placement below the elite of its cell but stores its record; an equal or higher score replaces the elite', withFixture(async ({ history, archive }) => {
      const runId = freshRun();
      const cell = 'momentum/16-40/monthly';
      const first = elite(cell, 0.8, { children: 2 });
      await appendWith(history, runId, 0, { place: first, parentIds: [] });
      await appendWith(history, runId, 1, { place: elite(cell, 0.5), parentIds: [] });
      expectElites((await archive.load(runId))._unsafeUnwrap(), [first]);
      expect((await history.page(runId, { offset: 0, limit: 10 }))._unsafeUnwrap().map((r) => r.iteration)).toEqual([0, 1]);

      const tie = elite(cell, 0.8, { strategyId: 'tie-with-the-elite', iteration: 2 });
      await appendWith(history, runId, 2, { place: tie, parentIds: [] });
      expectElites((await archive.load(runId))._unsafeUnwrap(), [tie]);
      // the new elite starts with its own children count, not the one it replaced
      const better = elite(cell, 1.1, { iteration: 3, children: 0 });
      await appendWith(history, runId, 3, { place: better, parentIds: [] });
      expectElites((await archive.load(runId))._unsafeUnwrap(), [better]);
    }));

    it('counts a child for each parent of an iteration (two for a crossover), and for those elites only', withFixture(async ({ history, archive }) => {
      const runId = freshRun();
      const [a, b, c] = [elite('momentum/1-5/fast', 0.3), elite('value/6-15/quarterly', 0.4), elite('quality/16-40/slow', 0.5)];
      await appendWith(history, runId, 0, { place: a, parentIds: [] });
      await appendWith(history, runId, 1, { place: b, parentIds: [] });
      await appendWith(history, runId, 2, { place: c, parentIds: [] });
      await appendWith(history, runId, 3, { place: null, parentIds: [a.strategyId, b.strategyId] }); // a crossover
      await appendWith(history, runId, 4, { place: null, parentIds: [a.strategyId] });
      await appendWith(history, runId, 5, { place: null, parentIds: ['not-in-the-archive'] });
      const children = async () => (await archive.load(runId))._unsafeUnwrap().map((e) => [e.strategyId, e.children]);
      expect(await children()).toEqual([
        [a.strategyId, 2],
        [c.strategyId, 0],
        [b.strategyId, 1],
      ]);
      // a child placed in a cell of its own counts for its parent in the same append; it starts at its given count
      const child = elite('risk/41+/monthly', 0.6, { children: 0 });
      await appendWith(history, runId, 6, { place: child, parentIds: [c.strategyId] });
      expect(await children()).toEqual([
        [a.strategyId, 2],
        [c.strategyId, 1],
        [child.strategyId, 0],
        [b.strategyId, 1],
      ]);
    }));

    it('empties evicted cells (unknown ones are ignored), evicting before it places', withFixture(async ({ history, archive }) => {
      const runId = freshRun();
      const [a, b, c] = [elite('momentum/1-5/fast', 0.3), elite('value/6-15/quarterly', 0.4), elite('quality/16-40/slow', 0.5)];
      for (const [i, e] of [a, b, c].entries()) await appendWith(history, runId, i, { place: e, parentIds: [] });
      await appendWith(history, runId, 3, { place: null, parentIds: [], evict: [a.cell, 'other/1-5/fast'] });
      expectElites((await archive.load(runId))._unsafeUnwrap(), [c, b]);
      // a cell evicted and placed in one change holds the new elite, even a lower-scoring one
      const lower = elite(c.cell, 0.1, { iteration: 4 });
      await appendWith(history, runId, 4, { place: lower, parentIds: [], evict: [c.cell] });
      expectElites((await archive.load(runId))._unsafeUnwrap(), [lower, b]);
      expect((await history.count(runId))._unsafeUnwrap()).toBe(5);
    }));

    it('stores no part of the archive change when the append fails: a stale champion, or a duplicate iteration', withFixture(async ({ history, champions, archive }) => {
      const runId = freshRun();
      const parent = elite('momentum/1-5/fast', 0.3);
      const other = elite('value/6-15/quarterly', 0.4);
      await appendWith(history, runId, 0, { place: parent, parentIds: [] });
      await appendWith(history, runId, 1, { place: other, parentIds: [] });
      const first = sampleChampion({ runId, version: 1 });
      (await champions.compareAndSet(runId, 0, first))._unsafeUnwrap();
      const change: ArchiveChange = { place: elite('quality/16-40/slow', 0.9), parentIds: [parent.strategyId], evict: [other.cell] };

      const stale = await history.append(sampleRecord({ runId, iteration: 2, championUpdated: true }), { expectedVersion: 0, next: sampleChampion({ runId, version: 1, strategyId: '0000000000000001' }) }, change);
      expect(stale._unsafeUnwrapErr().kind).toBe('champion_conflict');
      expect((await history.count(runId))._unsafeUnwrap()).toBe(2);
      expect((await champions.get(runId))._unsafeUnwrap()).toEqual(first);
      expectElites((await archive.load(runId))._unsafeUnwrap(), [parent, other]);

      const duplicate = await history.append(sampleRecord({ runId, iteration: 1 }), undefined, change);
      expect(duplicate._unsafeUnwrapErr().kind).toBe('storage_duplicate');
      expectElites((await archive.load(runId))._unsafeUnwrap(), [parent, other]);

      // the same change with a current champion version is stored whole
      const next = sampleChampion({ runId, version: 2, strategyId: '0000000000000002', iteration: 2 });
      (await history.append(sampleRecord({ runId, iteration: 2, championUpdated: true }), { expectedVersion: 1, next }, change))._unsafeUnwrap();
      expect((await champions.get(runId))._unsafeUnwrap()).toEqual(next);
      expectElites((await archive.load(runId))._unsafeUnwrap(), [{ ...parent, children: 1 }, change.place as ArchiveElite]);
    }));

    it('refuses a placement without a finite score to hold its cell by, storing nothing', withFixture(async ({ history, archive }) => {
      const runId = freshRun();
      const unscored = sampleElite({ evidence: sampleEvidence({ score: null }) });
      const refused = await history.append(sampleRecord({ runId, iteration: 0 }), undefined, { place: unscored, parentIds: [] });
      expect(refused._unsafeUnwrapErr().kind).toBe('storage_failure');
      expect((await history.count(runId))._unsafeUnwrap()).toBe(0);
      expect((await archive.load(runId))._unsafeUnwrap()).toEqual([]);
    }));

    it('keeps runs apart: placements, children and evictions of one run never touch another’s', withFixture(async ({ history, archive }) => {
      const [one, two] = [freshRun(), freshRun()];
      const shared = elite('momentum/16-40/monthly', 0.5); // the same strategy, the same cell, in both runs
      await appendWith(history, one, 0, { place: shared, parentIds: [] });
      await appendWith(history, two, 0, { place: shared, parentIds: [] });
      await appendWith(history, one, 1, { place: elite(shared.cell, 0.9), parentIds: [shared.strategyId] });
      await appendWith(history, one, 2, { place: elite('value/1-5/slow', 0.2), parentIds: [shared.strategyId] });
      await appendWith(history, one, 3, { place: null, parentIds: [], evict: ['value/1-5/slow'] });
      expectElites((await archive.load(two))._unsafeUnwrap(), [shared]);
      await appendWith(history, two, 1, { place: null, parentIds: [], evict: [shared.cell] });
      expect((await archive.load(two))._unsafeUnwrap()).toEqual([]);
      expectElites((await archive.load(one))._unsafeUnwrap(), [elite(shared.cell, 0.9)]);
    }));

    it('loads elites by cell key ascending, in code-unit order (as the domain compares keys), whatever order they were placed in', withFixture(async ({ history, archive }) => {
      const runId = freshRun();
      // 'x-b' < 'x/a' in code units ('-' < '/'), though a natural-language collation that skips punctuation says otherwise
      const cells = ['value/41+/fast', 'momentum/16-40/monthly', 'x/a', 'multi/6-15/quarterly', 'momentum/1-5/slow', 'x-b', 'entry/1-5/fast'];
      for (const [i, cell] of cells.entries()) await appendWith(history, runId, i, { place: elite(cell, 0.1 * (i + 1)), parentIds: [] });
      const sorted = [...cells].sort((p, q) => (p < q ? -1 : p > q ? 1 : 0));
      expect((await archive.load(runId))._unsafeUnwrap().map((e) => e.cell)).toEqual(sorted);
      expect(sorted.indexOf('x-b')).toBeLessThan(sorted.indexOf('x/a'));
    }));
  });
}
