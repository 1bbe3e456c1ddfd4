import { createHash } from 'node:crypto';

/** JSON with object keys sorted (a stable text for hashing). */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const record = v as Record<string, unknown>;
      return Object.fromEntries(Object.keys(record).sort().map((k) => [k, record[k]]));
    }
    return v;
  });
}

/** Hex SHA-256 of a set of named byte strings (names sorted, so the order of reading does not matter). */
export function contentHash(parts: readonly { readonly name: string; readonly bytes: Uint8Array | string }[]): string {
  const hash = createHash('sha256');
  for (const part of [...parts].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const inner = createHash('sha256').update(part.bytes).digest('hex');
    hash.update(`${part.name}\u0000${inner}\n`);
  }
  return hash.digest('hex');
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
