import { keyed } from '../support/keyed.js';
import type { BinaryExpression, CallExpression, Expression, Identifier, LogicalExpression, Node, SpreadElement, UnaryExpression } from 'acorn';
import { err, ok, type Result } from 'neverthrow';
import type { StrategyError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { quotedList } from '../support/suggest.js';
import { POISONED, type CompilerCore, type Compiled } from './core.js';
import { compileDataGet, compileMethodCall, compileRollingCall, isRollingCall, methodHintForFunction } from './methods.js';
import { exampleName, FORBIDDEN_PROPERTIES, forbiddenNameProblem } from './names.js';
import { quoteText } from '../support/quote.js';
import { describeValue, type NodeValue, type Value } from './values.js';

const ARITHMETIC = keyed<string>({ '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' });
const COMPARISON = keyed<string>({
  '>': 'gt', '>=': 'ge', '<': 'lt', '<=': 'le', '==': 'eq', '===': 'eq', '!=': 'ne', '!==': 'ne',
});
const LOGIC = keyed<string>({ '&&': 'and', '&': 'and', '||': 'or', '|': 'or' });

const OPERATOR_HINTS = keyed<string>({
  '%': 'there is no modulo; use arithmetic with + - * / and comparisons',
  '**': 'there is no power operator; use x * x or x.sqrt()',
  '^': 'there is no xor; combine conditions with && and ||',
  '<<': 'there are no bit shifts; for a past value write x.shift(n)',
  '>>': 'there are no bit shifts; for a past value write x.shift(n)',
  '>>>': 'there are no bit shifts; for a past value write x.shift(n)',
  in: "there is no 'in'; data fields are read with data.get('key')",
  instanceof: "remove it: there is no 'instanceof'; values are frames or numbers",
  '??': "there is no '??'; to replace missing values write x.fillna(0)",
});

/** Compiles any expression that may appear in a strategy; everything outside the grammar is an error. */
export function compileExpression(core: CompilerCore, node: Expression | SpreadElement, depth: number): Compiled {
  if (depth > LIMITS.maxExpressionDepth) {
    return core.fail(node, 'expression_too_deep', `the expression is nested more than ${LIMITS.maxExpressionDepth} levels deep`,
      'split it into several const declarations');
  }
  switch (node.type) {
    case 'Literal':
      return compileLiteral(core, node);
    case 'Identifier':
      return compileIdentifier(core, node);
    case 'BinaryExpression':
      return compileBinary(core, node, depth);
    case 'LogicalExpression':
      return compileLogical(core, node, depth);
    case 'UnaryExpression':
      return compileUnary(core, node, depth);
    case 'CallExpression':
      return compileCall(core, node, depth);
    case 'MemberExpression': {
      const property = node.property.type === 'Identifier' ? node.property.name : '';
      if (FORBIDDEN_PROPERTIES.has(property)) return forbiddenProperty(core, node.property, property);
      if (node.object.type !== 'Super') {
        // a forbidden or unknown object (process.env, process['env']) is the more useful error
        const object = compileExpression(core, node.object, depth + 1);
        if (object.isErr()) return object;
      }
      if (node.computed) {
        return core.fail(node, 'forbidden_syntax', 'computed member access (x[...]) is not allowed',
          'to keep values where a condition holds write x.where(condition); data fields are read with data.get(key)');
      }
      return core.fail(node, 'forbidden_syntax', `property access ${quoteText(`.${property}`)} is not allowed: only method calls are`,
        `call a catalogue method, e.g. close.average(20); data is read with data.get('key')`);
    }
    default:
      return core.fail(node, 'forbidden_syntax', forbiddenNodeMessage(node.type), forbiddenNodeHint(node.type));
  }
}

function compileLiteral(core: CompilerCore, node: Extract<Expression, { type: 'Literal' }>): Compiled {
  const value = node.value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      return core.fail(node, 'parameter_out_of_range', `the number ${shownNumber(node.raw ?? '')} is too large to represent`, 'use a finite number');
    }
    const raw = node.raw ?? '';
    if (raw.length > 1 && raw.charCodeAt(0) === 48 && raw.charCodeAt(1) >= 48 && raw.charCodeAt(1) <= 57) {
      // sloppy-mode JavaScript reads 020 as octal 16 (and 08 as 8): the reader and the compiler would disagree
      const decimal = raw.replace(/^0+/, '') || '0';
      return core.fail(node, 'forbidden_syntax', `the number ${shownNumber(raw)} has a leading zero, which JavaScript reads as ${value} (octal or legacy)`,
        `write ${/^[0-9.]+$/.test(decimal) ? decimal : 'the number without leading zeros'}`);
    }
    return ok({ tag: 'number', value: value === 0 ? 0 : value });
  }
  if (typeof value === 'string') return ok({ tag: 'string', value });
  if (typeof value === 'boolean') return ok({ tag: 'boolean', value });
  if (node.bigint !== undefined) {
    return core.fail(node, 'forbidden_syntax', `BigInt literals (${shownNumber(node.raw ?? '')}) are not allowed`, 'write a plain number without the n suffix');
  }
  if (node.regex !== undefined) {
    return core.fail(node, 'forbidden_syntax', 'regular expressions are not allowed', "write data keys as plain strings, e.g. 'price:close'");
  }
  return ok({ tag: 'null' });
}

