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

describe('fnv1a64 against a reference encoder', () => {
  /** WTF-8: UTF-8, with an unpaired surrogate encoded as its own 3-byte sequence (as fnv1a64 does). */
  function wtf8(text: string): number[] {
    const bytes: number[] = [];
    for (let i = 0; i < text.length; i += 1) {
      let code = text.charCodeAt(i);
      const next = text.charCodeAt(i + 1);
      if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i += 1;
      }
      if (code < 0x80) bytes.push(code);
      else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
      else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
      else bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    }
    return bytes;
  }

  it.each([
    '\u007f', '\u0080', '\u07ff', '\u0800', '\uffff', '\ud7ff', '\ud800', '\udbff', '\udc00', '\udfff', '\ue000',
    '\u{10000}', '\u{10ffff}', '\ud800\ud800', '\udbff\udfff', 'a\ud800', '\ud800a', '\udc00\ud800', 'x\u{10fc00}y',
  ])('boundary %j', (text) => {
    expect(fnv1a64(text)).toBe(fnv1a64Bytes(wtf8(text)));
  });

  it('agrees on arbitrary strings, including lone surrogates', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => fnv1a64(text) === fnv1a64Bytes(wtf8(text))), { numRuns: 300 });
  });
});
