import { API_KEY_ENV } from './model-spec.js';

/** A secret value and the environment variable it came from (named in the mask). */
export interface NamedSecret {
  readonly name: string;
  readonly value: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** Secrets shorter than this are not masked by value (too likely to collide with ordinary words). */
const MIN_SECRET_LENGTH = 6;

/** Every API key variable this adapter knows of that is set in `env`. */
export function secretsFromEnv(env: Environment): NamedSecret[] {
  const names = new Set(Object.values(API_KEY_ENV).flat());
  const found: NamedSecret[] = [];
  for (const name of names) {
    const value = env[name]?.trim();
    if (value !== undefined && value.length >= MIN_SECRET_LENGTH) found.push({ name, value });
  }
  return found;
}

/** Key shapes of the common vendors, masked even when we do not know the value (e.g. a key echoed by a proxy). */
const KEY_PATTERNS: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{12,}/g, // OpenAI, Anthropic (sk-ant-…), OpenRouter (sk-or-…)
  /\bAIza[0-9A-Za-z_-]{20,}/g, // Google API keys
  /(\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /((?:x-api-key|x-goog-api-key|api[_-]?key|authorization)["']?\s*[:=]\s*["']?)(?!Bearer\s|\*{4})[^\s"',&}]{6,}/gi,
  /([?&]key=)[^&\s"']{6,}/g,
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Removes API keys from text that leaves the adapter (error messages, log fields): the known values
 * from the environment are replaced by `****(VAR_NAME)`, and anything shaped like a vendor key by `****`.
 */
export function maskSecrets(text: string, secrets: readonly NamedSecret[] = []): string {
  let masked = text;
  for (const secret of secrets) {
    if (secret.value.length < MIN_SECRET_LENGTH) continue;
    masked = masked.replace(new RegExp(escapeRegExp(secret.value), 'g'), `****(${secret.name})`);
  }
  for (const pattern of KEY_PATTERNS) {
    masked = masked.replace(pattern, (match: string, prefix?: unknown) =>
      typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}****` : '****',
    );
  }
  return masked;
}

/** A masking function closed over the keys set in `env` (the values are not reachable as properties). */
export function secretMasker(env: Environment): (text: string) => string {
  const secrets = secretsFromEnv(env);
  return (text) => maskSecrets(text, secrets);
}
