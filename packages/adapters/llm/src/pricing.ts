import type { LoggerPort } from '@alphaloop/ports';

/** USD per million tokens. */
export interface ModelPrice {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

const p = (inputPerMillion: number, outputPerMillion: number): ModelPrice => ({ inputPerMillion, outputPerMillion });

/**
 * List prices of common models (USD per million input / output tokens, standard tier, no prompt-caching
 * discounts), keyed by `provider:model`. Vendors change prices: override or extend with `prices` in the
 * configuration. OpenRouter entries are the same models under OpenRouter's names.
 */
export const DEFAULT_PRICES: PriceTable = {
  'openai:gpt-4o': p(2.5, 10),
  'openai:gpt-4o-mini': p(0.15, 0.6),
  'openai:gpt-4.1': p(2, 8),
  'openai:gpt-4.1-mini': p(0.4, 1.6),
  'openai:gpt-4.1-nano': p(0.1, 0.4),
  'openai:o3-mini': p(1.1, 4.4),
  'openai:o4-mini': p(1.1, 4.4),
  'openai:gpt-5': p(1.25, 10),
  'openai:gpt-5-mini': p(0.25, 2),
  'openai:gpt-5-nano': p(0.05, 0.4),
  'anthropic:claude-opus-4-1': p(15, 75),
  'anthropic:claude-sonnet-4-5': p(3, 15),
  'anthropic:claude-sonnet-4-0': p(3, 15),
  'anthropic:claude-3-7-sonnet-latest': p(3, 15),
  'anthropic:claude-haiku-4-5': p(1, 5),
  'anthropic:claude-3-5-haiku-latest': p(0.8, 4),
  'google:gemini-2.5-pro': p(1.25, 10),
  'google:gemini-2.5-flash': p(0.3, 2.5),
  'google:gemini-2.5-flash-lite': p(0.1, 0.4),
  'google:gemini-2.0-flash': p(0.1, 0.4),
  'openrouter:openai/gpt-4o': p(2.5, 10),
  'openrouter:openai/gpt-4o-mini': p(0.15, 0.6),
  'openrouter:anthropic/claude-sonnet-4.5': p(3, 15),
  'openrouter:anthropic/claude-3.5-sonnet': p(3, 15),
  'openrouter:google/gemini-2.5-flash': p(0.3, 2.5),
  'openrouter:deepseek/deepseek-chat': p(0.3, 0.85),
};

/** Prices for one run: the built-in table overlaid with the configured one; unknown models cost 0 (said once). */
export class PriceBook {
  private readonly table: PriceTable;
  private readonly warned = new Set<string>();

  constructor(
    overrides: PriceTable = {},
    private readonly logger?: LoggerPort,
    base: PriceTable = DEFAULT_PRICES,
  ) {
    this.table = { ...base, ...overrides };
  }

  priceOf(model: string): ModelPrice | null {
    return this.table[model] ?? null;
  }

  /** Cost in USD of one call; 0 for a model without a price (logged once per model). */
  cost(model: string, tokensIn: number, tokensOut: number): number {
    const price = this.priceOf(model);
    if (price === null) {
      if (!this.warned.has(model)) {
        this.warned.add(model);
        this.logger?.warn(`No price for LLM model ${model}: its calls are counted as 0 USD (set llm.prices to fix)`, { model });
      }
      return 0;
    }
    return (tokensIn * price.inputPerMillion + tokensOut * price.outputPerMillion) / 1_000_000;
  }
}
