import { describe, expect, it } from 'vitest';
import { LIMITS } from '../limits.js';
import { prescan } from './prescan.js';

const errorOf = (source: string) => prescan(source)._unsafeUnwrapErr();

describe('prescan', () => {
  it('accepts ordinary strategies, strings and comments', () => {
    expect(prescan("const c = data.get('price:收盤價'); // 中文 comment\n/* ( [ { ` \\ */ return c > 1;").isOk()).toBe(true);
    expect(prescan('const s = "a\\"(((` \\u0065";').isOk()).toBe(true);
  });

  it('rejects sources over the byte limit, counting UTF-8 bytes', () => {
    expect(errorOf('x'.repeat(LIMITS.maxSourceBytes + 1)).kind).toBe('source_too_large');
    expect(prescan(`'${'x'.repeat(LIMITS.maxSourceBytes - 2)}'`).isOk()).toBe(true);
    // 3 bytes each in UTF-8: 22,000 characters are 66,000 bytes
    expect(errorOf(`'${'收'.repeat(22_000)}'`).kind).toBe('source_too_large');
    expect(errorOf(`'${'é'.repeat(33_000)}'`).kind).toBe('source_too_large');
    expect(errorOf(`'${'😀'.repeat(16_400)}'`).kind).toBe('source_too_large');
  });

  it('rejects deep bracket nesting with the position of the bracket too deep', () => {
    const depth = LIMITS.maxBracketDepth;
    expect(prescan(`${'('.repeat(depth)}x${')'.repeat(depth)}`).isOk()).toBe(true);
    const error = errorOf(`a\n  ${'['.repeat(depth + 1)}`);
    expect(error).toMatchObject({ kind: 'nesting_too_deep', line: 2, column: 3 + depth });
    expect(errorOf('{'.repeat(depth + 1)).kind).toBe('nesting_too_deep');
    // closing brackets restore the budget; stray closers do not go negative
    expect(prescan(`)))${'()'.repeat(1000)}`).isOk()).toBe(true);
  });

  it('counts every operator character', () => {
    expect(prescan('-'.repeat(LIMITS.maxOperators)).isOk()).toBe(true);
    expect(errorOf('!'.repeat(LIMITS.maxOperators + 1)).kind).toBe('too_many_operators');
    expect(errorOf('a/'.repeat(LIMITS.maxOperators + 1)).kind).toBe('too_many_operators');
    for (const op of ['+', '*', '%', '<', '>', '=', '&', '|', '^', '~', '?', ':']) {
      expect(errorOf(op.repeat(LIMITS.maxOperators + 1)).kind).toBe('too_many_operators');
    }
  });

  it('ignores operators and brackets inside comments and strings', () => {
    expect(prescan(`// ${'('.repeat(100)}${'+'.repeat(4000)}\nx`).isOk()).toBe(true);
    expect(prescan(`/* ${'['.repeat(100)} */ x`).isOk()).toBe(true);
    expect(prescan(`'${'{'.repeat(100)}'`).isOk()).toBe(true);
    expect(prescan(`/* unterminated ${'('.repeat(100)}`).isOk()).toBe(true);
  });

  it('rejects template literals, backslashes and non-ASCII outside strings, with locations', () => {
    expect(errorOf('const a = 1;\nconst b = `x`;')).toMatchObject({ kind: 'forbidden_syntax', line: 2, column: 11 });
    expect(errorOf('a\r\nb\\u0065')).toMatchObject({ kind: 'invalid_character', line: 2, column: 2 });
    expect(errorOf('a\rconst 收 = 1')).toMatchObject({ kind: 'invalid_character', line: 2, column: 7 });
    expect(errorOf('/* x\n\n */ 😀')).toMatchObject({ kind: 'invalid_character', line: 3, column: 5 });
    expect(errorOf('const x = 1;\u00a0y\u3000`').kind).toBe('forbidden_syntax');
  });

  it('handles unterminated strings by leaving them to the parser', () => {
    expect(prescan("'abc\nreturn 1;").isOk()).toBe(true);
    expect(prescan("'abc").isOk()).toBe(true);
  });
});
