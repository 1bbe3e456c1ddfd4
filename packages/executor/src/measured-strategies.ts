import { inject, injectable } from 'inversify';
import { okAsync, type ResultAsync } from 'neverthrow';
import { EMPTY_TALLY, tallyRecord, type IterationRecord, type SearchTally } from '@alphaloop/domain';
import { TOKENS, type HistoryRepository, type StorageError } from '@alphaloop/ports';
import { EXECUTOR_TOKENS, type ExecutorConfig } from './executor-config.js';

const PAGE = 500;

/** A record whose strategy was handed to the backtest: it counts as measured (a refused duplicate does not). */
export const wasMeasured = (record: IterationRecord): boolean => record.strategyId !== null && record.error?.category !== 'duplicate' && record.error?.step !== 'generate';

/**
 * The ids of every strategy the run has measured, so that none is backtested twice, and the search tally (what each
 * operator and factor family achieved, for the LLM's summary). Read from storage once (all records, page by page),
 * then kept up to date by the executor. Another worker's new strategies are seen after a
 * `reload` (the executor reloads when it learns that another worker wrote, e.g. after a champion conflict).
 */
@injectable()
export class MeasuredStrategies {
  private ids: Set<string> | null = null;
  private searchTally: SearchTally = EMPTY_TALLY;

  constructor(
    @inject(TOKENS.HistoryRepository) private readonly history: HistoryRepository,
    @inject(EXECUTOR_TOKENS.Config) private readonly config: ExecutorConfig,
  ) {}

  get(): ResultAsync<ReadonlySet<string>, StorageError> {
    if (this.ids !== null) return okAsync(this.ids);
    this.searchTally = EMPTY_TALLY;
    return this.load(new Set(), 0);
  }

  add(strategyId: string): void {
    this.ids?.add(strategyId);
  }

  /** The tally of every stored record read so far (call `get` first). */
  tally(): SearchTally {
    return this.searchTally;
  }

  /** A record this executor stored: counted in the tally. */
  stored(record: IterationRecord): void {
    if (this.ids !== null) this.searchTally = tallyRecord(this.searchTally, record);
  }

  reload(): void {
    this.ids = null;
  }

  private load(ids: Set<string>, offset: number): ResultAsync<ReadonlySet<string>, StorageError> {
    return this.history.page(this.config.runId, { offset, limit: PAGE }).andThen((records) => {
      for (const record of records) {
        if (wasMeasured(record)) ids.add(record.strategyId as string);
        this.searchTally = tallyRecord(this.searchTally, record);
      }
      if (records.length < PAGE) {
        this.ids = ids;
        return okAsync<ReadonlySet<string>, StorageError>(ids);
      }
      return this.load(ids, offset + PAGE);
    });
  }
}
