import { parse, type Program } from 'acorn';
import { err, ok, type Result } from 'neverthrow';
import type { StrategyError } from '../errors.js';
import { quoteText } from '../support/quote.js';
import type { LineIndex } from '../support/source-location.js';

/**
 * Parses (never evaluates) the source as a JavaScript script whose top level may `return`. Call only after
 * `prescan`, which bounds size and nesting so the recursive parser stays within its stack.
 */
export function parseProgram(source: string, lines: LineIndex): Result<Program, StrategyError> {
  try {
    return ok(parse(source, { ecmaVersion: 2022, sourceType: 'script', allowReturnOutsideFunction: true, allowHashBang: false }));
  } catch (caught) {
    return err(toSyntaxError(caught, source, lines));
  }
}

const GENERIC_HINT = 'check brackets, commas and quotes here; a strategy is const declarations followed by one return sim(position, {...})';
const NUMBER_HINT = 'write a plain decimal number, e.g. 20, 0.08 or 1_000_000';

type Advice = readonly [kind: StrategyError['kind'], message: string, hint: string];

/**
 * acorn's message → what the author reads. acorn's own text is never passed through as is: the character or
 * token it names is quoted (`quoteText`), and every message carries advice on what to write instead.
 */
function toSyntaxError(caught: unknown, source: string, lines: LineIndex): StrategyError {
  const raw = caught instanceof Error ? caught.message : String(caught);
  const reported = (caught as { pos?: unknown }).pos;
  const pos = typeof reported === 'number' && reported >= 0 && reported <= source.length ? reported : 0;
  const { line, column } = lines.locate(pos);
  const [kind, message, hint] = advise(raw.replace(/\s*\(\d+:\d+\)$/, ''), source, pos);
  return { kind, line, column, message, hint };
}

function advise(message: string, source: string, pos: number): Advice {
  if (message.includes("'import' and 'export'")) {
    return ['forbidden_syntax', 'import and export are not allowed', "data and sim are already available: start with const close = data.get('price:close');"];
  }
  // acorn turns its own stack overflow into "Not enough stack space"; a bare RangeError would say "call stack"
  if (/stack space|call stack|too much recursion/i.test(message)) {
    return ['nesting_too_deep', 'the expression is nested too deeply to parse', 'name intermediate results with const declarations instead of nesting them'];
  }
  const redeclared = /^Identifier '([^']*)' has already been declared/.exec(message);
  if (redeclared !== null) {
    return ['duplicate_name', `${quoteText(redeclared[1] ?? '')} is already declared`, 'choose a new name, or remove the earlier declaration'];
  }
  if (message.startsWith('Unterminated string')) {
    return ['syntax_error', 'syntax error: unterminated string', 'close the string with the same quote it starts with'];
  }
  if (message.startsWith('Unterminated comment')) return ['syntax_error', 'syntax error: unterminated comment', 'close the comment with */'];
  if (message.startsWith('Unterminated regular expression') || message.startsWith('Invalid regular expression')) {
    return ['forbidden_syntax', 'a regular expression starts here (a / where a value was expected)', 'regular expressions are not allowed; to divide, write a value on both sides: a / b'];
  }
  if (message.includes('import.meta') || message.includes('new.target')) {
    return ['syntax_error', 'syntax error: meta properties (new.target, import.meta) are not allowed', "use names declared with const; data is read with data.get('key')"];
  }
  if (/await|async/i.test(message) || previousWord(source, pos) === 'await') {
    return ['forbidden_syntax', "'await' is not allowed", "data.get(key) returns the frame directly: const close = data.get('price:close');"];
  }
  if (previousWord(source, pos) === 'yield') return ['forbidden_syntax', "'yield' is not allowed", 'write const declarations followed by one return'];
  if (message.startsWith('Assigning to rvalue') || message.startsWith('Invalid left-hand side')) {
    return ['forbidden_syntax', 'assignment is not allowed', 'declare a new name with const instead of assigning: const next = x + 1;'];
  }
  if (message.startsWith('Missing initializer')) return ['syntax_error', 'syntax error: a const declaration needs a value', 'write const name = value; e.g. const ma = close.average(20);'];
  if (message.startsWith('Label ') || message.startsWith('Unsyntactic')) return ['forbidden_syntax', 'labels, break and continue are not allowed', 'write const declarations followed by one return'];
  if (/^(Invalid number|Identifier directly after number|Expected number|Numeric separator|Invalid numeric separator|Octal literal)/.test(message)) {
    return ['syntax_error', `syntax error: ${quoteText(tokenAt(source, pos))} is not a number the language reads`, NUMBER_HINT];
  }
  const keyword = /^(?:Unexpected keyword|The keyword) '([a-z]+)'/.exec(message);
  if (keyword !== null || message.startsWith('Unexpected reserved word')) {
    const word = keyword?.[1] ?? tokenAt(source, pos);
    return ['syntax_error', `syntax error: unexpected keyword ${quoteText(word)}`,
      `${quoteText(word)} is a reserved word: it cannot be a name, and the only statements are const declarations and one return`];
  }
  if (pos <= 1 && source.startsWith('#!')) {
    return ['forbidden_syntax', 'a #! line is not allowed', 'remove the first line: a strategy is const declarations followed by one return, not a script to run'];
  }
  if (message.startsWith('Unexpected character')) {
    const char = String.fromCodePoint(source.codePointAt(pos) ?? 0);
    return ['syntax_error', `syntax error: unexpected character ${quoteText(char)}`,
      char === '@' ? "decorators and '@' are not allowed: remove it" : char === '#' ? "private names (#x) are not allowed: use names declared with const" : GENERIC_HINT];
  }
  if (message.startsWith('Unexpected token')) return unexpectedToken(source, pos);
  if (message.startsWith('Private field')) {
    return ['syntax_error', `syntax error: ${requoted(lowerFirst(message))}`, 'private names (#x) are not allowed: call catalogue methods, e.g. close.average(20)'];
  }
  return ['syntax_error', `syntax error: ${requoted(lowerFirst(message))}`, GENERIC_HINT];
}

