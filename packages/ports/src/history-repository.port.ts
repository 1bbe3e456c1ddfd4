import type { ResultAsync } from 'neverthrow';
import type { ArchiveElite, Champion, IterationRecord, UnfinishedIteration } from '@alphaloop/domain';
import type { ChampionConflict, StorageError } from './storage-error.js';

/** Replace the champion as part of an append, only if it is still at `expectedVersion` (0 = none yet). */
export interface ChampionChange {
  readonly expectedVersion: number;
  /** The new champion; its `version` must be `expectedVersion + 1`. */
  readonly next: Champion;
}

/**
 * What an iteration changes in the run's archive, stored with its record in the same transaction.
 * - `place`: an elite for its cell. It is stored unless the cell already holds an elite with a higher score (another
 *   worker got there first with a better one): then only the placement is dropped, the record is still stored.
 * - `parentIds`: the elites the iteration's strategy was derived from (one, or two for a crossover); each one's
 *   `children` count goes up by one if it is still in the archive.
 * - `evict`: cells to empty (a reset of the weakest part of the archive).
 * Applied in that order: evict, then place (an equal score replaces the elite), then count children.
 */
export interface ArchiveChange {
  readonly place: ArchiveElite | null;
  readonly parentIds: readonly string[];
  readonly evict?: readonly string[];
}

export interface HistoryPage {
  readonly offset: number;
  readonly limit: number;
}

/** Iteration history of runs. Records are appended, never rewritten. */
export interface HistoryRepository {
  /** Reserves the next iteration number of a run, atomically across processes (0, 1, 2, …), claimed by this process. */
  allocateIteration(runId: string): ResultAsync<number, StorageError>;
  /** The run's numbers handed out (by `allocateIteration`) without a record, ascending. */
  unfinished(runId: string): ResultAsync<readonly UnfinishedIteration[], StorageError>;
  /**
   * Stores a record, and with it a champion change and an archive change in the same transaction: either all are
   * stored or none is. A stale champion version fails with `champion_conflict` and stores nothing.
   */
  append(record: IterationRecord, championChange?: ChampionChange, archiveChange?: ArchiveChange): ResultAsync<void, StorageError | ChampionConflict>;
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

/** The run's quality-diversity archive: one elite per behaviour cell, changed only through `HistoryRepository.append`. */
export interface ArchiveRepository {
  /** Every elite of the run, by cell key ascending (an empty list for a new run). */
  load(runId: string): ResultAsync<readonly ArchiveElite[], StorageError>;
}
