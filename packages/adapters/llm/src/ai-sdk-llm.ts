import type { LlmUsage } from '@alphaloop/domain';
import type {
  ClockPort,
  LlmError,
  LlmPort,
  LlmProposal,
  LoggerPort,
  MarketDataDescription,
  StrategyPromptInput,
} from '@alphaloop/ports';
import { quoteText } from '@alphaloop/strategy';
import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type { ChatClient, ChatFailure, ChatMessage, ChatReply } from './chat-client.js';
import { extractStrategyCode, looksLikeStrategy } from './extract.js';
import type { LlmBudget } from './budget.js';
import type { PriceBook } from './pricing.js';
import {
  buildStrategyPrompt,
  invalidStrategyRetry,
  noCodeRetry,
  quoteReply,
  type PromptOptions,
  type StrategyPrompt,
} from './prompt.js';
import { maskSecrets } from './secrets.js';

/** Checks a candidate strategy against the loaded market: ok, or the compiler's formatted error (line:column). */
export type StrategyValidator = (source: string, market: MarketDataDescription) => Result<void, string>;

export type SleepFn = (ms: number) => Promise<void>;

/** Characters of a model's reply without code that the error message quotes. */
export const REPLY_QUOTE_CHARS = 160;
/** Characters of the server's or the SDK's own text about a failed call that the error message quotes. */
export const DETAIL_QUOTE_CHARS = 300;

export const sleep: SleepFn = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const systemClock: ClockPort = { now: () => Date.now(), monotonic: () => performance.now() };

export interface GenerationSettings {
  readonly temperature: number;
  readonly maxOutputTokens: number;
  readonly timeoutMs: number;
  /** Calls per iteration, first one included. */
  readonly maxAttempts: number;
  /** Backoff before retry k (k = 1, 2, …) is `backoffBaseMs × 2^(k−1)`: 1 s, 2 s, … */
  readonly backoffBaseMs: number;
  /** A Retry-After longer than this ends the iteration instead of stalling the loop. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_GENERATION_SETTINGS: GenerationSettings = {
  temperature: 0.7,
  maxOutputTokens: 2_000,
  timeoutMs: 60_000,
  maxAttempts: 3,
  backoffBaseMs: 1_000,
  maxRetryAfterMs: 60_000,
};

export interface AiSdkLlmDeps {
  readonly client: ChatClient;
  readonly validate: StrategyValidator;
  readonly prices: PriceBook;
  readonly clock?: ClockPort;
  readonly sleep?: SleepFn;
  readonly logger?: LoggerPort;
  /**
   * Applied to every message that leaves the adapter. A closure over the key values (see `secretMasker`),
   * so that the values are not properties of any object that could be logged or serialised.
   */
  readonly mask?: (text: string) => string;
  /** When given, no retry is started once the run's caps would be reached. */
  readonly budget?: LlmBudget;
}

/** What the model is sent for one iteration (first attempt): the cache key is derived from this. */
export interface PreparedRequest {
  readonly prompt: StrategyPrompt;
  readonly settings: GenerationSettings;
}

type Failure = Exclude<LlmError, { kind: 'llm_budget_exceeded' } | { kind: 'llm_not_configured' }>;

interface Tally {
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  attempts: number;
  latencyMs: number;
}

/**
 * The LLM adapter proper: prompt → call (own timeout, no SDK retries) → extract → compile, up to
 * `maxAttempts` calls. Transport failures (timeouts, 429, 5xx, network, malformed bodies) are retried after
 * 1 s, 2 s, … or the server's Retry-After; an answer without code or with code that does not compile is
 * retried at once, with a message that says exactly what was wrong. Usage of every attempt is summed into
 * the proposal — or into the error, so that failed iterations still record what they cost.
 */
export class AiSdkLlm implements LlmPort {
  readonly configured = true;
  private readonly clock: ClockPort;
  private readonly sleep: SleepFn;
  /** The last prepared request, so that the cache key and the call share one prompt build. */
  private lastPrepared: { readonly input: StrategyPromptInput; readonly prepared: PreparedRequest } | null = null;

  constructor(
    readonly model: string,
    private readonly settings: GenerationSettings,
    private readonly deps: AiSdkLlmDeps,
    private readonly promptOptions: PromptOptions = {},
  ) {
    this.clock = deps.clock ?? systemClock;
    this.sleep = deps.sleep ?? sleep;
  }

  /** The prompt and settings of the first attempt (pure; what the cache key hashes). */
  prepare(input: StrategyPromptInput): PreparedRequest {
    if (this.lastPrepared?.input === input) return this.lastPrepared.prepared;
    const prepared = { prompt: buildStrategyPrompt(input, this.promptOptions), settings: this.settings };
    this.lastPrepared = { input, prepared };
    return prepared;
  }

  proposeStrategy(input: StrategyPromptInput): ResultAsync<LlmProposal, LlmError> {
    return new ResultAsync(
      this.run(input).catch((thrown: unknown) =>
        err<LlmProposal, LlmError>({ kind: 'llm_api', message: this.mask(`internal error in the LLM adapter: ${String(thrown)}`) }),
      ),
    );
  }

  private mask(text: string): string {
    return this.deps.mask === undefined ? maskSecrets(text) : this.deps.mask(text);
  }

  private usageOf(tally: Tally): LlmUsage {
    return { model: this.model, ...tally, cached: false };
  }

