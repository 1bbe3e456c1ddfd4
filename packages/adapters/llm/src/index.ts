export { checkLlmConfig, createLlm, adapterCacheKey, NotConfiguredLlm, type CreateLlmDeps, type LlmAdapter, type LlmConfigError } from './create-llm.js';
export { llmConfigSchema, type LlmConfig, type LlmConfigInput } from './config.js';
export {
  AiSdkLlm,
  DEFAULT_GENERATION_SETTINGS,
  sleep,
  systemClock,
  type AiSdkLlmDeps,
  type GenerationSettings,
  type PreparedRequest,
  type SleepFn,
  type StrategyValidator,
} from './ai-sdk-llm.js';
export { compilerValidator } from './validate.js';
export { BudgetedLlm, LlmBudget, type BudgetCaps, type BudgetExceeded, type BudgetTotals } from './budget.js';
export {
  CachedLlm,
  LruTtlCache,
  cacheKey,
  DEFAULT_CACHE_ENTRIES,
  DEFAULT_CACHE_TTL_MS,
  type CacheKeyParts,
  type CacheOptions,
  type CacheStats,
} from './cache.js';
export {
  SdkChatClient,
  classifySdkError,
  parseRetryAfter,
  type ChatClient,
  type ChatFailure,
  type ChatMessage,
  type ChatReply,
  type ChatRequest,
} from './chat-client.js';
export { extractStrategyCode, fencedBlocks, looksLikeStrategy, type CodeCandidate, type FencedBlock } from './extract.js';
export { languageGuide, fieldsSection, operationsSection, simOptionsSection } from './guide.js';
export {
  buildStrategyPrompt,
  promptLength,
  DEFAULT_PROMPT_MAX_CHARS,
  DEFAULT_RECENT_ROWS,
  type PromptOptions,
  type StrategyPrompt,
} from './prompt.js';
export { API_KEY_ENV, LLM_PROVIDERS, parseModelSpec, type LlmProvider, type ModelSpec } from './model-spec.js';
export { DEFAULT_PRICES, PriceBook, type ModelPrice, type PriceTable } from './pricing.js';
export { createLanguageModel, apiKeyFor } from './providers.js';
export { maskSecrets, secretMasker, secretsFromEnv, type Environment, type NamedSecret } from './secrets.js';
