import { err, ok, type Result } from 'neverthrow';
import type { StrategyError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { quoteText } from '../support/quote.js';

/**
 * A linear scan that runs before the parser. The parser (acorn) recurses on nested brackets and on long
 * operator chains, so inputs that are too large or too deep are rejected here, with a location, before they
 * can cost time or stack. It also rejects, with a specific message, characters the grammar never allows
 * outside strings and comments: template literals, backslashes (unicode-escaped identifiers) and non-ASCII.
 */
export function prescan(source: string): Result<void, StrategyError> {
  const bytes = utf8Length(source, LIMITS.maxSourceBytes + 1);
  if (bytes > LIMITS.maxSourceBytes) {
    return err({
      kind: 'source_too_large', line: 1, column: 1,
      message: `the strategy is more than ${LIMITS.maxSourceBytes} bytes long (UTF-8)`,
      hint: 'write a shorter strategy: a few const declarations and one return sim(position, {...})',
    });
  }
  let depth = 0;
  let operators = 0;
  let nestingWords = 0;
  let line = 1;
  let lineStart = 0;
  const at = (offset: number, kind: StrategyError['kind'], message: string, hint: string): Result<void, StrategyError> =>
    err({ kind, line, column: offset - lineStart + 1, message, hint });

  const tooManyOperators = (offset: number): Result<void, StrategyError> =>
    at(offset, 'too_many_operators', `the strategy has more than ${LIMITS.maxOperators} operator characters`,
      'write a shorter strategy; name repeated sub-expressions with const');

  const tooDeep = (offset: number): Result<void, StrategyError> =>
    at(offset, 'nesting_too_deep', `one statement nests more than ${LIMITS.maxNestingWords} of void, typeof, delete, new, in, instanceof, if, else and =>`,
      'name intermediate results with const declarations instead of nesting them');

  for (let i = 0; i < source.length; i += 1) {
    const code = source.charCodeAt(i);
    switch (code) {
      case 59: // ; ends a top-level statement
        if (depth === 0) nestingWords = 0;
        break;
      case 10: // \n
        line += 1;
        lineStart = i + 1;
        break;
      case 13: // \r (alone or before \n)
        if (source.charCodeAt(i + 1) !== 10) {
          line += 1;
          lineStart = i + 1;
        }
        break;
      case 39: // '
      case 34: {
        // "
        const end = skipString(source, i, code);
        i = end - 1;
        break;
      }
      case 96: // `
        return at(i, 'forbidden_syntax', 'template literals (`...`) are not allowed',
          "write a plain string in quotes, e.g. data.get('price:close')");
      case 92: // \
        return at(i, 'invalid_character', 'a backslash outside a string (for example a unicode-escaped identifier like \\u0065val) is not allowed',
          'write names with plain ASCII letters, digits and _');
      case 47: {
        // / : a comment, or division (regex literals are rejected later by the validator)
        const next = source.charCodeAt(i + 1);
        if (next === 47) {
          while (i + 1 < source.length && source.charCodeAt(i + 1) !== 10 && source.charCodeAt(i + 1) !== 13) i += 1;
        } else if (next === 42) {
          const close = source.indexOf('*/', i + 2);
          const end = close === -1 ? source.length : close + 2;
          for (let j = i + 2; j < end; j += 1) {
            const c = source.charCodeAt(j);
            if (c === 10 || (c === 13 && source.charCodeAt(j + 1) !== 10)) {
              line += 1;
              lineStart = j + 1;
            }
          }
          i = end - 1;
        } else if (++operators > LIMITS.maxOperators) {
          return tooManyOperators(i);
        }
        break;
      }
      case 40: // (
      case 91: // [
      case 123: // {
        depth += 1;
        if (depth > LIMITS.maxBracketDepth) {
          return at(i, 'nesting_too_deep', `brackets are nested more than ${LIMITS.maxBracketDepth} levels deep`,
            'name intermediate results with const declarations instead of nesting them');
        }
        break;
      case 41: // )
      case 93: // ]
      case 125: // }
        depth = Math.max(0, depth - 1);
        break;
      default:
        if (isOperatorChar(code)) {
          if (isHtmlComment(source, i, code)) {
            return at(i, 'forbidden_syntax', 'HTML-like comments (<!-- and -->) are not allowed: JavaScript reads them as comments where a reader sees operators',
              'write comments with // or /* */; for a comparison put a space after the operator, e.g. a < !b');
          }
          // per character, so long unary runs (`!!!!…`) are bounded too
          if (++operators > LIMITS.maxOperators) return tooManyOperators(i);
          if (code === 61 && source.charCodeAt(i + 1) === 62 && ++nestingWords > LIMITS.maxNestingWords) return tooDeep(i);
        } else if (isWordStart(code)) {
          let end = i + 1;
          while (end < source.length && isWordPart(source.charCodeAt(end))) end += 1;
          if (NESTING_WORDS.has(source.slice(i, end)) && !afterDot(source, i) && ++nestingWords > LIMITS.maxNestingWords) return tooDeep(i);
          i = end - 1;
        } else if (code < 32 && code !== 9 && code !== 11 && code !== 12) {
          return at(i, 'invalid_character', `a control character (U+${hex(code)}) outside a string`,
            'remove it: code is letters, digits, spaces, tabs, line breaks and punctuation');
        } else if (code > 126 && !(isSpace(code) || (code === 0xfeff && i === 0))) {
          const char = String.fromCodePoint(source.codePointAt(i) ?? code);
          if (isInvisible(char)) {
            return at(i, 'invalid_character', `an invisible character ${quoteText(char)} (U+${hex(char.codePointAt(0) ?? code)}) outside a string`,
              'remove it: invisible characters (control, zero-width, direction overrides) can make code read differently from what it says');
          }
          return at(i, 'invalid_character', `unexpected character ${quoteText(char)} outside a string`,
            'names must use ASCII letters, digits and _; put non-ASCII text (such as Chinese data keys) inside quotes');
        }
    }
  }
  return ok(undefined);
}

/** Keywords after which acorn parses the rest of the expression or statement by recursing. */
const NESTING_WORDS = new Set(['void', 'typeof', 'delete', 'new', 'in', 'instanceof', 'if', 'else', 'await', 'yield']);

function isWordStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code === 36;
}

