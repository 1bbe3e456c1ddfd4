import { describeLlmContract } from '@alphaloop/ports/contracts';
import { MemoryLogger } from '@alphaloop/ports/test-doubles';
import { describe, expect, it } from 'vitest';
import {
  classifySdkError,
  checkLlmConfig,
  createLlm,
  DEFAULT_PRICES,
  llmConfigSchema,
  parseModelSpec,
  parseRetryAfter,
  PriceBook,
} from '../src/index.js';
import { startFakeLlmServer } from './fake-llm-server.js';
import { GOOD_CODE, harness, js, promptInput, TEST_ENV } from './support.js';

describeLlmContract('AI SDK adapter (OpenAI wire, local server)', async () => {
  const server = await startFakeLlmServer();
  server.script({ type: 'text', text: js(GOOD_CODE) });
  return { llm: harness(server, 'openai').llm, input: promptInput(), teardown: () => server.close() };
});

describeLlmContract('AI SDK adapter (Anthropic wire, failing server)', async () => {
  const server = await startFakeLlmServer();
  server.script({ type: 'status', status: 500 });
  return { llm: harness(server, 'anthropic').llm, input: promptInput(), teardown: () => server.close() };
});

describeLlmContract('not configured', () => Promise.resolve({ llm: createLlm({ model: null })._unsafeUnwrap(), input: promptInput() }));

describe('createLlm', () => {
  it('model null → a port that says it is not configured', async () => {
    const llm = createLlm({})._unsafeUnwrap();
    expect(llm.configured).toBe(false);
    expect(llm.model).toBeNull();
    expect((await llm.proposeStrategy(promptInput()))._unsafeUnwrapErr().kind).toBe('llm_not_configured');
  });

  it.each([
    ['openai:gpt-4o-mini', 'OPENAI_API_KEY'],
    ['anthropic:claude-sonnet-4-5', 'ANTHROPIC_API_KEY'],
    ['google:gemini-2.5-flash', 'GOOGLE_GENERATIVE_AI_API_KEY'],
    ['openrouter:openai/gpt-4o', 'OPENROUTER_API_KEY'],
  ])('%s without a key: a configuration error naming %s', (model, variable) => {
    const error = createLlm({ model }, { env: {} })._unsafeUnwrapErr();
    expect(error.kind).toBe('llm_config_invalid');
    expect(error.message).toContain(variable);
  });

  it('reads the key only from the environment it is given, and keeps it off the port', () => {
    const llm = createLlm({ model: 'openai:gpt-4o-mini' }, { env: { OPENAI_API_KEY: TEST_ENV.OPENAI_API_KEY } })._unsafeUnwrap();
    expect(llm.configured).toBe(true);
    expect(llm.model).toBe('openai:gpt-4o-mini');
    const seen = new WeakSet<object>();
    const dump = JSON.stringify(llm, (_k, v: unknown) => {
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return undefined;
        seen.add(v);
      }
      return v;
    });
    expect(dump).not.toContain(TEST_ENV.OPENAI_API_KEY);
  });

  it('openai-compatible needs a base URL but no key', () => {
    expect(createLlm({ model: 'openai-compatible:llama3.1' }, { env: {} })._unsafeUnwrapErr().message).toContain('base URL');
    expect(createLlm({ model: 'openai-compatible:llama3.1', baseUrl: 'http://127.0.0.1:11434/v1' }, { env: {} }).isOk()).toBe(true);
  });

  it('checkLlmConfig says what createLlm would refuse, without building anything', () => {
    expect(checkLlmConfig({ model: null }, {})._unsafeUnwrap().spec).toBeNull();
    expect(checkLlmConfig({ model: 'openai-compatible:llama3.1' }, {})._unsafeUnwrapErr().message)
      .toBe('LLM model openai-compatible:llama3.1 needs a base URL: pass --llm-base-url or set llm.baseUrl (e.g. http://127.0.0.1:11434/v1 for Ollama)');
    expect(checkLlmConfig({ model: 'anthropic:claude-sonnet-4-5' }, {})._unsafeUnwrapErr().message).toContain('ANTHROPIC_API_KEY');
    expect(checkLlmConfig({ model: 'anthropic:claude-sonnet-4-5' }, { ANTHROPIC_API_KEY: 'k' })._unsafeUnwrap().spec?.provider).toBe('anthropic');
    expect(checkLlmConfig({ model: 'gpt-4o' }, {})._unsafeUnwrapErr().message).toContain('provider:model');
    expect(checkLlmConfig({ model: null, temperature: 3 }, {})._unsafeUnwrapErr().message).toContain('temperature');
  });

  it('rejects unknown providers, malformed names, unknown keys and out-of-range values', () => {
    expect(createLlm({ model: 'mistral:large' })._unsafeUnwrapErr().message).toContain('Unknown LLM provider "mistral"');
    expect(createLlm({ model: 'gpt-4o' })._unsafeUnwrapErr().message).toContain('provider:model');
    expect(createLlm({ model: null, apiKey: 'x' } as never)._unsafeUnwrapErr().message).toContain('apiKey');
    expect(createLlm({ model: null, temperature: 3 })._unsafeUnwrapErr().message).toContain('temperature');
    expect(createLlm({ model: null, maxAttempts: 0 })._unsafeUnwrapErr().message).toContain('maxAttempts');
  });

  it('fills the documented defaults', () => {
    expect(llmConfigSchema.parse({})).toMatchObject({
      model: null,
      temperature: 0.7,
      maxOutputTokens: 2000,
      timeoutMs: 60_000,
      maxAttempts: 3,
      backoffBaseMs: 1000,
      cache: { enabled: true, ttlMs: 3_600_000, maxEntries: 100 },
      promptMaxChars: 12_000,
      prices: {},
    });
  });

  it('maxAttempts and backoffBaseMs take effect', async () => {
    const server = await startFakeLlmServer();
    try {
      server.script({ type: 'status', status: 502 });
      const { llm, sleeps } = harness(server, 'openai', { maxAttempts: 4, backoffBaseMs: 250 });
      expect((await llm.proposeStrategy(promptInput()))._unsafeUnwrapErr()).toMatchObject({ kind: 'llm_api', status: 502 });
      expect(sleeps).toEqual([250, 500, 1000]);
    } finally {
      await server.close();
    }
  });

  it('configured prices override the built-in table', async () => {
    const server = await startFakeLlmServer();
    try {
      server.script({ type: 'text', text: js(GOOD_CODE), tokensIn: 1_000_000, tokensOut: 1_000_000 });
      const { llm } = harness(server, 'openai', { prices: { 'openai:gpt-4o-mini': { inputPerMillion: 1, outputPerMillion: 2 } } });
      expect((await llm.proposeStrategy(promptInput()))._unsafeUnwrap().usage.costUsd).toBe(3);
    } finally {
      await server.close();
    }
  });
});

