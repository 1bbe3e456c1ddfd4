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

  it('counts UTF-8 bytes exactly at each encoding boundary', () => {
    const quoted = (text: string) => `'${text}'`;
    expect(prescan(quoted('\u0080'.repeat(32_767))).isOk()).toBe(true); // 65,536 bytes
    expect(errorOf(quoted('\u0080'.repeat(32_768))).kind).toBe('source_too_large');
    expect(prescan(quoted('\u07ff'.repeat(32_767))).isOk()).toBe(true);
    expect(errorOf(quoted('\u0800'.repeat(21_845))).kind).toBe('source_too_large'); // 65,537 bytes
    expect(prescan(quoted('\u0800'.repeat(21_844))).isOk()).toBe(true);
    expect(prescan(quoted('\u{10000}'.repeat(16_383))).isOk()).toBe(true); // 65,534 bytes
    expect(prescan(quoted('\u{10fc00}'.repeat(16_383))).isOk()).toBe(true);
    expect(errorOf(quoted('\u{10000}'.repeat(16_384))).kind).toBe('source_too_large');
    expect(errorOf(quoted(`${'x'.repeat(65_000)}${'é'.repeat(300)}`))).toMatchObject({
      kind: 'source_too_large', message: `the strategy is more than ${LIMITS.maxSourceBytes} bytes long (UTF-8)` });
    expect(prescan('x'.repeat(LIMITS.maxSourceBytes)).isOk()).toBe(true);
  });

  it('tracks lines through comments and line endings of every kind', () => {
    expect(errorOf('a\n/* c */ 😀')).toMatchObject({ line: 2, column: 9 });
    expect(errorOf('/* c */\n😀')).toMatchObject({ line: 2, column: 1 });
    expect(errorOf('/* \r */ 😀')).toMatchObject({ line: 2, column: 5 });
    expect(errorOf('/* \r\n */ 😀')).toMatchObject({ line: 2, column: 5 });
    expect(errorOf('// c\r😀')).toMatchObject({ line: 2, column: 1 });
    expect(errorOf('// c\n😀')).toMatchObject({ line: 2, column: 1 });
    expect(prescan(`x // ${'('.repeat(100)}`).isOk()).toBe(true);
    expect(errorOf(`/*/ ${'('.repeat(100)} */ x\n😀`)).toMatchObject({ kind: 'invalid_character', line: 2 });
    expect(errorOf('😀').message).toBe("unexpected character '😀' outside a string");
  });

  it('ends an unterminated string at the end of its line', () => {
    expect(errorOf(`'abc\n${'('.repeat(LIMITS.maxBracketDepth + 1)}`).kind).toBe('nesting_too_deep');
    expect(errorOf(`"abc\r${'('.repeat(LIMITS.maxBracketDepth + 1)}`).kind).toBe('nesting_too_deep');
  });

  it('bounds nesting words and arrows per top-level statement, so the answer never depends on the stack size', () => {
    const max = LIMITS.maxNestingWords;
    expect(prescan(`return ${'void '.repeat(max)}close;`).isOk()).toBe(true);
    const over = errorOf(`return ${'typeof '.repeat(max + 1)}close;`);
    expect(over).toMatchObject({ kind: 'nesting_too_deep', line: 1, column: 8 + 7 * max });
    expect(errorOf(`${'x => '.repeat(max + 1)}x`).kind).toBe('nesting_too_deep');
    expect(errorOf(`${'if (a) '.repeat(max + 1)}x;`).kind).toBe('nesting_too_deep');
    // a statement end at the top level starts the count again; one inside brackets does not
    expect(prescan(`${'a in b;'.repeat(max * 3)}`).isOk()).toBe(true);
    expect(errorOf(`f(${'a in b;'.repeat(max + 1)})`).kind).toBe('nesting_too_deep');
    // property names and longer words are not the keywords
    expect(prescan(`x${'.in.void .typeof'.repeat(max)}; const inside = typeofx;`).isOk()).toBe(true);
  });

  it('allows exactly the operator budget and never lets stray closers go negative', () => {
    expect(prescan('a/'.repeat(LIMITS.maxOperators)).isOk()).toBe(true);
    expect(errorOf(`)))${'('.repeat(LIMITS.maxBracketDepth + 1)}`).kind).toBe('nesting_too_deep');
  });

  it('accepts Unicode spaces but no other non-ASCII outside strings', () => {
    expect(prescan('\ufeffa b').isOk()).toBe(true); // a byte-order mark first
    for (const space of ['\u00a0', '\u2028', '\u2029', '\u2000', '\u2005', '\u200a', '\u3000', '\u1680', '\u202f', '\u205f']) {
      expect(prescan(`a${space}b`).isOk(), space.codePointAt(0)?.toString(16)).toBe(true);
    }
    for (const other of ['\u1fff', '\u200b', '\u00a1', '\u007f', '\u3001', '\ufeff', '\u0000', '\u0007', '\u001b', '\ud800']) {
      expect(errorOf(`a${other}b`).kind, other.codePointAt(0)?.toString(16)).toBe('invalid_character');
    }
  });

  it('rejects control characters outside strings, naming the code point, and allows tab, vertical tab and form feed', () => {
    expect(errorOf('a\u0000b')).toMatchObject({ kind: 'invalid_character', line: 1, column: 2, message: 'a control character (U+0000) outside a string' });
    expect(errorOf('a\n\u001b[2J').message).toBe('a control character (U+001B) outside a string');
    expect(prescan("a\t\u000b\u000cb '\u0000\u0007'").isOk()).toBe(true);
  });

  it('names invisible characters by escape and code point, never raw', () => {
    expect(errorOf('a\u202eb').message).toBe("an invisible character '\\u202e' (U+202E) outside a string");
    expect(errorOf('a\u200bb').message).toBe("an invisible character '\\u200b' (U+200B) outside a string");
    expect(errorOf('a\ud800b').message).toBe("an invisible character '\\ud800' (U+D800) outside a string");
    expect(errorOf('a\ufeffb').kind).toBe('invalid_character');
  });

  it('rejects HTML-like comments, which a script reads as comments where a reader sees operators', () => {
    expect(errorOf('return close <!--1;')).toMatchObject({ kind: 'forbidden_syntax', line: 1, column: 14 });
    expect(errorOf('a;\n--> x')).toMatchObject({ kind: 'forbidden_syntax', line: 2, column: 1 });
    expect(prescan("const s = '<!-- -->'; // <!-- -->\nreturn a < !b;").isOk()).toBe(true);
  });

  it('handles unterminated strings by leaving them to the parser', () => {
    expect(prescan("'abc\nreturn 1;").isOk()).toBe(true);
    expect(prescan("'abc").isOk()).toBe(true);
  });
});
