import { metricsFrom } from '@alphaloop/domain';
import type { LlmError, LlmPort, LlmProposal, StrategyPromptInput } from '@alphaloop/ports';
import { sampleElite, sampleEvidence } from '@alphaloop/ports/contracts';
import { ManualClock } from '@alphaloop/ports/test-doubles';
import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedLlm, cacheKey, createLlm, DEFAULT_CACHE_TTL_MS, LruTtlCache, type ChatClient, type ChatRequest } from '../src/index.js';
import { startFakeLlmServer, type FakeLlmServer } from './fake-llm-server.js';
import { GOOD_CODE, harness, js, promptInput } from './support.js';

/** Counts calls; answers with a priced proposal, or the scripted error. */
class CountingLlm implements LlmPort {
  readonly configured = true;
  readonly model = 'openai:gpt-4o-mini';
  calls = 0;
  fail: LlmError | null = null;

  proposeStrategy(input: StrategyPromptInput): ResultAsync<LlmProposal, LlmError> {
    this.calls += 1;
    if (this.fail !== null) return errAsync(this.fail);
    return okAsync({
      code: `return ${input.iteration};`,
      usage: { model: this.model, tokensIn: 1000, tokensOut: 200, costUsd: 0.00027, cached: false, attempts: 1, latencyMs: 800 },
    });
  }
}

const keyOf = (input: StrategyPromptInput): string => `${input.runId}#${input.iteration}`;

