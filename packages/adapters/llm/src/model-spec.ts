import { err, ok, type Result } from 'neverthrow';

/** The vendors this adapter talks to. `openrouter` and `openai-compatible` use the OpenAI chat wire format. */
export const LLM_PROVIDERS = ['openai', 'anthropic', 'google', 'openrouter', 'openai-compatible'] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

/** Where each provider's key is read from (the first variable that is set wins). */
export const API_KEY_ENV: Readonly<Record<LlmProvider, readonly string[]>> = {
  openai: ['OPENAI_API_KEY'],
  anthropic: ['ANTHROPIC_API_KEY'],
  google: ['GOOGLE_GENERATIVE_AI_API_KEY', 'GEMINI_API_KEY'],
  openrouter: ['OPENROUTER_API_KEY'],
  // local servers (Ollama, vLLM, llama.cpp) usually need none
  'openai-compatible': ['OPENAI_COMPATIBLE_API_KEY'],
};

/** Whether a provider refuses to start without a key. */
export const KEY_REQUIRED: Readonly<Record<LlmProvider, boolean>> = {
  openai: true,
  anthropic: true,
  google: true,
  openrouter: true,
  'openai-compatible': false,
};

export const OPENROUTER_BASE_URL = 'https://openrouter.ai/api/v1';

export interface ModelSpec {
  readonly provider: LlmProvider;
  /** The vendor's model id, e.g. `gpt-4o-mini`, `anthropic/claude-sonnet-4.5` (OpenRouter). */
  readonly modelId: string;
  /** `provider:modelId`, the name used in records, prices and cache keys. */
  readonly name: string;
}

export interface ModelSpecError {
  readonly kind: 'llm_config_invalid';
  readonly message: string;
}

function isProvider(value: string): value is LlmProvider {
  return (LLM_PROVIDERS as readonly string[]).includes(value);
}

/** Parses `provider:model`. The model id may itself contain `:` and `/` (e.g. `openai-compatible:llama3.1:8b`). */
export function parseModelSpec(name: string): Result<ModelSpec, ModelSpecError> {
  const trimmed = name.trim();
  const colon = trimmed.indexOf(':');
  if (colon <= 0 || colon === trimmed.length - 1) {
    return err({
      kind: 'llm_config_invalid',
      message: `LLM model "${trimmed}" must be written provider:model, e.g. openai:gpt-4o-mini (providers: ${LLM_PROVIDERS.join(', ')})`,
    });
  }
  const provider = trimmed.slice(0, colon);
  const modelId = trimmed.slice(colon + 1);
  if (!isProvider(provider)) {
    return err({
      kind: 'llm_config_invalid',
      message: `Unknown LLM provider "${provider}" in "${trimmed}"; use one of ${LLM_PROVIDERS.join(', ')}`,
    });
  }
  return ok({ provider, modelId, name: `${provider}:${modelId}` });
}
