import type { BacktestError, BacktestOutcome, BacktestPort, BacktestRequest } from '@alphaloop/ports';
import { err, ok, ResultAsync, type Result } from 'neverthrow';
import { Worker } from 'node:worker_threads';
import { fromException, internalError, outOfMemory, timedOut } from './errors.js';
import { shareMarket, sharedBytes } from './market.js';
import type { BacktestConfigError } from './options.js';
import { compileForBacktest, guardMemory, type BacktestMetrics } from './pipeline.js';
import { askOf, construct, outcomeOf, refuseMeasured, runSettingsOf, setupOrThrow, type BacktestInit, type Setup } from './setup.js';
import type { JobResult, WorkerInit, WorkerJob, WorkerReply, WorkerRequest } from './worker/protocol.js';

/**
 * Running from the TypeScript sources (vitest, `node --import tsx`, the CLI's loader), the worker starts at a
 * small `.mjs` entry that registers tsx in the new thread; from a build it would start at the compiled module.
 */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './worker/entry.mjs' : './worker/backtest-worker.js', import.meta.url);
const WORKER_EXEC_ARGV = FROM_SOURCE ? ['--conditions=@alphaloop/source'] : [];
/** Consecutive start-up failures after which queued backtests fail instead of waiting for another attempt. */
const MAX_START_FAILURES = 3;

/** What `WorkerBacktest` is built from: the market, the compile context and the options; the rest is for tests. */
export interface WorkerBacktestInit extends BacktestInit {
  /** Tests only: let the worker honour the `test:*` jobs (stall, exhaust the heap). */
  readonly testHooks?: boolean;
  /** Tests only: start workers from this module instead of the adapter's own worker. */
  readonly workerEntry?: URL;
}

/** Counters of a worker pool, for tests, progress output and the benchmark. */
export interface WorkerBacktestStats {
  /** Workers spawned so far, replacements included. */
  readonly workersStarted: number;
  readonly liveWorkers: number;
  readonly queued: number;
  /** Jobs a worker answered. */
  readonly completed: number;
  readonly timeouts: number;
  readonly outOfMemory: number;
  /** Workers that died for another reason (or failed to start). */
  readonly crashes: number;
  /** Sum over answered jobs of dispatch → reply, in ms. */
  readonly roundTripMs: number;
  /** Sum over answered jobs of the time spent inside the worker (the rest of the round trip is messaging). */
  readonly workerMs: number;
  /** Spawn → ready of the last worker that became ready, in ms. */
  readonly lastStartupMs: number | null;
  /** Bytes of the market in shared memory (frame values and dates), shared by every worker. */
  readonly sharedMarketBytes: number;
}


interface Job {
  readonly id: number;
  readonly job: WorkerJob;
  readonly limitMs: number;
  /** Plain data rather than a Result: the first settlement wins, later ones are ignored. */
  readonly settle: (outcome: JobResult) => void;
  dispatchedAt: number;
}

interface Slot {
  readonly worker: Worker;
  state: 'starting' | 'idle' | 'busy' | 'dead';
  job: Job | null;
  timer: NodeJS.Timeout | null;
  startTimer: NodeJS.Timeout | null;
  readonly spawnedAt: number;
}

/**
 * The backtest port for the loop: strategies compile in the calling thread (ids and syntax errors without a
 * round trip); the compiled graph (plain data) goes to a worker thread, which evaluates, simulates and returns
 * the metrics. The market is copied once into shared memory and handed to every worker at start-up.
 *
 * Limits: a backtest that runs longer than `timeoutMs` gets `backtest_timeout` and its worker is terminated and
 * replaced (same shared buffers, nothing reloaded); a worker that exceeds its heap limit gets
 * `backtest_out_of_memory` and is replaced; a strategy whose frames would not fit in `memoryLimitMb` is refused
 * before it runs. Concurrent `run` calls queue; each worker runs one backtest at a time. Idle workers do not
 * keep the process alive, but call `close()` when done: it terminates them.
 */
export class WorkerBacktest implements BacktestPort {
  private readonly setup: Setup;
  private readonly init: WorkerInit;
  private readonly entry: URL;
  private readonly slots: Slot[] = [];
  private readonly pending: Job[] = [];
  private readonly readyWaiters: ((failure: BacktestError | null) => void)[] = [];
  private nextId = 1;
  private closed = false;
  private startFailures = 0;
  private lastStartError = '';
  private counters = { workersStarted: 0, completed: 0, timeouts: 0, outOfMemory: 0, crashes: 0, roundTripMs: 0, workerMs: 0 };
  private lastStartupMs: number | null = null;

  /**
   * Copies the market into shared memory and starts the workers (they load in the background; the first
   * backtest waits for one). Throws `BacktestConfigException` on an invalid option or market (use `create`
   * for a Result).
   */
  constructor(init: WorkerBacktestInit) {
    this.setup = setupOrThrow(init);
    this.entry = init.workerEntry ?? WORKER_URL;
    const { options } = this.setup;
    this.init = {
      market: shareMarket(this.setup.market),
      settings: runSettingsOf(options),
      testHooks: init.testHooks === true,
    };
    this.ensureWorkers();
  }

