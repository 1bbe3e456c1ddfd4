import type { BacktestError } from '@alphaloop/ports';
import type { FactorGraph } from '@alphaloop/strategy';
import type { SharedMarketData } from '../market.js';
import type { BacktestAsk, BacktestMetrics, RunSettings } from '../pipeline.js';

/** `workerData` of a backtest worker: the shared market (buffers, not copies) and the run settings. */
export interface WorkerInit {
  readonly market: SharedMarketData;
  readonly settings: RunSettings;
  /** Honour the `test:*` jobs (set only by the tests; strategy code can never produce a job). */
  readonly testHooks: boolean;
}

/**
 * Jobs the main thread sends. `run` is the only one a strategy leads to; the `test:*` jobs exist so the tests
 * can overrun the time limit and the heap limit for real, and are ignored unless `testHooks` is set.
 */
export type WorkerJob =
  | { readonly type: 'run'; readonly graph: FactorGraph; readonly ask: BacktestAsk }
  | { readonly type: 'test:stall'; readonly ms: number }
  | { readonly type: 'test:exhaust-heap' };

export type WorkerRequest = WorkerJob & { readonly id: number };

export type JobResult = { readonly ok: true; readonly value: BacktestMetrics } | { readonly ok: false; readonly error: BacktestError };

export type WorkerReply =
  | { readonly type: 'ready'; readonly startupMs: number }
  /** `workerMs`: time spent inside the worker on the job (the rest of the round trip is messaging). */
  | { readonly type: 'done'; readonly id: number; readonly result: JobResult; readonly workerMs: number };
