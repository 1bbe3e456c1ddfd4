import type { ResultAsync } from 'neverthrow';
import type { RunProtocol, RunValidation } from '@alphaloop/domain';
import type { StorageError } from './storage-error.js';

/**
 * The protocol each run keeps from its first iteration (data, seed, split, folds, costs): results measured under
 * another protocol are not trials of the same search. Stored once per run, never replaced.
 */
export interface RunProtocolRepository {
  /** The protocol a run was started with; null for a new run or one stored before protocols existed. */
  get(runId: string): ResultAsync<RunProtocol | null, StorageError>;
  /**
   * Stores the protocol unless the run has one already; returns the one now stored (the earlier one when another
   * writer was first). Creates the run row if needed. Safe under concurrent writers: all of them get the same answer.
   */
  setIfAbsent(runId: string, protocol: RunProtocol): ResultAsync<RunProtocol, StorageError>;
}

/** The outcomes of `alphaloop validate`, kept with the run. */
export interface ValidationRepository {
  /**
   * Appends a validation of a run (several may be stored; the newest — the last saved — wins). Creates the run row
   * if needed.
   */
  save(validation: RunValidation): ResultAsync<void, StorageError>;
  /** The last validation saved for the run; null when it has none. */
  latest(runId: string): ResultAsync<RunValidation | null, StorageError>;
}
