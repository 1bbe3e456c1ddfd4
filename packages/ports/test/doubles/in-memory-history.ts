import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { ArchiveElite, Champion, IterationRecord, UnfinishedIteration } from '@alphaloop/domain';
import type {
  ArchiveChange,
  ArchiveRepository,
  ChampionChange,
  ChampionConflict,
  ChampionRepository,
  HistoryPage,
  HistoryRepository,
  StorageError,
} from '../../src/index.js';

/** A copy that shares no daily returns with the caller's elite (a later write to either cannot change the other). */
const copyElite = (elite: ArchiveElite, children = elite.children): ArchiveElite => ({ ...elite, dailyReturns: Float64Array.from(elite.dailyReturns), children });

/** Test double: history, champion and archive in memory, with the same semantics the contracts demand. */
export class InMemoryHistory implements HistoryRepository, ChampionRepository, ArchiveRepository {
  private readonly records = new Map<string, IterationRecord[]>();
  private readonly champions = new Map<string, Champion>();
  private readonly counters = new Map<string, number>();
  /** Per run: cell → elite. */
  private readonly archives = new Map<string, Map<string, ArchiveElite>>();

  /** Per run: iteration → whether its claimer still runs (this process: true, until `abandonClaims`). */
  private readonly claims = new Map<string, Map<number, boolean>>();

  allocateIteration(runId: string): ResultAsync<number, StorageError> {
    const next = this.counters.get(runId) ?? 0;
    this.counters.set(runId, next + 1);
    const claims = this.claims.get(runId) ?? new Map<number, boolean>();
    claims.set(next, true);
    this.claims.set(runId, claims);
    return okAsync(next);
  }

  unfinished(runId: string): ResultAsync<readonly UnfinishedIteration[], StorageError> {
    const stored = new Set((this.records.get(runId) ?? []).map((r) => r.iteration));
    const open = [...(this.claims.get(runId) ?? new Map<number, boolean>())].filter(([iteration]) => !stored.has(iteration));
    return okAsync(open.sort((a, b) => a[0] - b[0]).map(([iteration, alive]) => ({ iteration, ownerAlive: alive, ageMs: 0 })));
  }

  /** For tests: the process that claimed the run's unfinished numbers is gone (as after SIGKILL). */
  abandonClaims(runId: string): void {
    for (const [iteration] of this.claims.get(runId) ?? []) this.claims.get(runId)?.set(iteration, false);
  }

  append(record: IterationRecord, change?: ChampionChange, archive?: ArchiveChange): ResultAsync<void, StorageError | ChampionConflict> {
    const list = this.records.get(record.runId) ?? [];
    if (list.some((r) => r.iteration === record.iteration)) {
      return errAsync({ kind: 'storage_duplicate', message: `iteration ${record.iteration} of ${record.runId} exists` });
    }
    const score = archive?.place?.evidence.score;
    if (archive?.place && (score === null || score === undefined || !Number.isFinite(score))) {
      return errAsync({ kind: 'storage_failure', message: `invalid archive change: the elite of cell "${archive.place.cell}" has no finite evidence.score to hold its cell by` });
    }
    if (change) {
      const conflict = this.conflict(record.runId, change.expectedVersion);
      if (conflict) return errAsync(conflict);
      this.champions.set(record.runId, change.next);
    }
    list.push(record);
    list.sort((a, b) => a.iteration - b.iteration);
    this.records.set(record.runId, list);
    if (archive) this.applyArchive(record.runId, archive);
    return okAsync(undefined);
  }

  /** Every elite of the run, by cell key ascending (code-unit order). */
  load(runId: string): ResultAsync<readonly ArchiveElite[], StorageError> {
    const cells = [...(this.archives.get(runId)?.values() ?? [])].sort((a, b) => (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0));
    return okAsync(cells.map((e) => copyElite(e)));
  }

  /** As the storage adapter: evict, then place unless the cell holds a higher score, then count the parents' children. */
  private applyArchive(runId: string, change: ArchiveChange): void {
    const cells = this.archives.get(runId) ?? new Map<string, ArchiveElite>();
    this.archives.set(runId, cells);
    for (const cell of change.evict ?? []) cells.delete(cell);
    const place = change.place;
    if (place !== null) {
      const held = cells.get(place.cell);
      if (held === undefined || (held.evidence.score ?? Number.NEGATIVE_INFINITY) <= (place.evidence.score ?? Number.NEGATIVE_INFINITY)) cells.set(place.cell, copyElite(place));
    }
    const parents = new Set(change.parentIds);
    for (const [cell, e] of cells) if (parents.has(e.strategyId)) cells.set(cell, copyElite(e, e.children + 1));
  }

  recent(runId: string, n: number): ResultAsync<readonly IterationRecord[], StorageError> {
    return okAsync((this.records.get(runId) ?? []).slice(-n));
  }

  page(runId: string, page: HistoryPage): ResultAsync<readonly IterationRecord[], StorageError> {
    return okAsync((this.records.get(runId) ?? []).slice(page.offset, page.offset + page.limit));
  }

  count(runId: string): ResultAsync<number, StorageError> {
    return okAsync((this.records.get(runId) ?? []).length);
  }

  get(runId: string): ResultAsync<Champion | null, StorageError> {
    return okAsync(this.champions.get(runId) ?? null);
  }

  compareAndSet(runId: string, expectedVersion: number, next: Champion): ResultAsync<void, StorageError | ChampionConflict> {
    const conflict = this.conflict(runId, expectedVersion);
    if (conflict) return errAsync(conflict);
    this.champions.set(runId, next);
    return okAsync(undefined);
  }

  private conflict(runId: string, expectedVersion: number): ChampionConflict | null {
    const actualVersion = this.champions.get(runId)?.version ?? 0;
    return actualVersion === expectedVersion
      ? null
      : { kind: 'champion_conflict', message: `champion of ${runId} is at version ${actualVersion}, not ${expectedVersion}`, expectedVersion, actualVersion };
  }
}
