import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { Champion, IterationRecord } from '@alphaloop/domain';
import type {
  ChampionChange,
  ChampionConflict,
  ChampionRepository,
  HistoryPage,
  HistoryRepository,
  StorageError,
} from '../../src/index.js';

/** Test double: history and champion in memory, with the same semantics the contract demands. */
export class InMemoryHistory implements HistoryRepository, ChampionRepository {
  private readonly records = new Map<string, IterationRecord[]>();
  private readonly champions = new Map<string, Champion>();
  private readonly counters = new Map<string, number>();

  allocateIteration(runId: string): ResultAsync<number, StorageError> {
    const next = this.counters.get(runId) ?? 0;
    this.counters.set(runId, next + 1);
    return okAsync(next);
  }

  append(record: IterationRecord, change?: ChampionChange): ResultAsync<void, StorageError | ChampionConflict> {
    const list = this.records.get(record.runId) ?? [];
    if (list.some((r) => r.iteration === record.iteration)) {
      return errAsync({ kind: 'storage_duplicate', message: `iteration ${record.iteration} of ${record.runId} exists` });
    }
    if (change) {
      const conflict = this.conflict(record.runId, change.expectedVersion);
      if (conflict) return errAsync(conflict);
      this.champions.set(record.runId, change.next);
    }
    list.push(record);
    list.sort((a, b) => a.iteration - b.iteration);
    this.records.set(record.runId, list);
    return okAsync(undefined);
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