/**
 * A number literal as written, in a message. Its characters are the parser's number token (ASCII digits, letters,
 * `.`, `_`), so only its length needs a bound: a long one goes through `quoteText`, which cuts it.
 */
function shownNumber(raw: string): string {
  return raw.length <= 24 ? raw : quoteText(raw, 24);
}

function compileIdentifier(core: CompilerCore, node: Identifier): Compiled {
  const binding = core.scope.get(node.name);
  if (binding !== undefined) {
    binding.used = true;
    return binding.value === null ? err(POISONED) : ok(binding.value);
  }
  const problem = forbiddenNameProblem(node.name);
  if (problem !== null) return core.fail(node, problem.kind, problem.message, problem.hint);
  if (node.name === 'data') {
    return core.fail(node, 'forbidden_syntax', "'data' can only be used as data.get('key')", "write data.get('price:close')");
  }
  if (node.name === 'sim') {
    return core.fail(node, 'forbidden_syntax', "'sim' can only be called in the return statement", 'end with return sim(position, { resample: \'M\' });');
  }
  const close = core.suggest(node.name, () => [...core.scope.keys()]);
  return core.fail(node, 'unknown_name', `unknown name ${quoteText(node.name)}${close.length > 0 ? `. Did you mean ${quotedList(close)}?` : ''}`,
    close.length > 0 ? `use ${quotedList(close)}, or declare ${quoteText(node.name)} with const before this line`
      : `declare it first: const ${exampleName(node.name)} = ...; (data is read with data.get('key'))`);
}

function compileBinary(core: CompilerCore, node: BinaryExpression, depth: number): Compiled {
  const operator = node.operator;
  const op = ARITHMETIC[operator] ?? COMPARISON[operator] ?? LOGIC[operator];
  if (op === undefined) {
    return core.fail(node, 'forbidden_syntax', `the operator '${operator}' is not allowed`, OPERATOR_HINTS[operator] ?? 'use + - * / > >= < <= == != && || !');
  }
  if (node.left.type === 'PrivateIdentifier') return core.fail(node.left, 'forbidden_syntax', 'private names are not allowed', 'use names declared with const');
  const left = compileExpression(core, node.left, depth + 1);
  if (left.isErr()) return left;
  const right = compileExpression(core, node.right, depth + 1);
  if (right.isErr()) return right;
  if (LOGIC[operator] !== undefined) return combineConditions(core, node, op, operator, left.value, right.value);
  return combineNumeric(core, node, op, operator, left.value, right.value);
}

function compileLogical(core: CompilerCore, node: LogicalExpression, depth: number): Compiled {
  const op = LOGIC[node.operator];
  if (op === undefined) {
    return core.fail(node, 'forbidden_syntax', `the operator '${node.operator}' is not allowed`, OPERATOR_HINTS[node.operator] ?? 'use && or ||');
  }
  const left = compileExpression(core, node.left, depth + 1);
  if (left.isErr()) return left;
  const right = compileExpression(core, node.right, depth + 1);
  if (right.isErr()) return right;
  return combineConditions(core, node, op, node.operator, left.value, right.value);
}

function combineConditions(core: CompilerCore, node: Node, op: string, operator: string, left: Value, right: Value): Compiled {
  for (const [side, value] of [['left', left], ['right', right]] as const) {
    if (value.tag !== 'node' || value.type !== 'bool_frame') {
      return core.fail(node, 'type_mismatch', `'${operator}' combines two conditions, but its ${side} side is ${describeValue(value)}`,
        value.tag === 'node' && value.type === 'float_frame'
          ? 'turn the float frame into a condition first, e.g. momentum > 0'
          : 'both sides must be conditions such as close > ma60');
    }
  }
  return core.node(node, op, [(left as NodeValue).id, (right as NodeValue).id], [], 'bool_frame');
}

