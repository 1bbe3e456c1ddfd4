import type { ResultAsync } from 'neverthrow';
import type { Champion, IterationRecord } from '@alphaloop/domain';
import type { ChampionConflict, StorageError } from './storage-error.js';

/** Replace the champion as part of an append, only if it is still at `expectedVersion` (0 = none yet). */
export interface ChampionChange {
  readonly expectedVersion: number;
  /** The new champion; its `version` must be `expectedVersion + 1`. */
  readonly next: Champion;
}

export interface HistoryPage {
  readonly offset: number;
  readonly limit: number;
}

/** Iteration history of runs. Records are appended, never rewritten. */
export interface HistoryRepository {
  /** Reserves the next iteration number of a run, atomically across processes (0, 1, 2, …). */
  allocateIteration(runId: string): ResultAsync<number, StorageError>;
  /**
   * Stores a record, and with it a champion change in the same transaction: either both are stored
   * or neither is. A stale champion version fails with `champion_conflict` and stores nothing.
   */
  append(record: IterationRecord, championChange?: ChampionChange): ResultAsync<void, StorageError | ChampionConflict>;
  /** The newest `n` records of a run, oldest first. */
  recent(runId: string, n: number): ResultAsync<readonly IterationRecord[], StorageError>;
  /** Records by ascending iteration number. */
  page(runId: string, page: HistoryPage): ResultAsync<readonly IterationRecord[], StorageError>;
  count(runId: string): ResultAsync<number, StorageError>;
}

export interface ChampionRepository {
  get(runId: string): ResultAsync<Champion | null, StorageError>;
  /** Sets the champion if the stored version still equals `expectedVersion` (0 when there is none). */
  compareAndSet(runId: string, expectedVersion: number, next: Champion): ResultAsync<void, StorageError | ChampionConflict>;
}
