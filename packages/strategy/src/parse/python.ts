import { SIM_OPTION_SPECS } from '../catalogue/sim-options.js';
import type { StrategyError } from '../errors.js';
import { keyed } from '../support/keyed.js';
import { quoteText } from '../support/quote.js';
import type { LineIndex } from '../support/source-location.js';
import { normaliseName } from '../support/suggest.js';

/** A Python construct in strategy source: where it starts, what it is, and what the strategy language writes instead. */
export interface PythonConstruct {
  readonly offset: number;
  /** How the message names it, e.g. "`and`" (fixed text; strategy text only through `quoteText`). */
  readonly construct: string;
  /** The strategy language's form, e.g. "write `a && b`". */
  readonly instead: string;
}

/** The error for a Python construct: `line:column: this looks like Python (…); the strategy language is JavaScript — …`. */
export function pythonError(found: PythonConstruct, lines: LineIndex): StrategyError {
  const { line, column } = lines.locate(found.offset);
  return { kind: 'python_syntax', line, column, message: `this looks like Python (${found.construct}); the strategy language is JavaScript`, hint: found.instead };
}

// Token kinds. Strings, numbers and templates are operands; comments are skipped (a Python `#` comment is
// remembered as a construct of its own).
const WORD = 1;
const NUMBER = 2;
const STRING = 3;
const PUNCT = 4;
// token flags
const NEWLINE_BEFORE = 1;
const SPACE_BEFORE = 2;

/** Multi-character punctuators by first character, longest first; everything else is one character. */
const PUNCTUATORS = new Map<number, readonly string[]>();
for (const punctuator of ['===', '!==', '**=', '...', '**', '==', '!=', '<=', '>=', '=>', ':=', '&&', '||', '??', '?.', '+=', '-=', '*=', '/=']) {
  const first = punctuator.charCodeAt(0);
  PUNCTUATORS.set(first, [...(PUNCTUATORS.get(first) ?? []), punctuator]);
}

const WRITE_IF = 'there is no `if`: a condition is a frame, e.g. `const entry = close > ma60;`, combined with `&&`, `||`, `!` and applied with `x.where(entry)`';
const WRITE_LOOP = 'there are no loops: operations work on whole frames at once, e.g. `close.rolling(20).max()`';
const WRITE_NO_FUNCTIONS = 'functions are not available: write the body directly as `const` declarations followed by one `return sim(position, {...})`';
const WRITE_NO_IMPORTS = "no imports: data comes from `data.get('price:close')`, and `sim(position, {...})` is built in";
const WRITE_NO_ERRORS = 'remove it: there is no error handling; the compiler reports every problem with its line and column';
const WRITE_COMMENT = 'write comments as `// …`';

/** numpy functions and the strategy language's form of each; the rest of numpy has none. */
const NUMPY_FORMS = keyed<string>({
  where: 'write `x.where(condition)` (NaN where it fails; add `.fillna(y)` for another value)',
  log: 'write `x.log()`',
  abs: 'write `x.abs()`',
  sqrt: 'write `x.sqrt()`',
  maximum: 'write `a.max(b)`',
  minimum: 'write `a.min(b)`',
  clip: 'write `x.clip(lower, upper)`',
  nan: 'missing values cannot be written: replace them with `x.fillna(0)`',
  NaN: 'missing values cannot be written: replace them with `x.fillna(0)`',
  isnan: 'there is no NaN test: replace missing values with `x.fillna(0)`',
  inf: 'write a large finite number',
  mean: 'write `x.average(n)` for a rolling mean',
  std: 'write `x.rolling(n).std()`',
  sign: 'compare instead, e.g. `x > 0`',
});

/** pandas functions and the strategy language's form of each. */
const PANDAS_FORMS = keyed<string>({
  DataFrame: "frames come from `data.get('price:close')` and frame methods; none is built by hand",
  Series: "frames come from `data.get('price:close')` and frame methods; none is built by hand",
  concat: 'there is no concatenation: combine frames with operators, e.g. `a + b` or `a && b`',
  isna: 'replace missing values with `x.fillna(0)`',
  isnull: 'replace missing values with `x.fillna(0)`',
  notna: 'replace missing values with `x.fillna(0)`',
  notnull: 'replace missing values with `x.fillna(0)`',
  read_csv: "data comes from `data.get('price:close')`",
  to_datetime: 'dates are handled by the data layer: every frame is already indexed by date',
  Timestamp: 'dates are handled by the data layer: every frame is already indexed by date',
});

