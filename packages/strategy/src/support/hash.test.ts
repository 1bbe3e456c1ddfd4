import { describe, expect, it } from 'vitest';
import { fnv1a64 } from './hash.js';

describe('fnv1a64', () => {
  it.each([
    ['', 'cbf29ce484222325'],
    ['a', 'af63dc4c8601ec8c'],
    ['foobar', '85944171f73967e8'],
    ['hello world', '779a65e7023cd2e7'],
  ])('matches the published FNV-1a 64 vector for %j', (text, hash) => {
    expect(fnv1a64(text)).toBe(hash);
  });

  it('hashes UTF-8 bytes (2-, 3- and 4-byte characters and lone surrogates)', () => {
    // reference values computed over the UTF-8 encoding
    expect(fnv1a64('é')).toBe(fnv1a64Bytes([0xc3, 0xa9]));
    expect(fnv1a64('收')).toBe(fnv1a64Bytes([...new TextEncoder().encode('收')]));
    expect(fnv1a64('😀')).toBe(fnv1a64Bytes([...new TextEncoder().encode('😀')]));
    expect(fnv1a64('\ud800x')).toBe(fnv1a64Bytes([0xed, 0xa0, 0x80, 0x78]));
  });

  it('always gives 16 hex digits and differs for near-identical inputs', () => {
    expect(fnv1a64('average(20)')).toMatch(/^[0-9a-f]{16}$/);
    expect(fnv1a64('average(20)')).not.toBe(fnv1a64('average(21)'));
  });
});

/** Reference implementation with BigInt. */
function fnv1a64Bytes(bytes: readonly number[]): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return hash.toString(16).padStart(16, '0');
}