describe('LruTtlCache', () => {
  it('expires entries after the TTL and evicts the least recently used', () => {
    const clock = new ManualClock(0, 0);
    const cache = new LruTtlCache<number>(clock, { ttlMs: 1_000, maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3); // evicts b
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    clock.tick(999);
    expect(cache.get('c')).toBe(3);
    clock.tick(1);
    expect(cache.get('c')).toBeUndefined();
    expect(cache.stats()).toEqual({ hits: 4, misses: 2, evictions: 1, expired: 1, size: 1 });
  });
});

describe('CachedLlm', () => {
  it('the same prompt is a hit: no call, cached = true, costUsd = 0', async () => {
    const inner = new CountingLlm();
    const cached = new CachedLlm(inner, keyOf, new ManualClock(0, 0));
    const first = (await cached.proposeStrategy(promptInput()))._unsafeUnwrap();
    const second = (await cached.proposeStrategy(promptInput()))._unsafeUnwrap();
    expect(inner.calls).toBe(1);
    expect(first.usage).toMatchObject({ cached: false, costUsd: 0.00027 });
    expect(second.code).toBe(first.code);
    expect(second.usage).toMatchObject({ cached: true, costUsd: 0, tokensIn: 0, tokensOut: 0, attempts: 0, model: inner.model });
    expect(cached.stats()).toMatchObject({ hits: 1, misses: 1, size: 1 });
  });

  it('a miss after the TTL (1 hour by default)', async () => {
    const inner = new CountingLlm();
    const clock = new ManualClock(0, 0);
    const cached = new CachedLlm(inner, keyOf, clock);
    await cached.proposeStrategy(promptInput());
    clock.tick(DEFAULT_CACHE_TTL_MS - 1);
    expect((await cached.proposeStrategy(promptInput()))._unsafeUnwrap().usage.cached).toBe(true);
    clock.tick(1);
    expect((await cached.proposeStrategy(promptInput()))._unsafeUnwrap().usage.cached).toBe(false);
    expect(inner.calls).toBe(2);
    expect(cached.stats()).toMatchObject({ hits: 1, misses: 2, expired: 1 });
  });

  it('a miss after eviction (100 entries by default, least recently used first)', async () => {
    const inner = new CountingLlm();
    const cached = new CachedLlm(inner, keyOf, new ManualClock(0, 0));
    for (let i = 0; i < 101; i += 1) await cached.proposeStrategy(promptInput({ iteration: i }));
    expect(cached.stats()).toMatchObject({ size: 100, evictions: 1 });
    expect((await cached.proposeStrategy(promptInput({ iteration: 100 })))._unsafeUnwrap().usage.cached).toBe(true);
    expect((await cached.proposeStrategy(promptInput({ iteration: 0 })))._unsafeUnwrap().usage.cached).toBe(false);
    expect(inner.calls).toBe(102);
  });

  it('errors are not cached', async () => {
    const inner = new CountingLlm();
    inner.fail = { kind: 'llm_api', message: 'HTTP 500', status: 500 };
    const cached = new CachedLlm(inner, keyOf, new ManualClock(0, 0));
    await cached.proposeStrategy(promptInput());
    await cached.proposeStrategy(promptInput());
    expect(inner.calls).toBe(2);
    expect(cached.stats().size).toBe(0);
  });
});

describe('cacheKey', () => {
  const base = { model: 'openai:gpt-4o-mini', system: 's', messages: [{ role: 'user' as const, content: 'u' }], temperature: 0.7, maxOutputTokens: 2000 };

  it('is stable, and changes with each of model, messages, temperature and max tokens', () => {
    expect(cacheKey(base)).toBe(cacheKey({ ...base, messages: [{ role: 'user', content: 'u' }] }));
    expect(cacheKey(base)).toMatch(/^[0-9a-f]{64}$/);
    const variants = [
      { ...base, model: 'openai:gpt-4o' },
      { ...base, system: 's2' },
      { ...base, messages: [{ role: 'user' as const, content: 'u2' }] },
      { ...base, temperature: 0.2 },
      { ...base, maxOutputTokens: 1000 },
    ];
    const keys = new Set([base, ...variants].map(cacheKey));
    expect(keys.size).toBe(6);
  });
});

describe('the cache in the composed adapter (real SDK, local server)', () => {
  let server: FakeLlmServer;
  beforeAll(async () => {
    server = await startFakeLlmServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('same prompt → one HTTP request; a changed prompt → a new one; stats count both', async () => {
    server.script({ type: 'text', text: js(GOOD_CODE) });
    const { llm } = harness(server, 'openai', { cache: { enabled: true } });
    const a = (await llm.proposeStrategy(promptInput()))._unsafeUnwrap();
    const b = (await llm.proposeStrategy(promptInput()))._unsafeUnwrap();
    expect(server.requests).toHaveLength(1);
    expect(a.usage.cached).toBe(false);
    expect(b.usage).toMatchObject({ cached: true, costUsd: 0 });
    await llm.proposeStrategy(promptInput({ feedback: 'different feedback' }));
    expect(server.requests).toHaveLength(2);
    expect(llm.cacheStats()).toMatchObject({ hits: 1, misses: 2, size: 2 });
    expect(llm.budget.totals()).toMatchObject({ calls: 3, cachedCalls: 1, costUsd: a.usage.costUsd * 2 });
  });

  it('a different temperature is a different key', async () => {
    server.script({ type: 'text', text: js(GOOD_CODE) });
    const { llm: hot } = harness(server, 'openai', { cache: { enabled: true }, temperature: 1 });
    const { llm: cold } = harness(server, 'openai', { cache: { enabled: true }, temperature: 0.2 });
    await hot.proposeStrategy(promptInput());
    await hot.proposeStrategy(promptInput());
    await cold.proposeStrategy(promptInput());
    expect(server.requests).toHaveLength(2);
  });
});

describe('the cache key follows the elites and the search summary', () => {
  /** A transport without HTTP: answers every request with a strategy that compiles, and keeps the requests. */
  function recordingClient(): ChatClient & { readonly requests: ChatRequest[] } {
    const requests: ChatRequest[] = [];
    return {
      requests,
      complete: (request) => {
        requests.push(request);
        return okAsync({ text: js(GOOD_CODE), tokensIn: 1000, tokensOut: 100, finishReason: 'stop' });
      },
    };
  }

  const elites = (): ReturnType<typeof sampleElite>[] => [
    sampleElite({ cell: 'value/6-15/quarterly', strategyId: 'e1e1e1e1e1e1e1e1' }),
    sampleElite({ cell: 'momentum/16-40/monthly', strategyId: 'e2e2e2e2e2e2e2e2' }),
  ];
  const summary = 'Factor families:\n- value: 9 tried, 6 profitable, 3 improved the archive, best score 0.71';

  it('equal content hits; another elite, other elite figures or another summary miss', async () => {
    const client = recordingClient();
    const llm = createLlm({ model: 'openai:gpt-4o-mini', cache: { enabled: true } }, { client, clock: new ManualClock(0, 0) })._unsafeUnwrap();
    const ask = async (input: StrategyPromptInput): Promise<boolean> => (await llm.proposeStrategy(input))._unsafeUnwrap().usage.cached;

    expect(await ask(promptInput({ elites: elites(), searchSummary: summary }))).toBe(false);
    expect(await ask(promptInput({ elites: elites(), searchSummary: summary }))).toBe(true); // new objects, same content
    expect(await ask(promptInput())).toBe(false); // without them
    expect(await ask(promptInput({ elites: elites().slice(0, 1), searchSummary: summary }))).toBe(false);
    const [first, second] = elites();
    const better = { ...(first ?? sampleElite()), evidence: sampleEvidence({ score: 0.9 }) };
    expect(await ask(promptInput({ elites: [better, second ?? sampleElite()], searchSummary: summary }))).toBe(false);
    const otherCode = { ...(first ?? sampleElite()), code: "const close = data.get('price:close');\nreturn close.isLargest(7);" };
    expect(await ask(promptInput({ elites: [otherCode, second ?? sampleElite()], searchSummary: summary }))).toBe(false);
    const otherMetrics = { ...(first ?? sampleElite()), metrics: metricsFrom({ sharpe: 2, cagr: 0.2, maxDrawdown: -0.1, turnover: 1 }) };
    expect(await ask(promptInput({ elites: [otherMetrics, second ?? sampleElite()], searchSummary: summary }))).toBe(false);
    expect(await ask(promptInput({ elites: elites(), searchSummary: `${summary}\n- momentum: 3 tried, 0 profitable, 0 improved the archive` }))).toBe(false);
    expect(await ask(promptInput({ elites: elites() }))).toBe(false);

    expect(client.requests).toHaveLength(8);
    expect(client.requests[0]?.messages[0]?.content).toContain('### 2. momentum/16-40/monthly');
    expect(llm.cacheStats()).toMatchObject({ hits: 1, misses: 8 });
  });
});
