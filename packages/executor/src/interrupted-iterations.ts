import { inject, injectable } from 'inversify';
import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { interruptedRecord, isInterrupted } from '@alphaloop/domain';
import { TOKENS, type ClockPort, type HistoryRepository, type LlmPort, type StorageError } from '@alphaloop/ports';
import { EXECUTOR_TOKENS, type ExecutorConfig } from './executor-config.js';
import { HistoryCache } from './history-cache.js';

/**
 * Every allocated iteration number ends in a record: at the start of a loop, the numbers whose process stopped
 * before storing them (killed, crashed) get a level-0 `interrupted` record, so history has no silent gaps.
 * Numbers another running worker holds are left alone (see `isInterrupted`).
 */
@injectable()
export class InterruptedIterations {
  constructor(
    @inject(TOKENS.HistoryRepository) private readonly history: HistoryRepository,
    @inject(EXECUTOR_TOKENS.HistoryCache) private readonly cache: HistoryCache,
    @inject(TOKENS.Llm) private readonly llm: LlmPort,
    @inject(TOKENS.Clock) private readonly clock: ClockPort,
    @inject(EXECUTOR_TOKENS.Config) private readonly config: ExecutorConfig,
  ) {}

  /** Records the run's interrupted iterations; returns their numbers (ascending). */
  record(): ResultAsync<readonly number[], StorageError> {
    const { runId, interruptedAfterMs } = this.config;
    return this.history.unfinished(runId).andThen((open) => {
      const interrupted = open.filter((claim) => isInterrupted(claim, interruptedAfterMs)).map((claim) => claim.iteration);
      const source = this.llm.configured ? 'llm' : 'factor_graph';
      const timestamp = new Date(this.clock.now()).toISOString();
      const recordOne = (iteration: number): ResultAsync<void, StorageError> =>
        this.history.append(interruptedRecord(runId, iteration, source, timestamp)).orElse((e): ResultAsync<void, StorageError> => {
          // another worker resuming at the same moment recorded it first: it is recorded, as wanted
          if (e.kind === 'storage_duplicate') return okAsync(undefined);
          // (no champion change is given, so no champion conflict can come back)
          return errAsync(e.kind === 'champion_conflict' ? { kind: 'storage_failure', message: e.message } : e);
        });
      // one after another, in order, stopping at the first failure
      const chain = interrupted.reduce<ResultAsync<void, StorageError>>((done, iteration) => done.andThen(() => recordOne(iteration)), okAsync(undefined));
      return chain.map(() => {
        if (interrupted.length > 0) this.cache.invalidate();
        return interrupted;
      });
    });
  }
}
