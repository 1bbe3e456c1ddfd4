import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import { err, ok, type Result } from 'neverthrow';
import { API_KEY_ENV, KEY_REQUIRED, OPENROUTER_BASE_URL, type LlmProvider, type ModelSpec } from './model-spec.js';
import type { Environment } from './secrets.js';

export interface ProviderConfigError {
  readonly kind: 'llm_config_invalid';
  readonly message: string;
}

/** The API key for a provider from the environment (first variable set), or null. */
export function apiKeyFor(provider: LlmProvider, env: Environment): { readonly name: string; readonly value: string } | null {
  for (const name of API_KEY_ENV[provider]) {
    const value = env[name]?.trim();
    if (value !== undefined && value !== '') return { name, value };
  }
  return null;
}

/**
 * What a provider needs before any request can be made: its API key (when it requires one) and, for
 * openai-compatible servers, a base URL. Checked at start-up, before anything is opened.
 */
export function providerRequirements(spec: ModelSpec, env: Environment, baseUrl?: string): Result<void, ProviderConfigError> {
  if (apiKeyFor(spec.provider, env) === null && KEY_REQUIRED[spec.provider]) {
    const names = API_KEY_ENV[spec.provider].join(' or ');
    return err({ kind: 'llm_config_invalid', message: `LLM model ${spec.name} needs an API key: set ${names} in the environment` });
  }
  if (spec.provider === 'openai-compatible' && baseUrl === undefined) {
    return err({
      kind: 'llm_config_invalid',
      message: `LLM model ${spec.name} needs a base URL: pass --llm-base-url or set llm.baseUrl (e.g. http://127.0.0.1:11434/v1 for Ollama)`,
    });
  }
  return ok(undefined);
}

/**
 * The SDK model for a spec. The key is read here and lives only in the SDK provider's closure: it is not
 * stored on any object of ours, not logged and not part of any error.
 */
export function createLanguageModel(
  spec: ModelSpec,
  env: Environment,
  baseUrl?: string,
): Result<LanguageModel, ProviderConfigError> {
  const required = providerRequirements(spec, env, baseUrl);
  if (required.isErr()) return err(required.error);
  const apiKey = apiKeyFor(spec.provider, env)?.value;
  const withBase = baseUrl === undefined ? {} : { baseURL: baseUrl };
  const withKey = apiKey === undefined ? {} : { apiKey };
  switch (spec.provider) {
    case 'openai':
      // the chat-completions API: every OpenAI model the loop would use speaks it, and so do proxies
      return ok(createOpenAI({ ...withKey, ...withBase }).chat(spec.modelId));
    case 'anthropic':
      return ok(createAnthropic({ ...withKey, ...withBase })(spec.modelId));
    case 'google':
      return ok(createGoogleGenerativeAI({ ...withKey, ...withBase })(spec.modelId));
    case 'openrouter':
      return ok(
        createOpenAICompatible({ name: 'openrouter', baseURL: baseUrl ?? OPENROUTER_BASE_URL, includeUsage: true, ...withKey })(spec.modelId),
      );
    case 'openai-compatible':
      // providerRequirements refused a missing base URL above
      return ok(createOpenAICompatible({ name: 'openai-compatible', baseURL: baseUrl ?? '', includeUsage: true, ...withKey })(spec.modelId));
  }
}
