import { APICallError, generateText, type LanguageModel } from 'ai';
import { err, ok, ResultAsync, type Result } from 'neverthrow';

/** One turn after the system message. */
export interface ChatMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string;
}

export interface ChatRequest {
  readonly system: string;
  readonly messages: readonly ChatMessage[];
  readonly temperature: number;
  readonly maxOutputTokens: number;
  readonly timeoutMs: number;
}

export interface ChatReply {
  readonly text: string;
  readonly tokensIn: number;
  readonly tokensOut: number;
  /** `stop`, `length` (output-token limit hit), … as the SDK reports it. */
  readonly finishReason: string;
}

/** Why a call produced no reply, classified for the retry policy. */
export interface ChatFailure {
  readonly category: 'timeout' | 'rate_limited' | 'api';
  /** Timeouts, 408/409/429/5xx, network failures and unparsable bodies are worth another attempt. */
  readonly retryable: boolean;
  readonly status?: number;
  /** From `retry-after-ms` / `retry-after` (seconds or an HTTP date). */
  readonly retryAfterMs?: number;
  /** What happened, in our words (no text from the server or the SDK). */
  readonly message: string;
  /**
   * The SDK's or the server's own text about it (an error body may say anything): the adapter masks it and
   * quotes it as data (`quoteText`) after `message`.
   */
  readonly detail?: string;
}

/** A chat completion transport. The adapter's retry, extraction and accounting logic sits on top of it. */
export interface ChatClient {
  complete(request: ChatRequest): ResultAsync<ChatReply, ChatFailure>;
}

/** Milliseconds to wait from `retry-after-ms` or `retry-after` (delta seconds or HTTP date); undefined if absent or unreadable. */
export function parseRetryAfter(headers: Readonly<Record<string, string | undefined>> | undefined, nowMs: number): number | undefined {
  if (headers === undefined) return undefined;
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const ms = lower['retry-after-ms'];
  if (ms !== undefined && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const value = lower['retry-after']?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Maps what the SDK threw to a failure category (the timeout flag is ours: we own the abort). */
export function classifySdkError(error: unknown, timedOut: boolean, timeoutMs: number, nowMs: number): ChatFailure {
  if (timedOut) return { category: 'timeout', retryable: true, message: `no reply within ${timeoutMs} ms` };
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const retryAfterMs = parseRetryAfter(error.responseHeaders, nowMs);
    const after = retryAfterMs === undefined ? {} : { retryAfterMs };
    const detail = error.message;
    if (status === 429) return { category: 'rate_limited', retryable: true, status, ...after, message: 'HTTP 429 rate limited', detail };
    if (status === 408) return { category: 'timeout', retryable: true, status, message: 'HTTP 408 request timeout', detail };
    if (status !== undefined && status >= 200 && status < 300) {
      // a 2xx whose body the SDK could not read (not JSON, or not the vendor's schema): a transient glitch
      return { category: 'api', retryable: true, status, message: `malformed response (HTTP ${status})`, detail };
    }
    if (status === undefined) return { category: 'api', retryable: error.isRetryable, message: 'network error', detail };
    return { category: 'api', retryable: error.isRetryable, status, ...after, message: `HTTP ${status}`, detail };
  }
  // e.g. the SDK's JSON parse or type validation errors, whose text holds the body it could not read
  return { category: 'api', retryable: false, message: error instanceof Error ? error.name : 'error', detail: describe(error) };
}

export interface SdkChatClientOptions {
  /** Wall-clock reading for HTTP-date Retry-After values. */
  readonly now?: () => number;
  /** Receives the SDK's call warnings (unsupported settings and the like). */
  readonly onWarnings?: (warnings: readonly string[]) => void;
}

/** The Vercel AI SDK as a `ChatClient`: one `generateText` call per request, no SDK retries, our own timeout. */
export class SdkChatClient implements ChatClient {
  private readonly now: () => number;

  constructor(
    private readonly model: LanguageModel,
    private readonly options: SdkChatClientOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  complete(request: ChatRequest): ResultAsync<ChatReply, ChatFailure> {
    return new ResultAsync(this.call(request));
  }

  private async call(request: ChatRequest): Promise<Result<ChatReply, ChatFailure>> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`timeout of ${request.timeoutMs} ms exceeded`));
    }, request.timeoutMs);
    try {
      const result = await generateText({
        model: this.model,
        system: request.system,
        messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
        temperature: request.temperature,
        maxOutputTokens: request.maxOutputTokens,
        maxRetries: 0,
        abortSignal: controller.signal,
      });
      if (result.warnings !== undefined && result.warnings.length > 0) {
        this.options.onWarnings?.(result.warnings.map((w) => JSON.stringify(w)));
      }
      return ok({
        text: result.text,
        tokensIn: result.usage.inputTokens ?? 0,
        tokensOut: result.usage.outputTokens ?? 0,
        finishReason: String(result.finishReason),
      });
    } catch (error: unknown) {
      return err(classifySdkError(error, timedOut, request.timeoutMs, this.now()));
    } finally {
      clearTimeout(timer);
    }
  }
}