const MODULE_FORMS = keyed<{ readonly label: string; readonly forms: Readonly<Record<string, string | undefined>>; readonly other: string }>({
  np: { label: 'np', forms: NUMPY_FORMS, other: 'there is no numpy: use frame methods such as `x.abs()`, `x.log()`, `x.max(y)`' },
  numpy: { label: 'numpy', forms: NUMPY_FORMS, other: 'there is no numpy: use frame methods such as `x.abs()`, `x.log()`, `x.max(y)`' },
  pd: { label: 'pd', forms: PANDAS_FORMS, other: "there is no pandas module: use `data.get('key')` and frame methods" },
  pandas: { label: 'pandas', forms: PANDAS_FORMS, other: "there is no pandas module: use `data.get('key')` and frame methods" },
});

/** pandas indexers (`x.iloc[-1]`). */
const INDEXERS = new Set(['iloc', 'loc', 'iat', 'at', 'ix']);

/** Python string prefixes (`f'…'`, `r"…"`), lower case. */
const STRING_PREFIXES = new Set(['f', 'r', 'b', 'u', 'rb', 'br', 'fr', 'rf']);

/** Words after which no operand has ended (`return x`, `const and`): a following `and` cannot be an operator there. */
const NOT_OPERAND_WORDS = new Set([
  'return', 'const', 'let', 'var', 'typeof', 'void', 'delete', 'new', 'in', 'of', 'instanceof', 'if', 'else', 'for', 'while', 'do',
  'case', 'throw', 'yield', 'await', 'export', 'import', 'extends', 'function', 'class', 'async', 'with', 'switch', 'try', 'catch',
  'finally', 'default', 'break', 'continue', 'debugger', 'and', 'or', 'not', 'is', 'lambda', 'def', 'elif', 'from', 'as', 'pass',
  'except', 'raise', 'global', 'nonlocal', 'assert', 'del',
]);

/** Every word a rule looks at; a token's text is kept only for these (and for punctuators), so rules compare interned strings. */
const KNOWN_WORDS: ReadonlySet<string> = new Set([
  ...NOT_OPERAND_WORDS, ...INDEXERS, ...Object.keys(MODULE_FORMS), 'True', 'False', 'None', 'sim', 'await',
]);

interface Tokens {
  readonly kinds: number[];
  /** A punctuator's text, a known word (`KNOWN_WORDS`), or ''. */
  readonly texts: string[];
  readonly starts: number[];
  readonly ends: number[];
  readonly flags: number[];
  /** Any `const`, `let` or `var` in the source (a FinLab script has none). */
  readonly declares: boolean;
  /** The first lexical Python construct (`#` comment, triple-quoted string, `\` line continuation), if any. */
  readonly lexical: PythonConstruct | null;
}

/**
 * The first Python construct in `source` (by position), or null. Linear: one pass of a small hand-written
 * tokenizer (no regular expressions), then one pass over the tokens with bounded look-ahead. It is run only on
 * sources that did not compile, and recognises only what is never valid in the strategy language, so a
 * JavaScript strategy is never called Python: `def f(`, `lambda x:`, `import pandas` / `from x import y`,
 * `and` / `or` / `is` between operands, prefix `not`, `True` / `False` / `None`, `if x:` / `for x in y:` /
 * `while x:` / `with …:` / `else:` / `elif` / `try:` / `except` / `class X:` / `pass`, `a if c else b`,
 * comprehensions, keyword arguments (`rolling(window=20)`, `sim(position, resample='M')`), `:=`,
 * `np.` / `pd.` calls, `.iloc[` / `.loc[`, `f'…'` prefixes, `#` comments, triple-quoted strings, `\`
 * continuations, and FinLab scripts that assign names without ever declaring one.
 */
export function detectPython(source: string): PythonConstruct | null {
  const tokens = tokenize(source);
  const found = scanTokens(source, tokens);
  if (found === null) return tokens.lexical;
  return tokens.lexical !== null && tokens.lexical.offset < found.offset ? tokens.lexical : found;
}

