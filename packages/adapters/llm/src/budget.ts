import type { LlmUsage } from '@alphaloop/domain';
import type { LlmError, LlmPort, LlmProposal, StrategyPromptInput } from '@alphaloop/ports';
import { errAsync, type ResultAsync } from 'neverthrow';

export interface BudgetCaps {
  /** Stop once the run's LLM spending reaches this many USD. */
  readonly maxCostUsd?: number;
  /** Stop once the run's LLM tokens (in + out) reach this many. */
  readonly maxTokens?: number;
}

export interface BudgetTotals {
  readonly costUsd: number;
  readonly tokensIn: number;
  readonly tokensOut: number;
  /** Iterations that reached the LLM (proposals and failures). */
  readonly calls: number;
  /** Of those, answered from the cache. */
  readonly cachedCalls: number;
}

export type BudgetExceeded = Extract<LlmError, { kind: 'llm_budget_exceeded' }>;

const usd = (v: number): string => `$${v.toFixed(4)}`;

/**
 * The run-level ledger: sums what every LLM iteration cost and says when a cap is reached. Seed it with
 * the totals already in the run's stored history when a run is resumed.
 */
export class LlmBudget {
  private costUsd: number;
  private tokensIn: number;
  private tokensOut: number;
  private calls = 0;
  private cachedCalls = 0;

  constructor(
    readonly caps: BudgetCaps = {},
    initial: Partial<Pick<BudgetTotals, 'costUsd' | 'tokensIn' | 'tokensOut'>> = {},
  ) {
    this.costUsd = initial.costUsd ?? 0;
    this.tokensIn = initial.tokensIn ?? 0;
    this.tokensOut = initial.tokensOut ?? 0;
  }

  record(usage: LlmUsage): void {
    this.costUsd += usage.costUsd;
    this.tokensIn += usage.tokensIn;
    this.tokensOut += usage.tokensOut;
    this.calls += 1;
    if (usage.cached) this.cachedCalls += 1;
  }

  totals(): BudgetTotals {
    return { costUsd: this.costUsd, tokensIn: this.tokensIn, tokensOut: this.tokensOut, calls: this.calls, cachedCalls: this.cachedCalls };
  }

  /** Whether spending `costUsd` and `tokens` more (not yet recorded) would reach a cap. */
  wouldExceed(costUsd: number, tokens: number): boolean {
    return this.reason(costUsd, tokens) !== null;
  }

  /** The error to return instead of calling the model, or null while the run is within its caps. */
  check(): BudgetExceeded | null {
    const reason = this.reason(0, 0);
    return reason === null ? null : { kind: 'llm_budget_exceeded', message: reason };
  }

  private reason(extraCost: number, extraTokens: number): string | null {
    const cost = this.costUsd + extraCost;
    const tokens = this.tokensIn + this.tokensOut + extraTokens;
    const { maxCostUsd, maxTokens } = this.caps;
    if (maxCostUsd !== undefined && cost >= maxCostUsd) {
      return `LLM budget reached: ${usd(cost)} spent of maxCostUsd ${usd(maxCostUsd)} (${tokens} tokens); the run stops here`;
    }
    if (maxTokens !== undefined && tokens >= maxTokens) {
      return `LLM budget reached: ${tokens} tokens used of maxTokens ${maxTokens} (${usd(cost)}); the run stops here`;
    }
    return null;
  }
}

/** A port decorator that refuses to call the model once the budget is spent, and books every call's usage. */
export class BudgetedLlm implements LlmPort {
  constructor(
    private readonly inner: LlmPort,
    readonly budget: LlmBudget,
  ) {}

  get configured(): boolean {
    return this.inner.configured;
  }

  get model(): string | null {
    return this.inner.model;
  }

  proposeStrategy(input: StrategyPromptInput): ResultAsync<LlmProposal, LlmError> {
    const exceeded = this.budget.check();
    if (exceeded !== null) return errAsync(exceeded);
    return this.inner
      .proposeStrategy(input)
      .map((proposal) => {
        this.budget.record(proposal.usage);
        return proposal;
      })
      .mapErr((error) => {
        if ('usage' in error && error.usage !== undefined) this.budget.record(error.usage);
        return error;
      });
  }
}
