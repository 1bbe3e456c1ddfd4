import type { ChampionDecision, Feedback, IterationRecord, SourceDecision, StalenessReport } from '@alphaloop/domain';

export interface IterationResult {
  readonly record: IterationRecord;
  /** False only when storage refused the record; the loop stops then (nothing is silently lost). */
  readonly stored: boolean;
  readonly storageError: string | null;
  readonly feedback: Feedback | null;
  readonly sourceDecision: SourceDecision | null;
  readonly championDecision: ChampionDecision | null;
  /** Present on the iterations where the periodic staleness check ran. */
  readonly staleness: StalenessReport | null;
  /** Set when the loop must stop after this iteration (an LLM budget cap was reached). */
  readonly stopReason: string | null;
  /** Milliseconds step 10 took (the stored record is built before it is saved, so it cannot hold this). */
  readonly saveMs: number;
  /** The archive had not improved for the policy's window when this iteration chose its parent. */
  readonly stagnating: boolean;
}