  static create(init: WorkerBacktestInit): Result<WorkerBacktest, BacktestConfigError> {
    return construct(() => new WorkerBacktest(init));
  }

  run(request: BacktestRequest): ResultAsync<BacktestOutcome, BacktestError> {
    return new ResultAsync(this.runSafely(request));
  }

  /** Resolves once every worker has loaded (or with an error if they cannot start). Never rejects. */
  ready(): ResultAsync<void, BacktestError> {
    const failure = new Promise<BacktestError | null>((resolve) => {
      if (this.closed) return resolve(internalError('the backtest adapter is closed'));
      this.readyWaiters.push(resolve); // first: a start-up that fails at once answers the waiters
      this.ensureWorkers();
      this.notifyReady();
      this.updateRefs();
    });
    return new ResultAsync(failure.then((e): Result<void, BacktestError> => (e === null ? ok(undefined) : err(e))));
  }

  stats(): WorkerBacktestStats {
    return {
      ...this.counters,
      liveWorkers: this.slots.length,
      queued: this.pending.length,
      lastStartupMs: this.lastStartupMs,
      sharedMarketBytes: sharedBytes(this.init.market),
    };
  }

  /** Thread ids of the live workers (tests check that a replaced worker is a new thread). */
  workerThreadIds(): number[] {
    return this.slots.map((s) => s.worker.threadId);
  }

  /**
   * Fails queued and running backtests with `backtest_internal`, terminates every worker and resolves when they
   * have exited. Later `run` calls answer `backtest_internal`. Never rejects; calling it twice is harmless.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closedError = internalError('the backtest adapter was closed');
    this.failPending(closedError);
    const exits: Promise<unknown>[] = [];
    for (const slot of [...this.slots]) {
      const job = slot.job;
      exits.push(this.kill(slot));
      job?.settle({ ok: false, error: closedError });
    }
    this.resolveWaiters(closedError);
    await Promise.allSettled(exits);
  }

  /**
   * Test hook: queues a job that strategy code cannot produce (stall the worker, exhaust its heap). The worker
   * honours it only when the adapter was built with `testHooks: true`. `limitMs` overrides the time limit.
   */
  runTestJob(job: Exclude<WorkerJob, { type: 'run' }>, limitMs?: number): ResultAsync<BacktestMetrics, BacktestError> {
    return new ResultAsync(this.submit(job, limitMs));
  }

  private async runSafely(request: BacktestRequest): Promise<Result<BacktestOutcome, BacktestError>> {
    try {
      if (this.closed) return err(internalError('the backtest adapter is closed'));
      const { market, context, options } = this.setup;
      const compiled = compileForBacktest(request.code, context).andThen((c) => refuseMeasured(c, request));
      if (compiled.isErr()) return err(compiled.error);
      const guard = guardMemory(compiled.value.graph, market.rows, market.cols, options.memoryLimitMb);
      if (guard.isErr()) return err(guard.error);
      const metrics = await this.submit({ type: 'run', graph: compiled.value.graph, ask: askOf(request) });
      return metrics.map((m) => outcomeOf(compiled.value, m));
    } catch (e) {
      return err(fromException(e, 'backtest'));
    }
  }

  private submit(job: WorkerJob, limitMs = this.setup.options.timeoutMs): Promise<Result<BacktestMetrics, BacktestError>> {
    const outcome = new Promise<JobResult>((resolve) => {
      if (this.closed) return resolve({ ok: false, error: internalError('the backtest adapter is closed') });
      let settled = false;
      const settle = (outcome: JobResult): void => {
        if (settled) return;
        settled = true;
        resolve(outcome);
      };
      this.pending.push({ id: this.nextId++, job, limitMs, settle, dispatchedAt: 0 });
      this.ensureWorkers();
      this.dispatch();
      this.updateRefs();
    });
    return outcome.then((r): Result<BacktestMetrics, BacktestError> => (r.ok ? ok(r.value) : err(r.error)));
  }

  private ensureWorkers(): void {
    if (this.closed) return;
    for (let i = this.slots.length; i < this.setup.options.workers; i++) this.spawn();
    this.updateRefs(); // a new worker is ref'd: unref it unless something waits
  }

  private spawn(): void {
    const spawnedAt = performance.now();
    let worker: Worker;
    try {
      worker = new Worker(this.entry, {
        workerData: this.init,
        execArgv: WORKER_EXEC_ARGV,
        resourceLimits: { maxOldGenerationSizeMb: this.setup.options.memoryLimitMb },
      });
    } catch (e) {
      // the Worker constructor itself failed (e.g. the entry file is missing): retrying will not help
      this.startFailures++;
      this.counters.crashes++;
      this.lastStartError = e instanceof Error ? e.message : String(e);
      this.giveUpStarting();
      return;
    }
    this.counters.workersStarted++;
    const slot: Slot = { worker, state: 'starting', job: null, timer: null, startTimer: null, spawnedAt };
    slot.startTimer = setTimeout(
      () => this.onFailure(slot, new Error(`it did not load within ${this.setup.options.startupTimeoutMs} ms`)),
      this.setup.options.startupTimeoutMs,
    );
    slot.startTimer.unref();
    worker.on('message', (reply: WorkerReply) => this.onMessage(slot, reply));
    worker.on('error', (e: Error) => this.onFailure(slot, e));
    worker.on('exit', (code: number) => this.onFailure(slot, new Error(`the worker exited with code ${code}`)));
    this.slots.push(slot);
  }

