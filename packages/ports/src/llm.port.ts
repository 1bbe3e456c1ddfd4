import type { ResultAsync } from 'neverthrow';
import type { ArchiveElite, Champion, IterationRecord, LlmUsage } from '@alphaloop/domain';
import type { MarketDataDescription } from './market-data.port.js';

/** Everything the LLM is told when asked for a strategy. */
export interface StrategyPromptInput {
  readonly runId: string;
  readonly iteration: number;
  /** The feedback on what happened so far (domain `generateFeedback`). */
  readonly feedback: string;
  readonly champion: Champion | null;
  /** The last few records of the run, oldest first. */
  readonly recent: readonly IterationRecord[];
  readonly market: MarketDataDescription;
  /** Two or three elites of other archive cells than the champion's (in-sample figures only), best first. */
  readonly elites?: readonly ArchiveElite[];
  /** A short, bounded account of which factor families and operators worked and failed in this run. */
  readonly searchSummary?: string;
}

/** A strategy the LLM wrote that compiles against the market data. */
export interface LlmProposal {
  readonly code: string;
  readonly usage: LlmUsage;
}

export type LlmError =
  | { readonly kind: 'llm_not_configured'; readonly message: string }
  | { readonly kind: 'llm_timeout'; readonly message: string; readonly usage?: LlmUsage }
  | { readonly kind: 'llm_rate_limited'; readonly message: string; readonly usage?: LlmUsage }
  | { readonly kind: 'llm_api'; readonly message: string; readonly status?: number; readonly usage?: LlmUsage }
  | { readonly kind: 'llm_empty'; readonly message: string; readonly usage?: LlmUsage }
  /** Every attempt produced code that does not compile; `message` quotes the last compile error. */
  | { readonly kind: 'llm_invalid_strategy'; readonly message: string; readonly usage?: LlmUsage }
  | { readonly kind: 'llm_budget_exceeded'; readonly message: string };

/** Writes strategies. An adapter owns prompting, extraction, validation, retries and caching. */
export interface LlmPort {
  /** False when no model is configured: the loop then uses the factor graph only. */
  readonly configured: boolean;
  readonly model: string | null;
  proposeStrategy(input: StrategyPromptInput): ResultAsync<LlmProposal, LlmError>;
}