function combineNumeric(core: CompilerCore, node: BinaryExpression, op: string, operator: string, left: Value, right: Value): Compiled {
  const isComparison = COMPARISON[operator] !== undefined;
  for (const [side, value] of [['left', left], ['right', right]] as const) {
    const numeric = value.tag === 'number' || (value.tag === 'node' && value.type === 'float_frame');
    if (!numeric) {
      return core.fail(node, 'type_mismatch', `'${operator}' needs numbers or float frames, but its ${side} side is ${describeValue(value)}`,
        value.tag === 'node' && value.type === 'bool_frame'
          ? isComparison ? 'combine conditions with && and ||, negate with !' : 'conditions are not numbers: select values with x.where(condition)'
          : 'use a number or a frame here: strings are only data keys and sim options');
    }
  }
  if (left.tag === 'number' && right.tag === 'number') {
    if (isComparison) {
      return core.fail(node, 'type_mismatch', `'${left.value} ${operator} ${right.value}' compares two constants`, 'compare a frame, e.g. close > 10');
    }
    return foldArithmetic(core, node, op, left.value, right.value);
  }
  const a = left.tag === 'number' ? core.constant(node.left as Node, left.value) : ok(left as NodeValue);
  if (a.isErr()) return a;
  const b = right.tag === 'number' ? core.constant(node.right, right.value) : ok(right as NodeValue);
  if (b.isErr()) return b;
  return core.node(node, op, [a.value.id, b.value.id], [], isComparison ? 'bool_frame' : 'float_frame');
}

function foldArithmetic(core: CompilerCore, node: Node, op: string, a: number, b: number): Compiled {
  const value = op === 'add' ? a + b : op === 'sub' ? a - b : op === 'mul' ? a * b : a / b;
  if (!Number.isFinite(value)) {
    return core.fail(node, 'parameter_out_of_range', `this constant expression has no finite value (${a} ${symbolOf(op)} ${b})`,
      'check for a division by zero');
  }
  return ok({ tag: 'number', value: value === 0 ? 0 : value });
}

function symbolOf(op: string): string {
  return Object.entries(ARITHMETIC).find(([, name]) => name === op)?.[0] ?? op;
}

function compileUnary(core: CompilerCore, node: UnaryExpression, depth: number): Compiled {
  if (node.operator !== '-' && node.operator !== '!') {
    const hints = keyed<string>({
      '+': 'remove the +: numbers and frames need no sign',
      '~': 'negate a condition with !',
      typeof: 'remove it: types are checked by the compiler; typeof is not needed',
      void: 'there is no void; every const must hold a value',
      delete: 'nothing can be deleted; declare a new const instead',
    });
    return core.fail(node, 'forbidden_syntax', `the operator '${node.operator}' is not allowed`, hints[node.operator] ?? 'use - or !');
  }
  const operand = compileExpression(core, node.argument, depth + 1);
  if (operand.isErr()) return operand;
  const value = operand.value;
  if (node.operator === '-') {
    if (value.tag === 'number') return ok({ tag: 'number', value: value.value === 0 ? 0 : -value.value });
    if (value.tag === 'node' && value.type === 'float_frame') return core.node(node, 'neg', [value.id], [], 'float_frame');
    return core.fail(node, 'type_mismatch', `unary '-' needs a number or a float frame, not ${describeValue(value)}`,
      value.tag === 'node' ? 'negate a condition with !' : 'write a number or a frame');
  }
  if (value.tag === 'node' && value.type === 'bool_frame') return core.node(node, 'not', [value.id], [], 'bool_frame');
  return core.fail(node, 'type_mismatch', `'!' negates a condition, not ${describeValue(value)}`,
    value.tag === 'node' ? 'compare first, e.g. !(momentum > 0)' : 'write !condition');
}