  private onMessage(slot: Slot, reply: WorkerReply): void {
    if (slot.state === 'dead') return;
    if (reply.type === 'ready') {
      if (slot.startTimer !== null) clearTimeout(slot.startTimer);
      slot.startTimer = null;
      slot.state = 'idle';
      this.startFailures = 0;
      this.lastStartupMs = performance.now() - slot.spawnedAt;
      this.notifyReady();
    } else {
      const job = slot.job;
      if (job === null || job.id !== reply.id) return;
      if (slot.timer !== null) clearTimeout(slot.timer);
      slot.timer = null;
      slot.job = null;
      slot.state = 'idle';
      this.counters.completed++;
      this.counters.roundTripMs += performance.now() - job.dispatchedAt;
      this.counters.workerMs += reply.workerMs;
      job.settle(reply.result);
    }
    this.dispatch();
    this.updateRefs();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.pending.length === 0) return;
      if (slot.state !== 'idle') continue;
      const job = this.pending.shift() as Job;
      slot.state = 'busy';
      slot.job = job;
      job.dispatchedAt = performance.now();
      slot.timer = setTimeout(() => this.onTimeout(slot, job.limitMs), job.limitMs);
      try {
        const request: WorkerRequest = { ...job.job, id: job.id };
        slot.worker.postMessage(request);
      } catch (e) {
        clearTimeout(slot.timer);
        slot.timer = null;
        slot.job = null;
        slot.state = 'idle';
        job.settle({ ok: false, error: fromException(e, 'sending the backtest to its worker') });
      }
    }
  }

  private onTimeout(slot: Slot, limitMs: number): void {
    const job = slot.job;
    if (slot.state === 'dead' || job === null) return;
    this.counters.timeouts++;
    void this.kill(slot);
    job.settle({ ok: false, error: timedOut(limitMs) });
    this.replace();
  }

  private onFailure(slot: Slot, error: Error): void {
    if (slot.state === 'dead') return;
    const starting = slot.state === 'starting';
    const job = slot.job;
    void this.kill(slot);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_WORKER_OUT_OF_MEMORY') this.counters.outOfMemory++;
    else this.counters.crashes++;
    if (job !== null) {
      job.settle({
        ok: false,
        error:
          code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? outOfMemory(`the backtest exceeded the worker's heap limit of ${this.setup.options.memoryLimitMb} MB and was stopped`)
            : internalError(`the backtest worker failed: ${error.message}`),
      });
    }
    if (starting) {
      this.startFailures++;
      this.lastStartError = `${code === undefined ? '' : `${code}: `}${error.message}`;
      if (this.startFailures >= MAX_START_FAILURES) {
        this.giveUpStarting();
        return;
      }
    }
    this.replace();
  }

  /** Start-up keeps failing: fail what waits (the next `run` tries again) instead of retrying forever. */
  private giveUpStarting(): void {
    const e = internalError(`the backtest worker could not start (${this.startFailures} attempts): ${this.lastStartError}`);
    this.startFailures = 0;
    if (this.slots.some((s) => s.state === 'idle' || s.state === 'busy')) return; // the healthy workers carry on
    this.failPending(e);
    this.resolveWaiters(e);
    this.updateRefs();
  }

  private replace(): void {
    if (this.closed) return;
    this.ensureWorkers();
    this.dispatch();
    this.updateRefs();
  }

  private kill(slot: Slot): Promise<number> {
    slot.state = 'dead';
    slot.job = null;
    if (slot.timer !== null) clearTimeout(slot.timer);
    if (slot.startTimer !== null) clearTimeout(slot.startTimer);
    slot.timer = null;
    slot.startTimer = null;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    return slot.worker.terminate().catch(() => 0);
  }

  private failPending(e: BacktestError): void {
    for (const job of this.pending.splice(0)) job.settle({ ok: false, error: e });
  }

  private notifyReady(): void {
    if (this.readyWaiters.length === 0) return;
    if (this.slots.length > 0 && this.slots.every((s) => s.state !== 'starting')) this.resolveWaiters(null);
  }

  private resolveWaiters(failure: BacktestError | null): void {
    for (const resolve of this.readyWaiters.splice(0)) resolve(failure);
  }

  /** Workers keep the process alive only while something waits for them. */
  private updateRefs(): void {
    const waited = this.pending.length > 0 || this.readyWaiters.length > 0 || this.slots.some((s) => s.job !== null);
    for (const slot of this.slots) {
      if (waited) slot.worker.ref();
      else slot.worker.unref();
    }
  }
}