function isWordPart(code: number): boolean {
  return isWordStart(code) || (code >= 48 && code <= 57);
}

/** `x.in` is a property name, not the operator. */
function afterDot(source: string, start: number): boolean {
  let j = start - 1;
  while (j >= 0 && (source.charCodeAt(j) === 32 || source.charCodeAt(j) === 9)) j -= 1;
  return j >= 0 && source.charCodeAt(j) === 46;
}

/** `<!--` anywhere, `-->` anywhere: Annex B HTML-like comments (in a script, the rest of the line is a comment). */
function isHtmlComment(source: string, i: number, code: number): boolean {
  if (code === 60) return source.startsWith('!--', i + 1);
  return code === 45 && source.startsWith('->', i + 1);
}

/** A control or format character (zero-width space, bidi override, …) or a lone surrogate; one character, so constant-time. */
function isInvisible(char: string): boolean {
  return /^[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]$/u.test(char);
}

function hex(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/** Offset just past the closing quote (or the end of the line / text for an unterminated string). */
function skipString(source: string, start: number, quote: number): number {
  for (let i = start + 1; i < source.length; i += 1) {
    const c = source.charCodeAt(i);
    if (c === 92) i += 1;
    else if (c === quote) return i + 1;
    else if (c === 10 || c === 13) return i; // the parser reports the unterminated string
  }
  return source.length;
}

function isOperatorChar(code: number): boolean {
  // + - * % < > = ! & | ^ ~ ? :
  return code === 43 || code === 45 || code === 42 || code === 37 || code === 60 || code === 62 || code === 61 ||
    code === 33 || code === 38 || code === 124 || code === 94 || code === 126 || code === 63 || code === 58;
}

/** Unicode spaces a strategy may contain between tokens (a byte-order mark only as its first character). */
function isSpace(code: number): boolean {
  return code === 0xa0 || code === 0x2028 || code === 0x2029 || (code >= 0x2000 && code <= 0x200a) ||
    code === 0x3000 || code === 0x1680 || code === 0x202f || code === 0x205f;
}

/** UTF-8 byte length, stopping early once it exceeds `cap` (so a 5 MB input costs almost nothing). */
function utf8Length(text: string, cap: number): number {
  if (text.length >= cap) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length && bytes < cap; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}
