import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskSecrets, secretsFromEnv } from '../src/index.js';
import { TEST_ENV } from './support.js';

describe('maskSecrets', () => {
  const secrets = secretsFromEnv(TEST_ENV);

  it('finds every known key variable that is set', () => {
    expect(secrets.map((s) => s.name).sort()).toEqual(Object.keys(TEST_ENV).sort());
    expect(secretsFromEnv({ OPENAI_API_KEY: '', PATH: '/usr/bin' })).toEqual([]);
  });

  it('replaces a known key by the name of its variable', () => {
    const text = `Incorrect API key provided: ${TEST_ENV.OPENAI_API_KEY}.`;
    expect(maskSecrets(text, secrets)).toBe('Incorrect API key provided: ****(OPENAI_API_KEY).');
  });

  it('masks vendor-shaped keys it was not told about', () => {
    const masked = maskSecrets(
      'keys sk-proj-abcdefghijklmnop1234 and sk-ant-api03-ZZZZZZZZZZZZZZZZ and AIzaSyA1234567890abcdefghijklmn, ' +
        'Authorization: Bearer abc.def.ghi123, x-api-key: "k9k9k9k9k9", url ?key=abcdef123&x=1',
    );
    for (const leaked of ['abcdefghijklmnop1234', 'ZZZZZZZZZZZZZZZZ', 'SyA1234567890', 'abc.def.ghi123', 'k9k9k9k9k9', 'abcdef123']) {
      expect(masked).not.toContain(leaked);
    }
    expect(masked).toContain('Bearer ****');
    expect(masked).toContain('?key=****&x=1');
  });

  it('leaves ordinary text alone', () => {
    const text = 'HTTP 500 from openai:gpt-4o-mini: scripted 500 (attempt 3 of 3)';
    expect(maskSecrets(text, secrets)).toBe(text);
  });

  it('property: a key embedded anywhere never survives', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.constantFrom(...Object.values(TEST_ENV)), (before, after, key) => {
        expect(maskSecrets(`${before}${key}${after}`, secrets)).not.toContain(key);
      }),
    );
  });
});