function tokenize(source: string): Tokens {
  const kinds: number[] = [];
  const texts: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const flags: number[] = [];
  let declares = false;
  let lexical: PythonConstruct | null = null;
  let sawClass = false;
  let pending = 0; // flags for the next token
  const note = (offset: number, construct: string, instead: string): void => {
    if (lexical === null) lexical = { offset, construct, instead };
  };
  const push = (kind: number, start: number, end: number, text = ''): void => {
    kinds.push(kind);
    texts.push(text);
    starts.push(start);
    ends.push(end);
    flags.push(pending);
    pending = 0;
  };
  const length = source.length;
  let i = 0;
  while (i < length) {
    const code = source.charCodeAt(i);
    if (code === 10 || code === 13 || code === 0x2028 || code === 0x2029) {
      pending |= NEWLINE_BEFORE | SPACE_BEFORE;
      i += 1;
    } else if (code === 32 || code === 9 || code === 11 || code === 12 || code === 0xa0 || code === 0xfeff || code === 0x3000) {
      pending |= SPACE_BEFORE;
      i += 1;
    } else if (code === 47 && source.charCodeAt(i + 1) === 47) {
      i = endOfLine(source, i);
    } else if (code === 47 && source.charCodeAt(i + 1) === 42) {
      const close = source.indexOf('*/', i + 2);
      const end = close === -1 ? length : close + 2;
      for (let j = i + 2; j < end; j += 1) {
        const c = source.charCodeAt(j);
        if (c === 10 || c === 13) pending |= NEWLINE_BEFORE;
      }
      pending |= SPACE_BEFORE;
      i = end;
    } else if (code === 35) {
      // `#`: a Python comment — unless `#name` after a `class` or a `.` (a JavaScript private name, `this.#x`)
      const last = texts.length - 1;
      const afterDot = kinds[last] === PUNCT && (texts[last] === '.' || texts[last] === '?.') && (pending & SPACE_BEFORE) === 0;
      if (isWordChar(source.charCodeAt(i + 1)) && (sawClass || afterDot)) {
        push(PUNCT, i, i + 1, '#');
        i += 1;
      } else {
        // a `#!` first line is a Python comment only when it names python (`#!/usr/bin/env node` is not)
        const end = endOfLine(source, i);
        if (!(i === 0 && source.charCodeAt(1) === 33) || source.slice(0, Math.min(end, 200)).includes('python')) note(i, 'a `#` comment', WRITE_COMMENT);
        i = end;
      }
    } else if (code === 92) {
      const next = source.charCodeAt(i + 1);
      if (next === 10 || next === 13) {
        note(i, 'a `\\` line continuation', 'remove it: no continuation is needed; break the line after an operator or inside parentheses');
      }
      i += 1;
    } else if (code === 39 || code === 34) {
      if (source.charCodeAt(i + 1) === code && source.charCodeAt(i + 2) === code) {
        note(i, 'a triple-quoted string', `${WRITE_COMMENT} or \`/* … */\`; strings are one line, e.g. \`'price:close'\``);
        const quote = code === 39 ? "'''" : '"""';
        const close = source.indexOf(quote, i + 3);
        const end = close === -1 ? length : close + 3;
        push(STRING, i, end);
        i = end;
      } else {
        const end = endOfString(source, i, code);
        push(STRING, i, end);
        i = end;
      }
    } else if (code === 96) {
      const end = endOfString(source, i, 96);
      push(STRING, i, end);
      i = end;
    } else if (code >= 48 && code <= 57) {
      let j = i + 1;
      while (j < length) {
        const c = source.charCodeAt(j);
        const exponentSign = (c === 43 || c === 45) && (source.charCodeAt(j - 1) | 32) === 101;
        if (!(isWordChar(c) || c === 46 || exponentSign)) break;
        j += 1;
      }
      push(NUMBER, i, j);
      i = j;
    } else if (isWordStart(code)) {
      let j = i + 1;
      while (j < length && isWordChar(source.charCodeAt(j))) j += 1;
      const word = j - i <= 10 ? source.slice(i, j) : '';
      const known = KNOWN_WORDS.has(word);
      push(WORD, i, j, known ? word : '');
      if (word === 'const' || word === 'let' || word === 'var') declares = true;
      else if (word === 'class') sawClass = true;
      i = j;
    } else {
      let text = source.charAt(i);
      for (const punctuator of PUNCTUATORS.get(code) ?? []) {
        if (source.startsWith(punctuator, i)) {
          text = punctuator;
          break;
        }
      }
      push(PUNCT, i, i + text.length, text);
      i += text.length;
    }
  }
  return { kinds, texts, starts, ends, flags, declares, lexical };
}

