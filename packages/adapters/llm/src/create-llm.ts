import type { ClockPort, LlmError, LlmPort, LlmProposal, LoggerPort, StrategyPromptInput } from '@alphaloop/ports';
import { err, errAsync, ok, type Result, type ResultAsync } from 'neverthrow';
import { AiSdkLlm, systemClock, type SleepFn, type StrategyValidator } from './ai-sdk-llm.js';
import { BudgetedLlm, LlmBudget, type BudgetTotals } from './budget.js';
import { CachedLlm, cacheKey, type CacheStats } from './cache.js';
import { SdkChatClient, type ChatClient } from './chat-client.js';
import { llmConfigSchema, type LlmConfig, type LlmConfigInput } from './config.js';
import { parseModelSpec, type ModelSpec } from './model-spec.js';
import { PriceBook } from './pricing.js';
import { createLanguageModel, providerRequirements } from './providers.js';
import { secretMasker, type Environment } from './secrets.js';
import { compilerValidator } from './validate.js';

export interface LlmConfigError {
  readonly kind: 'llm_config_invalid';
  readonly message: string;
}

/** The port, plus what the composition root and the loop's progress output may want to read. */
export interface LlmAdapter extends LlmPort {
  /** The run's ledger (totals and caps). */
  readonly budget: LlmBudget;
  /** Cache counters, or null when the cache is off or no model is configured. */
  cacheStats(): CacheStats | null;
}

export interface CreateLlmDeps {
  /** Where API keys are read from (default `process.env`). Keys never leave the SDK provider. */
  readonly env?: Environment;
  readonly clock?: ClockPort;
  readonly sleep?: SleepFn;
  readonly logger?: LoggerPort;
  /** Replaces the strategy compiler (tests). */
  readonly validate?: StrategyValidator;
  /** Replaces the SDK transport (tests that do not need HTTP). */
  readonly client?: ChatClient;
  /** Totals already spent by a resumed run (sum of its records' `llmUsage`). */
  readonly spent?: Partial<Pick<BudgetTotals, 'costUsd' | 'tokensIn' | 'tokensOut'>>;
}

/** The port when no model is configured: the loop then uses the factor graph only. */
export class NotConfiguredLlm implements LlmAdapter {
  readonly configured = false;
  readonly model = null;
  readonly budget = new LlmBudget();

  proposeStrategy(_input: StrategyPromptInput): ResultAsync<LlmProposal, LlmError> {
    return errAsync({ kind: 'llm_not_configured', message: 'No LLM model is configured (llm.model is null)' });
  }

  cacheStats(): CacheStats | null {
    return null;
  }
}

class ComposedLlm implements LlmAdapter {
  readonly configured = true;

  constructor(
    readonly model: string,
    private readonly port: LlmPort,
    readonly budget: LlmBudget,
    private readonly cache: CachedLlm | null,
  ) {}

  proposeStrategy(input: StrategyPromptInput): ResultAsync<LlmProposal, LlmError> {
    return this.port.proposeStrategy(input);
  }

  cacheStats(): CacheStats | null {
    return this.cache?.stats() ?? null;
  }
}

/**
 * Checks the `llm` section without opening anything: the schema, the `provider:model` spelling, the API key a
 * provider requires and the base URL openai-compatible needs. The app calls it at start-up (exit 2 before the
 * database is opened); `createLlm` checks the same, the key and base URL where it builds the SDK model.
 */
export function checkLlmConfig(
  config: LlmConfigInput,
  env: Environment = process.env,
): Result<{ readonly config: LlmConfig; readonly spec: ModelSpec | null }, LlmConfigError> {
  return parseLlmConfig(config, env).andThen((parsed) =>
    parsed.spec === null ? ok(parsed) : providerRequirements(parsed.spec, env, parsed.config.baseUrl).map(() => parsed),
  );
}

