import { inject, injectable } from 'inversify';
import type { Champion, IterationRecord, SuccessLevel } from '@alphaloop/domain';
import { TOKENS, type ChampionRepository, type ClockPort, type HistoryRepository, type LoggerPort } from '@alphaloop/ports';
import { EXECUTOR_TOKENS, type ExecutorConfig } from './executor-config.js';
import { InterruptedIterations } from './interrupted-iterations.js';
import { IterationExecutor } from './iteration-executor.js';
import type { IterationResult } from './iteration-result.js';

export interface LoopOptions {
  /** How many iterations to run now; `undefined` runs until stopped. */
  readonly iterations?: number;
  /** Aborting stops the loop after the current iteration. */
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: LoopEvent) => void;
}

export type StopReason = 'completed' | 'aborted' | 'budget' | 'storage_failed';

export type LoopEvent =
  | { readonly type: 'started'; readonly runId: string; readonly planned: number | null }
  /** Numbers whose process stopped before storing them, now recorded as level-0 `interrupted` (said once, at the start). */
  | { readonly type: 'recovered'; readonly iterations: readonly number[] }
  | {
      readonly type: 'iteration';
      /** 1-based position in this invocation. */
      readonly index: number;
      readonly planned: number | null;
      readonly result: IterationResult;
      readonly elapsedMs: number;
      /** Estimated time to finish the planned iterations, from the average so far. */
      readonly etaMs: number | null;
    }
  | { readonly type: 'finished'; readonly summary: LoopSummary };

export interface LoopSummary {
  readonly runId: string;
  readonly iterationsRun: number;
  readonly firstIteration: number | null;
  readonly lastIteration: number | null;
  readonly levels: Readonly<Record<SuccessLevel, number>>;
  readonly championChanges: number;
  readonly champion: Champion | null;
  readonly stopReason: StopReason;
  readonly stopMessage: string | null;
  readonly llmCostUsd: number;
  readonly elapsedMs: number;
}

/**
 * Runs iterations until the planned number is done, the signal aborts, the LLM budget is spent or
 * storage fails. Numbers come from storage, so a resumed run continues where it stopped.
 */
@injectable()
export class LearningLoop {
  constructor(
    @inject(EXECUTOR_TOKENS.IterationExecutor) private readonly executor: IterationExecutor,
    @inject(EXECUTOR_TOKENS.InterruptedIterations) private readonly interrupted: InterruptedIterations,
    @inject(TOKENS.HistoryRepository) private readonly history: HistoryRepository,
    @inject(TOKENS.ChampionRepository) private readonly champions: ChampionRepository,
    @inject(TOKENS.Clock) private readonly clock: ClockPort,
    @inject(TOKENS.Logger) private readonly logger: LoggerPort,
    @inject(EXECUTOR_TOKENS.Config) private readonly config: ExecutorConfig,
  ) {}

  async run(options: LoopOptions = {}): Promise<LoopSummary> {
    const planned = options.iterations ?? null;
    const started = this.clock.monotonic();
    const levels: Record<SuccessLevel, number> = { 0: 0, 1: 0, 2: 0, 3: 0 };
    const records: IterationRecord[] = [];
    let championChanges = 0;
    let llmCostUsd = 0;
    let stopReason: StopReason = 'completed';
    let stopMessage: string | null = null;
    options.onEvent?.({ type: 'started', runId: this.config.runId, planned });
    const recovered = await this.interrupted.record();
    if (recovered.isErr()) {
      stopReason = 'storage_failed';
      stopMessage = recovered.error.message;
      this.logger.error('could not record the interrupted iterations', { error: recovered.error.message });
    } else if (recovered.value.length > 0) {
      this.logger.warn('recorded interrupted iterations', { iterations: [...recovered.value] });
      options.onEvent?.({ type: 'recovered', iterations: recovered.value });
    }

    for (let index = 1; stopReason === 'completed' && (planned === null || index <= planned); index += 1) {
      if (options.signal?.aborted) {
        stopReason = 'aborted';
        break;
      }
      const allocated = await this.history.allocateIteration(this.config.runId);
      if (allocated.isErr()) {
        stopReason = 'storage_failed';
        stopMessage = allocated.error.message;
        this.logger.error('could not allocate an iteration number', { error: allocated.error.message });
        break;
      }
      const result = await this.executor.execute(allocated.value);
      const { record } = result;
      if (result.stored) {
        records.push(record);
        levels[record.level] += 1;
        if (record.championUpdated) championChanges += 1;
        llmCostUsd += record.llmUsage?.costUsd ?? 0;
      }
      const elapsedMs = this.clock.monotonic() - started;
      const etaMs = planned === null ? null : (elapsedMs / index) * (planned - index);
      options.onEvent?.({ type: 'iteration', index, planned, result, elapsedMs, etaMs });
      if (!result.stored) {
        stopReason = 'storage_failed';
        stopMessage = result.storageError;
        break;
      }
      if (result.stopReason !== null) {
        stopReason = 'budget';
        stopMessage = result.stopReason;
        break;
      }
    }

    const stored = await this.champions.get(this.config.runId);
    const champion: Champion | null = stored.isOk() ? stored.value : null;
    const summary: LoopSummary = {
      runId: this.config.runId,
      iterationsRun: records.length,
      firstIteration: records[0]?.iteration ?? null,
      lastIteration: records[records.length - 1]?.iteration ?? null,
      levels,
      championChanges,
      champion,
      stopReason,
      stopMessage,
      llmCostUsd,
      elapsedMs: this.clock.monotonic() - started,
    };
    options.onEvent?.({ type: 'finished', summary });
    return summary;
  }
}
