import { quoteText } from '../support/quote.js';
import { keyed } from '../support/keyed.js';
import type { Expression, Program, ReturnStatement, VariableDeclaration } from 'acorn';
import { err, ok, type Result } from 'neverthrow';
import { DEFAULT_SIM_OPTIONS } from '../catalogue/sim-options.js';
import type { StrategyError, StrategyWarning } from '../errors.js';
import type { NodeId, SimOptions } from '../graph/types.js';
import { LIMITS } from '../limits.js';
import { POISONED, type CompilerCore } from './core.js';
import { compileExpression } from './expressions.js';
import { declarationProblem, exampleName } from './names.js';
import { compileSimOptions } from './options.js';
import { describeValue } from './values.js';

export interface CompiledProgram {
  readonly root: NodeId;
  readonly options: SimOptions;
  readonly warnings: readonly StrategyWarning[];
}

const WHOLE_FRAMES = 'use operations on whole frames instead, e.g. close.rolling(20).max()';

const STATEMENT_MESSAGES = keyed<[string, string]>({
  FunctionDeclaration: ['function declarations are not allowed', 'write the body directly: const declarations followed by one return sim(position, {...})'],
  ClassDeclaration: ['classes are not allowed', 'write const declarations followed by one return'],
  IfStatement: ["'if' is not allowed", 'express conditions as frames: const entry = close > ma && volume > 1000; use x.where(entry)'],
  ForStatement: ['loops are not allowed', WHOLE_FRAMES],
  ForInStatement: ['loops are not allowed', WHOLE_FRAMES],
  ForOfStatement: ['loops are not allowed', WHOLE_FRAMES],
  WhileStatement: ['loops are not allowed', WHOLE_FRAMES],
  DoWhileStatement: ['loops are not allowed', WHOLE_FRAMES],
  TryStatement: ["'try' is not allowed", 'remove it: errors are reported by the compiler; no handling is needed'],
  ThrowStatement: ["'throw' is not allowed", 'write const declarations followed by one return'],
  SwitchStatement: ["'switch' is not allowed", 'write the cases as conditions combined with && and ||'],
  LabeledStatement: ['labels are not allowed', 'write const declarations followed by one return'],
  BreakStatement: ["'break' is not allowed", 'write const declarations followed by one return'],
  ContinueStatement: ["'continue' is not allowed", 'write const declarations followed by one return'],
  BlockStatement: ['blocks { ... } are not allowed', 'write the declarations at the top level'],
  WithStatement: ["'with' is not allowed", "read data with data.get('key')"],
  DebuggerStatement: ["'debugger' is not allowed", 'remove it'],
  ImportDeclaration: ['import is not allowed', "data and sim are already available: use data.get('price:close')"],
  ExportNamedDeclaration: ['export is not allowed', 'end with return sim(position, {...}) instead'],
  ExportDefaultDeclaration: ['export is not allowed', 'end with return sim(position, {...}) instead'],
  ExportAllDeclaration: ['export is not allowed', 'end with return sim(position, {...}) instead'],
});

/**
 * Compiles the top level: `const NAME = EXPR;` declarations, then exactly one `return`. Errors are
 * collected per statement (a failed declaration does not cascade into its users), up to `LIMITS.maxErrors`.
 */
export function compileProgram(core: CompilerCore, program: Program, sourceLength: number): Result<CompiledProgram, StrategyError[]> {
  const errors: StrategyError[] = [];
  const report = (error: StrategyError): void => {
    // once the graph is full every later statement fails the same way: say it once
    const repeated = error.kind === 'too_many_nodes' && errors.some((e) => e.kind === 'too_many_nodes');
    if (error !== POISONED && !repeated && errors.length < LIMITS.maxErrors) errors.push(error);
  };
  let result: { root: NodeId; options: SimOptions } | null = null;
  let returnSeen = false;

  for (const statement of program.body) {
    if (returnSeen) {
      report(core.error(statement, statement.type === 'ReturnStatement' ? 'multiple_returns' : 'code_after_return',
        statement.type === 'ReturnStatement' ? 'a strategy has exactly one return, and this is a second one' : 'code after the return statement is never used',
        statement.type === 'ReturnStatement' ? 'keep a single return sim(position, {...}) at the end' : 'move it before the return'));
      continue;
    }
    switch (statement.type) {
      case 'VariableDeclaration':
        compileDeclaration(core, statement, report);
        break;
      case 'ReturnStatement': {
        returnSeen = true;
        const compiled = compileReturn(core, statement);
        if (compiled.isErr()) report(compiled.error);
        else result = compiled.value;
        break;
      }
      case 'EmptyStatement':
        break;
      case 'ExpressionStatement':
        if (statement.expression.type === 'AssignmentExpression') {
          const target = statement.expression.left;
          const name = target.type === 'Identifier' ? exampleName(target.name) : 'name';
          report(core.error(statement, 'forbidden_syntax', 'assignment is not allowed: every name is declared once, with const',
            `write const ${name} = ...; (to change a value, declare a new name: const ${name}2 = ...;)`));
          break;
        }
        report(core.error(statement, 'forbidden_syntax',
          statement.directive !== undefined ? `directives such as ${quoteText(statement.directive)} are not allowed` : 'a bare expression statement has no effect and is not allowed',
          'declare it with const NAME = ...; or return it'));
        break;
      default: {
        const [message, hint] = STATEMENT_MESSAGES[statement.type] ?? [`${statement.type} is not allowed`, 'write const declarations followed by one return'];
        report(core.error(statement, 'forbidden_syntax', message, hint));
      }
    }
  }
  if (!returnSeen) {
    report(core.error(Math.max(0, sourceLength - 1), 'missing_return', 'the strategy has no return statement',
      "end with return sim(position, { resample: 'M' }); where position is a condition or a weight frame"));
  }
  if (errors.length > 0 || result === null) {
    return err(errors.length > 0 ? errors : [core.error(0, 'missing_return', 'the strategy returns nothing usable', 'end with return sim(position, {...})')]);
  }
  const warnings: StrategyWarning[] = [];
  for (const [name, binding] of core.scope) {
    if (!binding.used) {
      const { line, column } = core.lines.locate(binding.offset);
      warnings.push({ kind: 'unused_declaration', line, column, message: `${quoteText(name)} is declared but never used`, hint: `remove it or use it in the position` });
    }
  }
  return ok({ root: result.root, options: result.options, warnings });
}

