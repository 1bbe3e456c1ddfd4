import { parse, type Program } from 'acorn';
import { err, ok, type Result } from 'neverthrow';
import type { StrategyError } from '../errors.js';
import type { LineIndex } from '../support/source-location.js';

/**
 * Parses (never evaluates) the source as a JavaScript script whose top level may `return`. Call only after
 * `prescan`, which bounds size and nesting so the recursive parser stays within its stack.
 */
export function parseProgram(source: string, lines: LineIndex): Result<Program, StrategyError> {
  try {
    return ok(parse(source, { ecmaVersion: 2022, sourceType: 'script', allowReturnOutsideFunction: true, allowHashBang: false }));
  } catch (caught) {
    return err(toSyntaxError(caught, lines));
  }
}

function toSyntaxError(caught: unknown, lines: LineIndex): StrategyError {
  const raw = caught instanceof Error ? caught.message : String(caught);
  const pos = typeof (caught as { pos?: unknown }).pos === 'number' ? (caught as { pos: number }).pos : 0;
  const { line, column } = lines.locate(pos);
  const message = raw.replace(/\s*\(\d+:\d+\)$/, '');
  if (/'import' and 'export'/.test(message)) {
    return { kind: 'forbidden_syntax', line, column, message: 'import and export are not allowed',
      hint: "data and sim are already available: start with const close = data.get('price:close');" };
  }
  if (/stack space/i.test(message)) {
    return { kind: 'nesting_too_deep', line, column, message: 'the expression is nested too deeply to parse',
      hint: 'name intermediate results with const declarations instead of nesting them' };
  }
  const redeclared = /Identifier '(.*)' has already been declared/.exec(message);
  if (redeclared !== null) {
    return { kind: 'duplicate_name', line, column, message: `'${redeclared[1] ?? ''}' is already declared`,
      hint: 'choose a new name, or remove the earlier declaration' };
  }
  if (/Unterminated string/.test(message)) {
    return { kind: 'syntax_error', line, column, message: 'syntax error: unterminated string', hint: 'close the string with the same quote it starts with' };
  }
  return { kind: 'syntax_error', line, column, message: `syntax error: ${lowerFirst(message)}`,
    hint: 'check brackets, commas and quotes here; a strategy is const declarations followed by one return sim(position, {...})' };
}

function lowerFirst(text: string): string {
  return text.length > 0 ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}