/** acorn's text with every name it quotes re-quoted by `quoteText` (escaped, bounded); the rest is acorn's own ASCII. */
function requoted(message: string): string {
  return message.slice(0, 200).replace(/'([^'\n]*)'/g, (_, inner: string) => quoteText(inner));
}

/** "Unexpected token": name the token, and recognise TypeScript and the pipeline operator. */
function unexpectedToken(source: string, pos: number): Advice {
  if (pos >= source.length || tokenAt(source, pos) === '') {
    return ['syntax_error', 'syntax error: the strategy ends too early', 'something is missing at the end: close every bracket and string, and finish with return sim(position, {...});'];
  }
  const token = tokenAt(source, pos);
  const afterConstName = previousWord(source, previousWordStart(source, pos)) === 'const';
  if ((token === ';' || token === ',') && afterConstName) {
    return ['syntax_error', 'syntax error: a const declaration needs a value', 'write const name = value; e.g. const ma = close.average(20);'];
  }
  if (token === ':' && afterConstName) {
    return ['forbidden_syntax', 'type annotations (TypeScript) are not allowed', 'write const name = value; the compiler knows every type'];
  }
  if (token === 'as' || token === 'satisfies') {
    return ['forbidden_syntax', `type assertions (TypeScript ${quoteText(token)}) are not allowed`, 'remove it: the compiler knows every type'];
  }
  if ((token === '|' && source.charCodeAt(pos + 1) === 62) || (token === '>' && source.charCodeAt(pos - 1) === 124)) {
    return ['forbidden_syntax', 'the pipeline operator (|>) is not allowed', 'call methods directly: close.average(20).rank()'];
  }
  return ['syntax_error', `syntax error: unexpected ${quoteText(token)}`, GENERIC_HINT];
}

function isWordChar(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 95 || code === 36;
}

/** The word (at most 40 characters shown) or the one character at `pos`; '' at the end or on a line break. */
function tokenAt(source: string, pos: number): string {
  let end = pos;
  while (end < source.length && end - pos < 40 && isWordChar(source.charCodeAt(end))) end += 1;
  if (end > pos) return source.slice(pos, end);
  const char = String.fromCodePoint(source.codePointAt(pos) ?? 32);
  return pos >= source.length || char === '\n' || char === '\r' ? '' : char;
}

/** Start of the word that ends before `pos` (skipping spaces), or `pos` if there is none. */
function previousWordStart(source: string, pos: number): number {
  let end = pos;
  while (end > 0 && (source.charCodeAt(end - 1) === 32 || source.charCodeAt(end - 1) === 9)) end -= 1;
  let start = end;
  while (start > 0 && end - start < 40 && isWordChar(source.charCodeAt(start - 1))) start -= 1;
  return start === end ? pos : start;
}

/** The word that ends before `pos` (skipping spaces and tabs), or ''. */
function previousWord(source: string, pos: number): string {
  const start = previousWordStart(source, pos);
  if (start === pos) return '';
  let end = start;
  while (end < pos && isWordChar(source.charCodeAt(end))) end += 1;
  return source.slice(start, end);
}

function lowerFirst(text: string): string {
  return text.length > 0 ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}
