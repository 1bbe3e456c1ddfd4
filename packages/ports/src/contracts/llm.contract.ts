import { describe, expect, it } from 'vitest';
import type { LlmPort, StrategyPromptInput } from '../llm.port.js';

export interface LlmFixture {
  readonly llm: LlmPort;
  readonly input: StrategyPromptInput;
  readonly teardown?: () => Promise<void>;
}

const LLM_ERROR_KINDS = [
  'llm_not_configured',
  'llm_timeout',
  'llm_rate_limited',
  'llm_api',
  'llm_empty',
  'llm_invalid_strategy',
  'llm_budget_exceeded',
];

/** The behaviour every LLM adapter must have: a usable strategy with usage, or a typed error. */
export function describeLlmContract(name: string, setup: () => Promise<LlmFixture>): void {
  describe(`LlmPort contract: ${name}`, () => {
    it('answers with a strategy and its usage, or a typed error — never a rejected promise', async () => {
      const { llm, input, teardown } = await setup();
      try {
        const result = await llm.proposeStrategy(input);
        result.match(
          (proposal) => {
            expect(proposal.code.trim().length).toBeGreaterThan(0);
            expect(proposal.usage.tokensIn).toBeGreaterThanOrEqual(0);
            expect(proposal.usage.costUsd).toBeGreaterThanOrEqual(0);
          },
          (error) => expect(LLM_ERROR_KINDS).toContain(error.kind),
        );
      } finally {
        await teardown?.();
      }
    });

    it('says whether it is configured, and names its model when it is', async () => {
      const { llm, teardown } = await setup();
      try {
        expect(typeof llm.configured).toBe('boolean');
        if (llm.configured) expect(llm.model).toMatch(/^[a-z-]+:.+/);
      } finally {
        await teardown?.();
      }
    });
  });
}
