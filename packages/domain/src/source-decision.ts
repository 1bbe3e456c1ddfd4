import type { IterationRecord, StrategySource } from './iteration-record.js';

export interface SourcePolicy {
  /** Percentage (0–100) of iterations that ask the LLM when it is available. */
  readonly innovationRate: number;
  /** After this many consecutive LLM failures the next iteration uses the factor graph. */
  readonly maxConsecutiveLlmFailures: number;
}

export const DEFAULT_SOURCE_POLICY: SourcePolicy = { innovationRate: 100, maxConsecutiveLlmFailures: 3 };

export type SourceReason = 'llm_not_configured' | 'llm_failure_fallback' | 'llm_budget_exhausted' | 'innovation_rate';

export interface SourceDecision {
  readonly source: StrategySource;
  readonly reason: SourceReason;
  readonly detail: string;
}

/**
 * LLM failures at the end of the history (newest last): iterations that asked the LLM and got no
 * usable strategy. Any other record ends the streak, so the iteration after a factor-graph fallback
 * asks the LLM again.
 */
export function consecutiveLlmFailures(recentChronological: readonly IterationRecord[]): number {
  let count = 0;
  for (let i = recentChronological.length - 1; i >= 0; i -= 1) {
    const record = recentChronological[i];
    if (record === undefined || record.source !== 'llm' || record.error?.step !== 'generate') break;
    count += 1;
  }
  return count;
}

/** `random` returns a number in [0, 1); it is injected so that every run is reproducible from its seed. */
export function decideSource(
  input: { readonly llmConfigured: boolean; readonly consecutiveLlmFailures: number },
  policy: SourcePolicy,
  random: () => number,
): SourceDecision {
  if (!input.llmConfigured) {
    return { source: 'factor_graph', reason: 'llm_not_configured', detail: 'no LLM is configured' };
  }
  if (input.consecutiveLlmFailures >= policy.maxConsecutiveLlmFailures) {
    return {
      source: 'factor_graph',
      reason: 'llm_failure_fallback',
      detail: `${input.consecutiveLlmFailures} consecutive LLM failures`,
    };
  }
  const draw = random() * 100;
  return draw < policy.innovationRate
    ? { source: 'llm', reason: 'innovation_rate', detail: `draw ${draw.toFixed(1)} < innovation rate ${policy.innovationRate}` }
    : { source: 'factor_graph', reason: 'innovation_rate', detail: `draw ${draw.toFixed(1)} ≥ innovation rate ${policy.innovationRate}` };
}