function compileCall(core: CompilerCore, node: CallExpression, depth: number): Compiled {
  const callee = node.callee;
  if (callee.type === 'Identifier') {
    const problem = forbiddenNameProblem(callee.name);
    if (problem !== null) return core.fail(callee, problem.kind, problem.message, problem.hint);
    if (callee.name === 'sim') {
      return core.fail(callee, 'forbidden_syntax', 'sim(...) can only be called in the return statement',
        'end the strategy with return sim(position, { ... });');
    }
    if (core.scope.has(callee.name)) {
      return core.fail(callee, 'forbidden_syntax', `${quoteText(callee.name)} is a value, not a function`, `call a method on it instead, e.g. ${exampleName(callee.name)}.average(20)`);
    }
    const method = methodHintForFunction(callee.name);
    return core.fail(callee, 'unknown_method', `there is no function ${quoteText(callee.name)}: only sim(...) and methods on frames exist`,
      method ?? 'call catalogue methods on frames, e.g. close.average(20), and data.get(key) for data');
  }
  if (callee.type !== 'MemberExpression') {
    // f()() or (0, eval)(): the callee itself usually holds the specific error
    if (callee.type !== 'Super') {
      const inner = compileExpression(core, callee, depth + 1);
      if (inner.isErr()) return inner;
    }
    return core.fail(callee, 'forbidden_syntax', 'only methods on frames, data.get(...) and sim(...) can be called', 'e.g. close.average(20)');
  }
  if (callee.optional || node.optional) {
    return core.fail(callee, 'forbidden_syntax', 'optional chaining (?.) is not allowed', 'write the call directly: x.average(20)');
  }
  if (callee.computed || callee.property.type !== 'Identifier') {
    return core.fail(callee, 'forbidden_syntax', 'computed member access (x[...]) is not allowed', 'write x.method(...) with a catalogue method name');
  }
  const method = callee.property.name;
  if (FORBIDDEN_PROPERTIES.has(method)) return forbiddenProperty(core, callee.property, method);
  for (const arg of node.arguments) {
    if (arg.type === 'SpreadElement') return core.fail(arg, 'forbidden_syntax', 'spread arguments (...) are not allowed', 'pass each argument directly');
  }
  const object = callee.object;
  if (object.type === 'Identifier' && object.name === 'data' && !core.scope.has('data')) {
    return compileDataGet(core, node, method, depth);
  }
  if (object.type === 'Super') return core.fail(object, 'forbidden_syntax', 'super is not allowed', 'use names declared with const');
  if (isRollingCall(object)) return compileRollingCall(core, node, object, method, depth);
  const receiver = compileExpression(core, object, depth + 1);
  if (receiver.isErr()) return receiver;
  return compileMethodCall(core, node, receiver.value, method, depth);
}

function forbiddenProperty(core: CompilerCore, at: Node, name: string): Result<never, StrategyError> {
  return core.fail(at, 'forbidden_identifier', `'${name}' is not available: strategies never reach into the object model`,
    'call catalogue methods only, e.g. close.average(20)');
}

const NODE_MESSAGES = keyed<[string, string]>({
  ThisExpression: ["'this' is not allowed", 'use names declared with const'],
  ArrayExpression: ['array literals are not allowed', 'declare each value with its own const'],
  ObjectExpression: ['object literals are only allowed as the options of sim(position, {...})', 'pass numbers directly to methods'],
  FunctionExpression: ['functions are not allowed', 'write the strategy as const declarations and one return; no callbacks are needed'],
  ArrowFunctionExpression: ['arrow functions are not allowed', 'write the strategy as const declarations and one return; no callbacks are needed'],
  ClassExpression: ['classes are not allowed', 'write the strategy as const declarations and one return'],
  TemplateLiteral: ['template literals are not allowed', "write a plain string in quotes, e.g. 'price:close'"],
  TaggedTemplateExpression: ['tagged templates are not allowed', "write a plain string in quotes, e.g. 'price:close'"],
  NewExpression: ["'new' is not allowed", 'remove new: values come from data.get(...) and frame methods'],
  AssignmentExpression: ['assignment is not allowed', 'declare a new name with const instead of reassigning'],
  UpdateExpression: ['++ and -- are not allowed', 'declare a new name with const, e.g. const next = x + 1'],
  SequenceExpression: ['the comma operator is not allowed', 'write one expression per const declaration'],
  ConditionalExpression: ['the conditional operator (a ? b : c) is not allowed', 'select values with x.where(condition), or combine conditions with && and ||'],
  ChainExpression: ['optional chaining (?.) is not allowed', 'write the call directly: x.average(20)'],
  AwaitExpression: ["'await' is not allowed", 'data.get(key) returns the frame directly'],
  YieldExpression: ["'yield' is not allowed", 'write const declarations and one return'],
  ImportExpression: ['import() is not allowed', "data and sim are already available: use data.get('price:close')"],
  MetaProperty: ['meta properties (new.target, import.meta) are not allowed', 'use names declared with const'],
  SpreadElement: ['spread (...) is not allowed', 'pass each argument directly'],
  Super: ["'super' is not allowed", 'use names declared with const'],
  ParenthesizedExpression: ['unexpected parenthesised expression', 'remove the extra parentheses'],
});

function forbiddenNodeMessage(type: string): string {
  return NODE_MESSAGES[type]?.[0] ?? `${type} is not allowed in a strategy`;
}

function forbiddenNodeHint(type: string): string {
  return NODE_MESSAGES[type]?.[1] ?? 'use const declarations, data.get(key), frame methods, operators and one return sim(...)';
}