  private async run(input: StrategyPromptInput): Promise<Result<LlmProposal, LlmError>> {
    const { prompt } = this.prepare(input);
    const first: ChatMessage = { role: 'user', content: prompt.user };
    let messages: readonly ChatMessage[] = [first];
    const tally: Tally = { tokensIn: 0, tokensOut: 0, costUsd: 0, attempts: 0, latencyMs: 0 };
    let failure: Failure = { kind: 'llm_empty', message: 'no attempt was made' };

    for (let attempt = 1; attempt <= this.settings.maxAttempts; attempt += 1) {
      if (attempt > 1 && this.deps.budget?.wouldExceed(tally.costUsd, tally.tokensIn + tally.tokensOut) === true) {
        failure = { ...failure, message: `${failure.message} (no retry: the run's LLM budget is reached)` };
        break;
      }
      const started = this.clock.monotonic();
      const reply = await this.deps.client.complete({
        system: prompt.system,
        messages,
        temperature: this.settings.temperature,
        maxOutputTokens: this.settings.maxOutputTokens,
        timeoutMs: this.settings.timeoutMs,
      });
      tally.latencyMs += Math.max(0, this.clock.monotonic() - started);
      tally.attempts += 1;

      if (reply.isErr()) {
        failure = this.transportFailure(reply.error);
        this.log(attempt, failure.kind, tally, failure.message);
        const delay = this.retryDelay(reply.error, attempt);
        if (delay === null || attempt === this.settings.maxAttempts) {
          if (delay === null && reply.error.retryAfterMs !== undefined && reply.error.retryAfterMs > this.settings.maxRetryAfterMs) {
            failure = { ...failure, message: `${failure.message} (server asked to wait ${Math.ceil(reply.error.retryAfterMs / 1000)} s: not retried)` };
          }
          break;
        }
        await this.sleep(delay);
        continue;
      }

      const answer = reply.value;
      tally.tokensIn += answer.tokensIn;
      tally.tokensOut += answer.tokensOut;
      tally.costUsd += this.deps.prices.cost(this.model, answer.tokensIn, answer.tokensOut);

      const outcome = this.judge(answer, input.market, attempt);
      if (outcome.isOk()) {
        this.log(attempt, 'ok', tally);
        return ok({ code: outcome.value, usage: this.usageOf(tally) });
      }
      failure = outcome.error.failure;
      this.log(attempt, failure.kind, tally, failure.message);
      messages = outcome.error.quote === null
        ? [{ role: 'user', content: `${first.content}\n\n${outcome.error.retry}` }]
        : [first, { role: 'assistant', content: outcome.error.quote }, { role: 'user', content: outcome.error.retry }];
    }
    return err({ ...failure, message: this.mask(failure.message), usage: this.usageOf(tally) });
  }

  /** Backoff before the next attempt, or null when this failure is not worth one. */
  private retryDelay(failure: ChatFailure, attempt: number): number | null {
    if (!failure.retryable) return null;
    if (failure.retryAfterMs !== undefined) {
      return failure.retryAfterMs > this.settings.maxRetryAfterMs ? null : failure.retryAfterMs;
    }
    return this.settings.backoffBaseMs * 2 ** (attempt - 1);
  }

  private transportFailure(failure: ChatFailure): Failure {
    // the server's own words (an error body) are quoted like a model's reply; masked first, so that no cut of the
    // quote can leave part of a key that the mask would no longer recognise
    const detail = failure.detail === undefined || failure.detail.trim() === '' ? '' : `: ${quoteText(this.mask(failure.detail.trim()), DETAIL_QUOTE_CHARS)}`;
    const message = `${this.model}: ${failure.message}${detail}`;
    switch (failure.category) {
      case 'timeout':
        return { kind: 'llm_timeout', message };
      case 'rate_limited':
        return { kind: 'llm_rate_limited', message };
      case 'api':
        return failure.status === undefined ? { kind: 'llm_api', message } : { kind: 'llm_api', message, status: failure.status };
    }
  }

  /** Extracts and compiles the strategy of a reply; on failure, what to tell the model next. */
  private judge(
    answer: ChatReply,
    market: MarketDataDescription,
    attempt: number,
  ): Result<string, { failure: Failure; quote: string | null; retry: string }> {
    const text = answer.text;
    const candidate = extractStrategyCode(text);
    const tries = `${attempt} attempt${attempt === 1 ? '' : 's'}`;
    if (candidate === null) {
      return err({
        failure: { kind: 'llm_empty', message: `${this.model} returned an empty reply (after ${tries})` },
        quote: null,
        retry: noCodeRetry(true),
      });
    }
    const checked = this.deps.validate(candidate.code, market);
    if (checked.isOk()) return ok(candidate.code);
    if (candidate.from === 'whole_text' && !looksLikeStrategy(candidate.code)) {
      return err({
        // the model's words go into the stored record, the feedback and the next prompt: quoted, escaped, bounded
        failure: { kind: 'llm_empty', message: `${this.model} replied without strategy code (after ${tries}): ${quoteText(text.trim(), REPLY_QUOTE_CHARS)}` },
        quote: quoteReply(text),
        retry: noCodeRetry(false),
      });
    }
    const unterminated = candidate.from !== 'whole_text' && candidate.unterminated;
    return err({
      failure: { kind: 'llm_invalid_strategy', message: `strategy from ${this.model} does not compile (after ${tries}): ${checked.error}` },
      quote: quoteReply(text),
      retry: invalidStrategyRetry(checked.error, unterminated || answer.finishReason === 'length'),
    });
  }

  private log(attempt: number, outcome: string, tally: Tally, message?: string): void {
    this.deps.logger?.debug('llm attempt', {
      model: this.model,
      attempt,
      outcome,
      tokensIn: tally.tokensIn,
      tokensOut: tally.tokensOut,
      costUsd: tally.costUsd,
      latencyMs: Math.round(tally.latencyMs),
      ...(message === undefined ? {} : { message: this.mask(message) }),
    });
  }
}
