import { inject, injectable } from 'inversify';
import { okAsync, type ResultAsync } from 'neverthrow';
import type { IterationRecord } from '@alphaloop/domain';
import { TOKENS, type HistoryRepository, type StorageError } from '@alphaloop/ports';
import { EXECUTOR_TOKENS, type ExecutorConfig } from './executor-config.js';

export const HISTORY_CACHE_CAPACITY = 50;

/**
 * The run's newest records in memory, so that an iteration does not query storage for its history.
 * Filled from storage on first use, updated on every append, rebuilt on demand (for example after
 * another worker won a champion race, which means it also wrote records this cache has not seen).
 */
@injectable()
export class HistoryCache {
  private records: IterationRecord[] | null = null;

  constructor(
    @inject(TOKENS.HistoryRepository) private readonly history: HistoryRepository,
    @inject(EXECUTOR_TOKENS.Config) private readonly config: ExecutorConfig,
  ) {}

  /** The newest `n` records (n ≤ capacity), oldest first. */
  recent(n: number): ResultAsync<readonly IterationRecord[], StorageError> {
    if (this.records !== null) return okAsync(this.records.slice(-n));
    return this.rebuild().map((records) => records.slice(-n));
  }

  rebuild(): ResultAsync<readonly IterationRecord[], StorageError> {
    return this.history.recent(this.config.runId, HISTORY_CACHE_CAPACITY).map((records) => {
      this.records = [...records];
      return records;
    });
  }

  /** Adds a record that was just stored, keeping iteration order and the capacity. */
  add(record: IterationRecord): void {
    if (this.records === null) return; // not loaded yet: the next read loads it, record included
    this.records.push(record);
    this.records.sort((a, b) => a.iteration - b.iteration);
    if (this.records.length > HISTORY_CACHE_CAPACITY) this.records.splice(0, this.records.length - HISTORY_CACHE_CAPACITY);
  }

  invalidate(): void {
    this.records = null;
  }
}
