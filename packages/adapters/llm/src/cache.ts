import { createHash } from 'node:crypto';
import type { ClockPort, LlmError, LlmPort, LlmProposal, StrategyPromptInput } from '@alphaloop/ports';
import { okAsync, type ResultAsync } from 'neverthrow';
import type { ChatMessage } from './chat-client.js';

export interface CacheKeyParts {
  readonly model: string;
  readonly system: string;
  readonly messages: readonly ChatMessage[];
  readonly temperature: number;
  readonly maxOutputTokens: number;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * Digests of recent system messages. The system message is the same for a whole run (guide + fields), so
 * hashing it once and keying the cache on its digest halves the work of every lookup.
 */
const systemDigests = new Map<string, string>();
const SYSTEM_DIGESTS = 8;

function systemDigest(system: string): string {
  let digest = systemDigests.get(system);
  if (digest === undefined) {
    digest = sha256(system);
    if (systemDigests.size >= SYSTEM_DIGESTS) systemDigests.clear();
    systemDigests.set(system, digest);
  }
  return digest;
}

/** sha256 over (model, system digest, messages, temperature, max output tokens), as hex. */
export function cacheKey(parts: CacheKeyParts): string {
  const hash = createHash('sha256');
  hash.update(parts.model).update('\u0000');
  hash.update(String(parts.temperature)).update('\u0000');
  hash.update(String(parts.maxOutputTokens)).update('\u0000');
  hash.update('system\u0000').update(systemDigest(parts.system)).update('\u0000');
  for (const m of parts.messages) hash.update(m.role).update('\u0000').update(m.content).update('\u0000');
  return hash.digest('hex');
}

export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  /** Entries dropped because the cache was full (least recently used first). */
  readonly evictions: number;
  /** Lookups that found an entry older than the TTL (counted as misses too). */
  readonly expired: number;
  readonly size: number;
}

export interface CacheOptions {
  readonly ttlMs?: number;
  readonly maxEntries?: number;
}

export const DEFAULT_CACHE_TTL_MS = 3_600_000;
export const DEFAULT_CACHE_ENTRIES = 100;

interface Entry<V> {
  readonly value: V;
  readonly storedAt: number;
}

/** A map with a time-to-live and least-recently-used eviction (a `Map` keeps insertion order: oldest first). */
export class LruTtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private hits = 0;
  private misses = 0;
  private evictions = 0;
  private expired = 0;
  readonly ttlMs: number;
  readonly maxEntries: number;

  constructor(
    private readonly clock: Pick<ClockPort, 'monotonic'>,
    options: CacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_CACHE_TTL_MS;
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_CACHE_ENTRIES);
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.misses += 1;
      return undefined;
    }
    this.entries.delete(key);
    if (this.clock.monotonic() - entry.storedAt >= this.ttlMs) {
      this.expired += 1;
      this.misses += 1;
      return undefined;
    }
    this.entries.set(key, entry); // now the most recently used
    this.hits += 1;
    return entry.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, storedAt: this.clock.monotonic() });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
      this.evictions += 1;
    }
  }

  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, evictions: this.evictions, expired: this.expired, size: this.entries.size };
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * A port decorator answering a repeated prompt from memory. Only proposals are cached (errors are not). A
 * hit costs nothing: `usage.cached = true`, `costUsd = 0`, no tokens, no attempts, and the lookup time as
 * latency.
 */
export class CachedLlm implements LlmPort {
  private readonly cache: LruTtlCache<LlmProposal>;

  constructor(
    private readonly inner: LlmPort,
    private readonly keyOf: (input: StrategyPromptInput) => string,
    private readonly clock: ClockPort,
    options: CacheOptions = {},
  ) {
    this.cache = new LruTtlCache(clock, options);
  }

  get configured(): boolean {
    return this.inner.configured;
  }

  get model(): string | null {
    return this.inner.model;
  }

  proposeStrategy(input: StrategyPromptInput): ResultAsync<LlmProposal, LlmError> {
    const started = this.clock.monotonic();
    const key = this.keyOf(input);
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      const latencyMs = Math.max(0, this.clock.monotonic() - started);
      return okAsync({
        code: hit.code,
        usage: { ...hit.usage, tokensIn: 0, tokensOut: 0, costUsd: 0, attempts: 0, latencyMs, cached: true },
      });
    }
    return this.inner.proposeStrategy(input).map((proposal) => {
      this.cache.set(key, proposal);
      return proposal;
    });
  }

  stats(): CacheStats {
    return this.cache.stats();
  }
}