function endOfLine(source: string, from: number): number {
  let i = from;
  while (i < source.length) {
    const c = source.charCodeAt(i);
    if (c === 10 || c === 13) break;
    i += 1;
  }
  return i;
}

/** Just past the closing quote, or at the end of the line for an unterminated string (templates may span lines). */
function endOfString(source: string, start: number, quote: number): number {
  for (let i = start + 1; i < source.length; i += 1) {
    const c = source.charCodeAt(i);
    if (c === 92) i += 1;
    else if (c === quote) return i + 1;
    else if ((c === 10 || c === 13) && quote !== 96) return i;
  }
  return source.length;
}

function isWordStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36 || (code > 127 && !isUnicodeSpace(code));
}

function isWordChar(code: number): boolean {
  return isWordStart(code) || (code >= 48 && code <= 57);
}

function isUnicodeSpace(code: number): boolean {
  return code === 0xa0 || code === 0xfeff || code === 0x3000 || code === 0x2028 || code === 0x2029 || (code >= 0x2000 && code <= 0x200b);
}

interface Frame {
  /** A call's parentheses (`f(`), where `name=` is a keyword argument. */
  readonly call: boolean;
  readonly sim: boolean;
}

/** The bracket stack is bounded; deeper brackets (rejected anyway by the pre-scan) are only counted. */
const MAX_TRACKED_DEPTH = 64;

