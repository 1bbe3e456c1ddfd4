import { describe, expect, it } from 'vitest';
import { formatStrategyError, type StrategyError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { compileStrategy } from '../strategy.js';
import { HOSTILE_CORPUS, HOSTILE_LOOK_ALIKES, type HostileCategory } from '../../test/support/hostile.js';
import { TEST_CONTEXT } from '../../test/support/market.js';

// Timing is not asserted here (house rule): tools/bench/hostile-inputs.ts measures every entry.

/** The position every formatted error starts with: `line:column: message — hint`. */
const POSITIONED = /^[1-9]\d*:[1-9]\d*: \S.* — \S.*$/;
/** Raw control, format (bidi, zero-width), surrogate and line/paragraph-separator characters: the input's, never the message's. */
const RAW_CONTROL = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
/** What would show JavaScript's internals: a function's source, `[native code]`, an object's tag, an engine error or a stack frame. */
const INTERNALS = /\[native code\]|\bfunction\s*[\w$]*\s*\([^)]*\)\s*\{|\[object \w+\]|Object\.prototype\.|\b(?:TypeError|RangeError|ReferenceError|InternalError)\b|call stack|\bat \S+ \(\S+:\d+:\d+\)/;
/**
 * The general rule for advice, on every error (the per-entry `advice` fragment is checked on the first): the hint
 * says what to do — it contains one of these verbs — and is more than a restatement of "unexpected".
 */
const ADVICE = /\b(?:write|use|remove|declare|call|choose|name|put|split|end|combine|select|keep|pass|read|return|compare|close|check|simplify|replace|negate|turn|omit|move|give)\b/i;
const MAX_ERROR_LENGTH = 1_000;

const pwned = (): unknown => (globalThis as Record<string, unknown>)['alphaloopPwned'];

function errorsOf(source: string): readonly StrategyError[] {
  const result = compileStrategy(source, TEST_CONTEXT);
  expect(result.isErr()).toBe(true);
  return result.isErr() ? result.error : [];
}

function lineCount(source: string): number {
  let lines = 1;
  for (let i = 0; i < source.length; i += 1) {
    const c = source.charCodeAt(i);
    if (c === 10 || (c === 13 && source.charCodeAt(i + 1) !== 10)) lines += 1;
  }
  return lines;
}

describe('hostile corpus', () => {
  it('has at least 100 distinct inputs in every category', () => {
    expect(HOSTILE_CORPUS.length).toBeGreaterThanOrEqual(100);
    expect(new Set(HOSTILE_CORPUS.map((c) => c.name)).size).toBe(HOSTILE_CORPUS.length);
    const categories: HostileCategory[] = ['prototype', 'escape', 'look_ahead', 'injection', 'huge', 'javascript', 'python'];
    for (const category of categories) expect(HOSTILE_CORPUS.filter((c) => c.category === category).length, category).toBeGreaterThanOrEqual(5);
  });

  it.each(HOSTILE_CORPUS.map((c) => [`${c.category}: ${c.name}`, c] as const))('%s: rejected with a position and advice, nothing leaked or run', (_, testCase) => {
    const errors = errorsOf(testCase.source);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.length).toBeLessThanOrEqual(LIMITS.maxErrors);
    const [first] = errors;
    expect(first?.kind).toBe(testCase.kind);
    expect(first?.hint).toContain(testCase.advice);
    const lines = lineCount(testCase.source);
    for (const error of errors) {
      const text = formatStrategyError(error);
      expect(text).toMatch(POSITIONED);
      expect(error.line).toBeLessThanOrEqual(lines);
      expect(text).not.toMatch(RAW_CONTROL);
      expect(text).not.toMatch(INTERNALS);
      expect(text.length).toBeLessThanOrEqual(MAX_ERROR_LENGTH);
      expect(error.hint).toMatch(ADVICE);
      expect(error.message.replace(/^syntax error: /, '')).not.toMatch(/^unexpected (?:token|character)?$/i);
    }
    expect(pwned()).toBeUndefined();
  });

  it('keeps injected instructions inside one quoted value', () => {
    for (const testCase of HOSTILE_CORPUS.filter((c) => c.category === 'injection')) {
      for (const error of errorsOf(testCase.source)) {
        const text = formatStrategyError(error);
        expect(text.split('\n')).toHaveLength(1);
        // where the instruction is echoed at all, it is inside a quoted value: an odd number of unescaped quotes before it
        const at = text.indexOf('## New instructions');
        if (at !== -1) expect((text.slice(0, at).match(/(?<!\\)'/g) ?? []).length % 2, text).toBe(1);
      }
    }
  });
});

describe('look-alikes the language accepts', () => {
  it.each(HOSTILE_LOOK_ALIKES.map((c) => [c.name, c.source] as const))('%s compiles', (_, source) => {
    const result = compileStrategy(source, TEST_CONTEXT);
    expect(result.isOk(), result.isErr() ? result.error.map(formatStrategyError).join('\n') : '').toBe(true);
  });

  it('a bidi override inside a comment cannot change what compiles', () => {
    const clean = "const close = data.get('price:close');\nreturn close > 1;";
    const withOverride = "const close = data.get('price:close'); // \u202e ;0 < esolc nruter\nreturn close > 1;";
    expect(compileStrategy(withOverride, TEST_CONTEXT)._unsafeUnwrap().strategyId).toBe(compileStrategy(clean, TEST_CONTEXT)._unsafeUnwrap().strategyId);
  });
});