describe('parseModelSpec', () => {
  it('splits at the first colon only', () => {
    expect(parseModelSpec('openai-compatible:qwen2.5:7b')._unsafeUnwrap()).toEqual({
      provider: 'openai-compatible',
      modelId: 'qwen2.5:7b',
      name: 'openai-compatible:qwen2.5:7b',
    });
    expect(parseModelSpec('openai:')._unsafeUnwrapErr().kind).toBe('llm_config_invalid');
  });
});

describe('PriceBook', () => {
  it('prices per million tokens, unknown models at 0 with one warning', () => {
    const logger = new MemoryLogger();
    const book = new PriceBook({}, logger);
    expect(book.cost('openai:gpt-4o', 1_000_000, 1_000_000)).toBe(12.5);
    expect(book.cost('openai:brand-new', 5, 5)).toBe(0);
    expect(book.cost('openai:brand-new', 5, 5)).toBe(0);
    expect(logger.entries.filter((e) => e.level === 'warn')).toHaveLength(1);
    expect(Object.keys(DEFAULT_PRICES).every((k) => /^[a-z-]+:.+/.test(k))).toBe(true);
  });
});

describe('parseRetryAfter / classifySdkError', () => {
  it('reads retry-after-ms, delta seconds and HTTP dates', () => {
    const now = Date.UTC(2026, 10, 25, 12, 0, 0);
    expect(parseRetryAfter({ 'retry-after-ms': '1500' }, now)).toBe(1500);
    expect(parseRetryAfter({ 'Retry-After': '3' }, now)).toBe(3000);
    expect(parseRetryAfter({ 'retry-after': new Date(now + 10_000).toUTCString() }, now)).toBe(10_000);
    expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('an unknown exception is an api failure that is not retried', () => {
    // the exception's own text is the detail, which the adapter quotes as data (it may hold a body the SDK could not read)
    expect(classifySdkError(new TypeError('boom'), false, 1000, 0)).toEqual({ category: 'api', retryable: false, message: 'TypeError', detail: 'boom' });
    expect(classifySdkError(new Error('aborted'), true, 1000, 0)).toMatchObject({ category: 'timeout', retryable: true });
  });
});