function scanTokens(source: string, t: Tokens): PythonConstruct | null {
  const count = t.kinds.length;
  const textOf = (i: number): string => t.texts[i] ?? '';
  /** The source text of a token when it is short (module members, string prefixes), else ''. */
  const shortText = (i: number, max: number): string => {
    const start = t.starts[i] ?? 0;
    const end = t.ends[i] ?? 0;
    return end - start <= max ? source.slice(start, end) : '';
  };
  const kindOf = (i: number): number => t.kinds[i] ?? 0;
  const isPunct = (i: number, text: string): boolean => kindOf(i) === PUNCT && textOf(i) === text;
  const isWord = (i: number, text: string): boolean => kindOf(i) === WORD && textOf(i) === text;
  const newlineBefore = (i: number): boolean => i >= count || ((t.flags[i] ?? 0) & NEWLINE_BEFORE) !== 0;
  const operandEnd = (i: number): boolean => {
    if (i < 0) return false;
    const kind = kindOf(i);
    if (kind === NUMBER || kind === STRING) return true;
    if (kind === WORD) return !NOT_OPERAND_WORDS.has(textOf(i));
    return isPunct(i, ')') || isPunct(i, ']');
  };
  const operandStart = (i: number): boolean => {
    if (i >= count) return false;
    const kind = kindOf(i);
    if (kind !== PUNCT) return true;
    const text = textOf(i);
    return text === '(' || text === '[' || text === '{' || text === '-' || text === '~' || text === '!';
  };
  const statementStart = (i: number): boolean => i === 0 || newlineBefore(i) || isPunct(i - 1, ';');
  const afterDot = (i: number): boolean => isPunct(i - 1, '.') || isPunct(i - 1, '?.');
  const objectKey = (i: number): boolean => isPunct(i + 1, ':') && (isPunct(i - 1, '{') || isPunct(i - 1, ','));
  const at = (i: number, construct: string, instead: string): PythonConstruct => ({ offset: t.starts[i] ?? 0, construct, instead });

  // the last token of each token's line, for `if (x):` (a header whose line ends with a colon)
  const lineLast = new Int32Array(count);
  for (let i = count - 1; i >= 0; i -= 1) lineLast[i] = i === count - 1 || newlineBefore(i + 1) ? i : (lineLast[i + 1] ?? i);
  const endsWithColon = (i: number): boolean => {
    const last = lineLast[i] ?? i;
    return last > i && isPunct(last, ':');
  };

  const declared = new Set<string>();
  const stack: Frame[] = [];
  let untracked = 0;

  for (let i = 0; i < count; i += 1) {
    const kind = kindOf(i);
    if (kind === PUNCT) {
      const text = textOf(i);
      if (text === '(' || text === '[' || text === '{') {
        if (stack.length >= MAX_TRACKED_DEPTH) untracked += 1;
        else {
          const call = text === '(' && operandEnd(i - 1) && !isWord(i - 2, 'function') && !isWord(i - 2, 'def');
          stack.push({ call, sim: call && isWord(i - 1, 'sim') });
        }
      } else if (text === ')' || text === ']' || text === '}') {
        if (untracked > 0) untracked -= 1;
        else stack.pop();
      } else if (text === ':=') {
        return at(i, 'the `:=` operator', 'declare the value with `const name = …;`');
      } else if (text === '=' && kindOf(i - 1) === WORD && !afterDot(i - 1)) {
        const frame = untracked === 0 ? stack[stack.length - 1] : undefined;
        if (frame?.call === true && (isPunct(i - 2, '(') || isPunct(i - 2, ','))) return keywordArgument(source, t, i - 1, frame.sim);
        if (!t.declares && statementStart(i - 1) && stack.length === 0) {
          return at(i - 1, `${quoteText(source.slice(t.starts[i - 1] ?? 0, t.ends[i - 1] ?? 0))} = … without \`const\``,
            'declare each name once with `const name = …;` and end with `return sim(position, {...})`');
        }
      }
      continue;
    }
    if (kind === STRING) {
      if (((t.flags[i] ?? 0) & SPACE_BEFORE) === 0 && kindOf(i - 1) === WORD && (t.ends[i - 1] ?? -1) === t.starts[i]) {
        const prefix = shortText(i - 1, 2).toLowerCase();
        if (STRING_PREFIXES.has(prefix)) {
          return at(i - 1, `a string prefix \`${prefix}'…'\``, "write a plain string in quotes, e.g. `'price:close'`; strings are only data keys and sim options");
        }
      }
      continue;
    }
    if (kind !== WORD || afterDot(i)) {
      if (kind === WORD && INDEXERS.has(textOf(i)) && isPunct(i + 1, '[')) {
        return at(i, `\`.${textOf(i)}[…]\` indexing`, 'there is no indexing: for the value n days ago write `x.shift(n)`; to keep values where a condition holds write `x.where(condition)`');
      }
      continue;
    }
    const word = textOf(i);
    const found = wordRule(word, i);
    if (found !== null) return found;
    if ((word === 'const' || word === 'let' || word === 'var') && kindOf(i + 1) === WORD) declared.add(shortText(i + 1, 5));
  }
  return null;

  function wordRule(word: string, i: number): PythonConstruct | null {
    switch (word) {
      case 'def':
        return kindOf(i + 1) === WORD ? at(i, '`def`', WRITE_NO_FUNCTIONS) : null;
      case 'lambda':
        return kindOf(i + 1) === WORD || isPunct(i + 1, ':') || isPunct(i + 1, '*') ? at(i, '`lambda`', 'functions are not available: write the expression itself, e.g. `const ma = close.average(20);`') : null;
      case 'import':
        return statementStart(i) ? pythonImport(i) : null;
      case 'from':
        return statementStart(i) ? pythonFromImport(i) : null;
      case 'elif':
        return objectKey(i) ? null : at(i, '`elif`', WRITE_IF);
      case 'if':
      case 'for':
        if (objectKey(i)) return null;
        // `a if c else b`, `[f(x) for x in xs]`; never `if (a) if (b)`, which is JavaScript
        if (operandEnd(i - 1) && !newlineBefore(i) && operandStart(i + 1) && !isPunct(i + 1, '(')) {
          return word === 'if' ? at(i, 'a conditional expression `a if c else b`', 'select values with `x.where(condition)`, and fill the rest with `.fillna(value)`')
            : at(i, 'a comprehension `[… for x in …]`', WRITE_LOOP);
        }
        return blockHeader(word, i);
      case 'while':
      case 'with':
        return objectKey(i) ? null : blockHeader(word, i);
      case 'else':
      case 'try':
      case 'finally':
        return isPunct(i + 1, ':') && !objectKey(i) ? at(i, `\`${word}:\``, word === 'else' ? WRITE_IF : WRITE_NO_ERRORS) : null;
      case 'except':
        return statementStart(i) && (kindOf(i + 1) === WORD || isPunct(i + 1, ':') || isPunct(i + 1, '(')) ? at(i, '`except`', WRITE_NO_ERRORS) : null;
      case 'class':
        return kindOf(i + 1) === WORD && (isPunct(i + 2, ':') || isPunct(i + 2, '(')) ? at(i, '`class … :`', 'classes are not available: write `const` declarations followed by one `return`') : null;
      case 'pass':
        return statementStart(i) && (newlineBefore(i + 1) || isPunct(i + 1, ';')) ? at(i, '`pass`', 'remove it: a strategy is `const` declarations followed by one `return`') : null;
      case 'and':
      case 'or':
        return operandEnd(i - 1) && operandStart(i + 1) ? at(i, `\`${word}\``, word === 'and' ? 'write `a && b`' : 'write `a || b`') : null;
      case 'is':
        return operandEnd(i - 1) && operandStart(i + 1) ? at(i, '`is`', 'compare with `==` or `!=`; missing values are replaced with `x.fillna(0)`') : null;
      case 'not':
        if (operandEnd(i - 1)) return isWord(i + 1, 'in') ? at(i, '`not in`', 'there is no membership test: compare values with `==`, `!=`, `<` or `>`') : null;
        return operandStart(i + 1) && !objectKey(i) ? at(i, '`not`', 'write `!a`') : null;
      case 'True':
      case 'False':
      case 'None':
        if (objectKey(i) || declared.has(word)) return null;
        return at(i, `\`${word}\``, word === 'True' ? 'write `true`' : word === 'False' ? 'write `false`'
          : 'write `null`, which only sim options take (e.g. `{ stopLoss: null }`); missing values are replaced with `x.fillna(0)`');
      case 'np':
      case 'numpy':
      case 'pd':
      case 'pandas': {
        const module = MODULE_FORMS[word];
        if (module === undefined || !isPunct(i + 1, '.') || kindOf(i + 2) !== WORD) return null;
        const member = shortText(i + 2, 12);
        const form = member === '' ? undefined : module.forms[member];
        return form === undefined ? at(i, `\`${module.label}.…\``, module.other) : at(i, `\`${module.label}.${member}\``, form);
      }
      default:
        return null;
    }
  }

  /** `if x:`, `for x in y:`, `while x:`, `with a as b:` — or any of them whose line ends with `:`. */
  function blockHeader(word: string, i: number): PythonConstruct | null {
    if (!statementStart(i) || i + 1 >= count) return null;
    const parenthesised = isPunct(i + 1, '(') || (word === 'for' && isWord(i + 1, 'await'));
    if (parenthesised && !endsWithColon(i)) return null;
    switch (word) {
      case 'if':
        return at(i, '`if …:`', WRITE_IF);
      case 'with':
        return at(i, '`with …:`', "there is no `with`: read data with `data.get('price:close')`");
      default:
        return at(i, `\`${word} …:\``, WRITE_LOOP);
    }
  }

  /** `import pandas as pd`, `import numpy`, `import a.b, c` — not `import x from 'y'`. */
  function pythonImport(i: number): PythonConstruct | null {
    if (kindOf(i + 1) !== WORD) return null;
    let k = i + 1;
    while (isPunct(k + 1, '.') && kindOf(k + 2) === WORD) k += 2;
    if (isWord(k + 1, 'from')) return null;
    const module = source.slice(t.starts[i + 1] ?? 0, t.ends[k] ?? 0);
    return at(i, `an import of ${quoteText(module)}`, WRITE_NO_IMPORTS);
  }

  /** `from finlab import data`, `from . import x`. */
  function pythonFromImport(i: number): PythonConstruct | null {
    let k = i + 1;
    while (k < count && (kindOf(k) === WORD || isPunct(k, '.')) && !isWord(k, 'import') && k - i < 32) k += 1;
    if (k === i + 1 || !isWord(k, 'import')) return null;
    const module = source.slice(t.starts[i + 1] ?? 0, t.ends[k - 1] ?? 0);
    return at(i, `an import from ${quoteText(module)}`, WRITE_NO_IMPORTS);
  }
}

/** `rolling(window=20)`, `sim(position, resample='M', stop_loss=0.1)`. */
function keywordArgument(source: string, t: Tokens, name: number, sim: boolean): PythonConstruct {
  const text = source.slice(t.starts[name] ?? 0, t.ends[name] ?? 0);
  const offset = t.starts[name] ?? 0;
  const construct = `the keyword argument ${quoteText(`${text}=`)}`;
  if (!sim) {
    return { offset, construct, instead: 'pass arguments by position, e.g. `close.rolling(20).mean()`, `x.isLargest(10)`' };
  }
  const wanted = normaliseName(text);
  const option = SIM_OPTION_SPECS.find((spec) => normaliseName(spec.name) === wanted)?.name ?? 'resample';
  return { offset, construct, instead: `write sim options in an object: \`sim(position, { ${option}: … })\`` };
}
