import { EMPTY_METRICS } from './metrics.js';
import type { IterationRecord, StrategySource } from './iteration-record.js';

/** An iteration number handed out without a record, as storage reports it: its process still runs it, or died. */
export interface UnfinishedIteration {
  readonly iteration: number;
  /** false: its process is known to be gone; null: that cannot be told (another machine); true: it still runs. */
  readonly ownerAlive: boolean | null;
  /** How long ago it was handed out, by the database's clock. */
  readonly ageMs: number;
}

/**
 * A claimed iteration number without a record is interrupted once its process is known to be gone, or — when
 * that cannot be told (another machine) — once it is older than `staleAfterMs` (longer than any iteration runs).
 */
export function isInterrupted(claim: UnfinishedIteration, staleAfterMs: number): boolean {
  return claim.ownerAlive === false || (claim.ownerAlive === null && claim.ageMs > staleAfterMs);
}

/**
 * The level-0 record of an iteration whose process stopped (killed, crashed, lost power) before it stored
 * anything: history keeps every allocated number, with no silent gaps. What strategy it was working on is not
 * known; `source` is the run's default source. It is not a trial and tells the next strategy nothing.
 */
export function interruptedRecord(runId: string, iteration: number, source: StrategySource, timestamp: string): IterationRecord {
  return {
    runId,
    iteration,
    source,
    strategyCode: null,
    strategyId: null,
    parentId: null,
    mutationOperator: null,
    generation: null,
    metrics: EMPTY_METRICS,
    holdoutMetrics: null,
    evidence: null,
    level: 0,
    error: {
      category: 'interrupted',
      step: 'save',
      message: `the process running iteration ${iteration} stopped (killed or crashed) before storing it; recorded when the run resumed — nothing of it was stored`,
    },
    championUpdated: false,
    championDecision: null,
    search: null,
    feedbackUsed: '',
    timings: {},
    llmUsage: null,
    timestamp,
  };
}

/** Whether a record stands for an interrupted iteration (no strategy, nothing measured). */
export function wasInterrupted(record: IterationRecord): boolean {
  return record.error?.category === 'interrupted';
}
