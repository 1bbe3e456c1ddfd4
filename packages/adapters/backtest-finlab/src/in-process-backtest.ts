import { BufferPool } from '@alphaloop/engine';
import type { BacktestError, BacktestOutcome, BacktestPort, BacktestRequest } from '@alphaloop/ports';
import { errAsync, okAsync, type Result, type ResultAsync } from 'neverthrow';
import { fromException } from './errors.js';
import type { BacktestConfigError } from './options.js';
import { backtestMetrics, compileForBacktest, guardMemory } from './pipeline.js';
import { askOf, construct, outcomeOf, refuseMeasured, runSettingsOf, setupOrThrow, type BacktestInit, type Setup } from './setup.js';

/**
 * The backtest port in the calling thread: compile → memory guard → evaluate → sim → metrics. No worker and
 * no time limit (a strategy cannot loop, so a run always ends; it blocks the event loop while it computes).
 * For tests and the one-off `alphaloop backtest FILE` command; the loop uses `WorkerBacktest`.
 */
export class InProcessBacktest implements BacktestPort {
  private readonly setup: Setup;
  /** Whole-frame buffers reused from one backtest to the next (runs are synchronous: one at a time). */
  private readonly pool = new BufferPool();

  /** Throws `BacktestConfigException` on an invalid option or market (use `create` for a Result). */
  constructor(init: BacktestInit) {
    this.setup = setupOrThrow(init);
  }

  static create(init: BacktestInit): Result<InProcessBacktest, BacktestConfigError> {
    return construct(() => new InProcessBacktest(init));
  }

  run(request: BacktestRequest): ResultAsync<BacktestOutcome, BacktestError> {
    try {
      const { market, context, options } = this.setup;
      const result = compileForBacktest(request.code, context).andThen((compiled) => refuseMeasured(compiled, request)).andThen((compiled) =>
        guardMemory(compiled.graph, market.rows, market.cols, options.memoryLimitMb)
          .andThen(() => backtestMetrics(compiled.graph, market, runSettingsOf(options), askOf(request), this.pool))
          .map((metrics) => outcomeOf(compiled, metrics)),
      );
      return result.isOk() ? okAsync(result.value) : errAsync(result.error);
    } catch (e) {
      return errAsync(fromException(e, 'backtest'));
    }
  }

  /** Nothing to release; present so both adapters close the same way. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
