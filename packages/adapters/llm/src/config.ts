import { z } from 'zod';
import { DEFAULT_GENERATION_SETTINGS } from './ai-sdk-llm.js';
import { DEFAULT_CACHE_ENTRIES, DEFAULT_CACHE_TTL_MS } from './cache.js';
import { DEFAULT_PROMPT_MAX_CHARS } from './prompt.js';

const price = z.strictObject({
  inputPerMillion: z.number().nonnegative(),
  outputPerMillion: z.number().nonnegative(),
});

/**
 * The `llm` section of the configuration. Unknown keys are errors; every key has a default except the
 * model (null = no LLM: the loop uses the factor graph only). API keys are not configuration: they are
 * read from the environment only.
 */
export const llmConfigSchema = z.strictObject({
  /** `provider:model`, e.g. `openai:gpt-4o-mini`, `anthropic:claude-sonnet-4-5`, `openai-compatible:llama3.1`. */
  model: z.string().regex(/^[a-z-]+:.+$/, 'write the model as provider:model').nullable().default(null),
  /** Overrides the provider's endpoint; required for openai-compatible (Ollama, vLLM, llama.cpp server). */
  baseUrl: z.url({ protocol: /^https?$/, error: 'write an http:// or https:// URL' }).optional(),
  temperature: z.number().min(0).max(2).default(DEFAULT_GENERATION_SETTINGS.temperature),
  maxOutputTokens: z.number().int().positive().default(DEFAULT_GENERATION_SETTINGS.maxOutputTokens),
  timeoutMs: z.number().int().positive().default(DEFAULT_GENERATION_SETTINGS.timeoutMs),
  maxAttempts: z.number().int().min(1).max(10).default(DEFAULT_GENERATION_SETTINGS.maxAttempts),
  backoffBaseMs: z.number().int().nonnegative().default(DEFAULT_GENERATION_SETTINGS.backoffBaseMs),
  maxRetryAfterMs: z.number().int().nonnegative().default(DEFAULT_GENERATION_SETTINGS.maxRetryAfterMs),
  /** USD per million tokens, keyed `provider:model`; overlays the built-in table. */
  prices: z.record(z.string(), price).default({}),
  /** Run-level caps: reaching one stops the loop (`llm_budget_exceeded`). */
  maxCostUsd: z.number().positive().optional(),
  maxTokens: z.number().int().positive().optional(),
  cache: z
    .strictObject({
      enabled: z.boolean().default(true),
      ttlMs: z.number().int().positive().default(DEFAULT_CACHE_TTL_MS),
      maxEntries: z.number().int().positive().default(DEFAULT_CACHE_ENTRIES),
    })
    .prefault({}),
  promptMaxChars: z.number().int().min(8_000).default(DEFAULT_PROMPT_MAX_CHARS),
});

/** The configuration as written (defaults optional). */
export type LlmConfigInput = z.input<typeof llmConfigSchema>;
/** The configuration with every default filled in. */
export type LlmConfig = z.output<typeof llmConfigSchema>;