function compileDeclaration(core: CompilerCore, statement: VariableDeclaration, report: (e: StrategyError) => void): void {
  if (statement.kind !== 'const') {
    report(core.error(statement, 'forbidden_syntax', `'${statement.kind}' declarations are not allowed`, `write const instead of ${statement.kind}: every name is bound once`));
    // bind the names anyway (as failed) so their uses do not add "unknown name" errors
    for (const declarator of statement.declarations) {
      if (declarator.id.type === 'Identifier' && !core.scope.has(declarator.id.name)) {
        core.scope.set(declarator.id.name, { value: null, offset: declarator.id.start, used: true });
      }
    }
    return;
  }
  for (const declarator of statement.declarations) {
    if (declarator.id.type !== 'Identifier') {
      report(core.error(declarator.id, 'forbidden_syntax', 'destructuring is not allowed', 'declare one name per value: const close = data.get(...)'));
      continue;
    }
    const name = declarator.id.name;
    const problem = declarationProblem(name);
    if (problem !== null) {
      report(core.error(declarator.id, problem.kind, problem.message, problem.hint));
      continue;
    }
    // the parser already rejects redeclarations and const without a value
    const compiled = declarator.init === null || declarator.init === undefined ? null : compileExpression(core, declarator.init, 1);
    if (compiled === null) continue;
    if (compiled.isErr()) report(compiled.error);
    core.scope.set(name, { value: compiled.isOk() ? compiled.value : null, offset: declarator.id.start, used: false });
  }
}

function compileReturn(core: CompilerCore, statement: ReturnStatement): Result<{ root: NodeId; options: SimOptions }, StrategyError> {
  const argument = statement.argument;
  if (argument === null || argument === undefined) {
    return core.fail(statement, 'missing_return', 'the return statement returns nothing', 'write return sim(position, { resample: \'M\' });');
  }
  if (argument.type === 'CallExpression' && argument.callee.type === 'Identifier' && argument.callee.name === 'sim' && !core.scope.has('sim')) {
    const [position, options, ...extra] = argument.arguments;
    if (position === undefined || extra.length > 0) {
      return core.fail(argument, 'wrong_arguments', `sim takes a position and an optional options object, got ${argument.arguments.length} arguments`,
        "write return sim(position, { resample: 'M' });");
    }
    const root = compilePosition(core, position);
    if (root.isErr()) return err(root.error);
    if (options === undefined) return ok({ root: root.value, options: DEFAULT_SIM_OPTIONS });
    const compiledOptions = compileSimOptions(core, options, 1);
    if (compiledOptions.isErr()) return err(compiledOptions.error);
    return ok({ root: root.value, options: compiledOptions.value });
  }
  const root = compilePosition(core, argument);
  if (root.isErr()) return err(root.error);
  return ok({ root: root.value, options: DEFAULT_SIM_OPTIONS });
}

function compilePosition(core: CompilerCore, node: Expression | import('acorn').SpreadElement): Result<NodeId, StrategyError> {
  const compiled = compileExpression(core, node, 1);
  if (compiled.isErr()) return err(compiled.error);
  const value = compiled.value;
  if (value.tag !== 'node' || value.type === 'number') {
    return core.fail(node, 'type_mismatch', `the position must be a frame (a condition or weights), not ${describeValue(value)}`,
      'return a condition such as close > ma60, or scores selected with momentum.isLargest(10)');
  }
  return ok(value.id);
}