/** The section against its schema and its `provider:model` spelling (what holds whatever transport is used). */
function parseLlmConfig(
  config: LlmConfigInput,
  env: Environment,
): Result<{ readonly config: LlmConfig; readonly spec: ModelSpec | null }, LlmConfigError> {
  const parsed = llmConfigSchema.safeParse(config);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(llm)'}: ${i.message}`);
    return err({ kind: 'llm_config_invalid', message: secretMasker(env)(`Invalid llm configuration: ${issues.join('; ')}`) });
  }
  const c = parsed.data;
  if (c.model === null) return ok({ config: c, spec: null });
  return parseModelSpec(c.model).map((spec) => ({ config: c, spec }));
}

/**
 * Builds the LLM port from the `llm` configuration: budget → cache → AI SDK adapter (outermost first), so
 * a spent budget stops even cache hits and a cache hit never reaches the vendor. Returns a configuration
 * error (never throws) for an invalid section, an unknown provider or a missing API key; the app turns that
 * into a start-up failure.
 */
export function createLlm(config: LlmConfigInput, deps: CreateLlmDeps = {}): Result<LlmAdapter, LlmConfigError> {
  const env = deps.env ?? process.env;
  const mask = secretMasker(env);
  // the key and base URL matter only to the SDK transport: createLanguageModel checks them (an injected client needs neither)
  const checked = parseLlmConfig(config, env);
  if (checked.isErr()) return err(checked.error);
  const { config: c, spec } = checked.value;
  if (spec === null) return ok(new NotConfiguredLlm());
  const clock = deps.clock ?? systemClock;
  let client: ChatClient;
  if (deps.client !== undefined) client = deps.client;
  else {
    const model = createLanguageModel(spec, env, c.baseUrl);
    if (model.isErr()) return err(model.error);
    const logger = deps.logger;
    if (logger !== undefined && globalThis.AI_SDK_LOG_WARNINGS === undefined) {
      // the SDK prints its call warnings to the console unless told otherwise; they go to our logger instead
      globalThis.AI_SDK_LOG_WARNINGS = false;
    }
    client = new SdkChatClient(model.value, {
      now: () => clock.now(),
      ...(logger === undefined ? {} : { onWarnings: (w: readonly string[]) => logger.debug('llm sdk warnings', { model: spec.name, warnings: w.map(mask) }) }),
    });
  }

  const budget = new LlmBudget(
    { ...(c.maxCostUsd === undefined ? {} : { maxCostUsd: c.maxCostUsd }), ...(c.maxTokens === undefined ? {} : { maxTokens: c.maxTokens }) },
    deps.spent ?? {},
  );
  const settings = {
    temperature: c.temperature,
    maxOutputTokens: c.maxOutputTokens,
    timeoutMs: c.timeoutMs,
    maxAttempts: c.maxAttempts,
    backoffBaseMs: c.backoffBaseMs,
    maxRetryAfterMs: c.maxRetryAfterMs,
  };
  const adapter = new AiSdkLlm(
    spec.name,
    settings,
    {
      client,
      validate: deps.validate ?? compilerValidator,
      prices: new PriceBook(c.prices, deps.logger),
      clock,
      mask,
      budget,
      ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
      ...(deps.logger === undefined ? {} : { logger: deps.logger }),
    },
    { maxChars: c.promptMaxChars },
  );
  const keys = new WeakMap<StrategyPromptInput, string>();
  const keyOf = (input: StrategyPromptInput): string => {
    let key = keys.get(input);
    if (key === undefined) {
      key = adapterCacheKey(adapter, input);
      keys.set(input, key);
    }
    return key;
  };
  const cache = c.cache.enabled ? new CachedLlm(adapter, keyOf, clock, { ttlMs: c.cache.ttlMs, maxEntries: c.cache.maxEntries }) : null;
  const port = new BudgetedLlm(cache ?? adapter, budget);
  return ok(new ComposedLlm(spec.name, port, budget, cache));
}

/** The cache key of an iteration's first request: model, system + user messages, temperature, max tokens. */
export function adapterCacheKey(adapter: AiSdkLlm, input: StrategyPromptInput): string {
  const { prompt, settings } = adapter.prepare(input);
  return cacheKey({
    model: adapter.model,
    system: prompt.system,
    messages: [{ role: 'user', content: prompt.user }],
    temperature: settings.temperature,
    maxOutputTokens: settings.maxOutputTokens,
  });
}
