/**
 * The backtest worker thread: wraps the shared market once at start-up, then for each job evaluates the
 * compiled graph, simulates it and sends back the metrics (plain data). Loaded through `entry.mjs` when the
 * adapter runs from its TypeScript sources.
 */
import { BufferPool } from '@alphaloop/engine';
import { parentPort, workerData } from 'node:worker_threads';
import { internalError } from '../errors.js';
import { openSharedMarket } from '../market.js';
import { backtestMetrics } from '../pipeline.js';
import type { JobResult, WorkerInit, WorkerReply, WorkerRequest } from './protocol.js';

const started = performance.now();
const init = workerData as WorkerInit;
const market = openSharedMarket(init.market);
const settings = init.settings;
/** Whole-frame buffers reused from one backtest to the next (this thread runs one at a time). */
const pool = new BufferPool();

function handle(request: WorkerRequest): JobResult {
  switch (request.type) {
    case 'run': {
      const result = backtestMetrics(request.graph, market, settings, request.ask, pool);
      return result.isOk() ? { ok: true, value: result.value } : { ok: false, error: result.error };
    }
    case 'test:stall': {
      if (!init.testHooks) return { ok: false, error: internalError('test hooks are disabled') };
      const until = performance.now() + request.ms;
      while (performance.now() < until) {
        // busy: the time limit must stop a worker that does not yield
      }
      return { ok: false, error: internalError(`stalled for ${request.ms} ms`) };
    }
    case 'test:exhaust-heap': {
      if (!init.testHooks) return { ok: false, error: internalError('test hooks are disabled') };
      const hoard: number[][] = [];
      for (;;) hoard.push(Array.from({ length: 1 << 16 }, (_, i) => i + 0.5));
    }
  }
}

const port = parentPort;
if (port !== null) {
  port.on('message', (request: WorkerRequest) => {
    const t0 = performance.now();
    const result = handle(request);
    const reply: WorkerReply = { type: 'done', id: request.id, result, workerMs: performance.now() - t0 };
    port.postMessage(reply);
  });
  const ready: WorkerReply = { type: 'ready', startupMs: performance.now() - started };
  port.postMessage(ready);
}
