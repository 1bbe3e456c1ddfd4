import { quoteText } from '../support/quote.js';
import { keyed } from '../support/keyed.js';
import type { CallExpression, Expression, Node, SpreadElement } from 'acorn';
import { err, ok, type Result } from 'neverthrow';
import { OPERATION_CATALOGUE, resultTypeOf, type ArgSpec, type OperationSpec, type ParamSpec } from '../catalogue/operations.js';
import type { StrategyError } from '../errors.js';
import type { NodeId, NodeType, ParamValue } from '../graph/types.js';
import { quotedList, suggest } from '../support/suggest.js';
import type { CompilerCore, Compiled } from './core.js';
import { compileExpression } from './expressions.js';
import { describeTypes, describeValue, type Value } from './values.js';

const PLAIN_METHODS = new Map<string, OperationSpec>();
const ROLLING_METHODS = new Map<string, OperationSpec>();
for (const spec of OPERATION_CATALOGUE) {
  if (spec.kind !== 'method' || spec.method === undefined) continue;
  (spec.chain === 'rolling' ? ROLLING_METHODS : PLAIN_METHODS).set(spec.method, spec);
}
const ALL_METHOD_NAMES = [...PLAIN_METHODS.keys(), 'rolling'];

/** pandas / FinLab spellings that have a different name here. */
const METHOD_ALIASES = keyed<string>({
  mean: "x.average(n) or x.rolling(n).mean()",
  sum: 'x.rolling(n).sum()',
  std: 'x.rolling(n).std()',
  ewm: 'x.ema(n)',
  ewma: 'x.ema(n)',
  sma: 'x.average(n)',
  ma: 'x.average(n)',
  nlargest: 'x.isLargest(n)',
  nsmallest: 'x.isSmallest(n)',
  top: 'x.isLargest(n)',
  largest: 'x.isLargest(n)',
  smallest: 'x.isSmallest(n)',
  pct: 'x.pctChange(n)',
  returns: 'x.pctChange(n)',
  mask: 'x.where(!condition)',
  filter: 'x.where(condition)',
  exitWhen: 'entry.holdUntil(exit)',
  indicator: 'indicator methods on frames, e.g. close.rsi(14)',
  quantile: 'x.quantileRow(q)',
  max: 'x.rolling(n).max() for a rolling maximum, or x.max(y) for the larger of two frames',
  min: 'x.rolling(n).min() for a rolling minimum, or x.min(y) for the smaller of two frames',
});

/** A hint for code that calls a catalogue method as a free function (`average(close, 20)`). */
export function methodHintForFunction(name: string): string | undefined {
  if (PLAIN_METHODS.has(name)) return `call it as a method on a frame: x.${name}(...)`;
  const alias = METHOD_ALIASES[name];
  return alias === undefined ? undefined : `write ${alias}`;
}

/** `data.get('key')`: resolves the key (or an alias) against the loaded market's fields. */
export function compileDataGet(core: CompilerCore, node: CallExpression, method: string, depth: number): Compiled {
  if (method !== 'get') {
    const hint = METHOD_ALIASES[method];
    return core.fail(node.callee, 'unknown_method', `data has no method ${quoteText(method)}. Did you mean 'get'?`,
      hint !== undefined ? `read a field with data.get('key'), then use ${hint}` : "read a field with data.get('price:close')");
  }
  const [first, ...rest] = node.arguments;
  if (first === undefined || rest.length > 0) {
    return core.fail(node, 'wrong_arguments', `data.get takes exactly one data key, got ${node.arguments.length} arguments`,
      "write data.get('price:close')");
  }
  const key = compileExpression(core, first, depth + 1);
  if (key.isErr()) return key;
  if (key.value.tag !== 'string') {
    return core.fail(first, 'type_mismatch', `data.get needs a data key string, not ${describeValue(key.value)}`, "write data.get('price:close')");
  }
  const name = key.value.value;
  const field = core.fields.resolve(name);
  if (field === undefined) {
    const close = core.suggest(name, () => core.fields.allNames, 3);
    const shown = close.map((candidate) => {
      const target = core.fields.resolve(candidate);
      return target === undefined || target.key === candidate ? `'${candidate}'` : `'${target.key}' ('${candidate}')`;
    });
    const known = core.context.fields.slice(0, 8).map((f) => f.key);
    return core.fail(first, 'unknown_data_key',
      `unknown data key ${quoteText(name)}.${shown.length > 0 ? ` Did you mean ${[...new Set(shown)].join(' or ')}?` : ''}`,
      shown.length > 0 ? `use a key the market data has, e.g. ${shown[0] ?? ''}`
        : `the market data has ${core.context.fields.length} fields, e.g. ${quotedList(known)}`);
  }
  return core.node(node, 'data', [], [field.key], 'float_frame');
}

/** `x.rolling(n)` as the callee object of a further call. */
export function isRollingCall(object: Expression): object is CallExpression {
  return object.type === 'CallExpression' && object.callee.type === 'MemberExpression' && !object.callee.computed &&
    object.callee.property.type === 'Identifier' && object.callee.property.name === 'rolling';
}

/** `x.rolling(n).mean()` and friends, and `x.rolling(n).corr(y)`: the window goes into rolling(n), other frames into the method. */
export function compileRollingCall(core: CompilerCore, node: CallExpression, rolling: CallExpression, method: string, depth: number): Compiled {
  const spec = ROLLING_METHODS.get(method);
  if (spec === undefined) {
    const close = suggest(method, [...ROLLING_METHODS.keys()]);
    return core.fail(node.callee, 'unknown_method', `rolling(n) has no method ${quoteText(method)}.${close.length > 0 ? ` Did you mean ${quotedList(close)}?` : ''}`,
      `after rolling(n) write one of ${quotedList([...ROLLING_METHODS.values()].map(aggregation))}`);
  }
  const frames = spec.args.slice(1);
  const written = `x.rolling(n)${aggregation(spec)}`;
  if (node.arguments.length !== frames.length) {
    return core.fail(node, 'wrong_arguments', frames.length === 0
      ? `rolling(n).${method}() takes no arguments; the window goes into rolling(n)`
      : `rolling(n).${method}() takes ${frames.length === 1 ? 'one frame' : `${frames.length} frames`} (${frames.map((f) => f.name).join(', ')}), got ${node.arguments.length} arguments; the window goes into rolling(n)`,
    `write ${written.replace('(n)', '(20)')}`);
  }
  if (rolling.arguments.length !== spec.params.length) {
    return core.fail(rolling, 'wrong_arguments',
      `rolling(n).${method}() takes ${spec.params.length} argument (${spec.params.map((p) => p.name).join(', ')}), got ${rolling.arguments.length}`, `write ${spec.source}`);
  }
  if (rolling.callee.type !== 'MemberExpression' || rolling.callee.object.type === 'Super') {
    return core.fail(rolling, 'forbidden_syntax', 'rolling(n) must be called on a frame', `write ${written.replace('(n)', '(20)')}`);
  }
  const receiver = compileExpression(core, rolling.callee.object, depth + 1);
  if (receiver.isErr()) return receiver;
  // source order of `applySpec`: the frame arguments after the receiver, then the params
  return applySpec(core, node, spec, receiver.value, [...node.arguments, ...rolling.arguments], depth, `rolling(n).${method}()`);
}

/** `a, b or c`. */
function listed(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;
}

/** `.mean()`, `.corr(y)`: how a rolling method is written after `x.rolling(n)`. */
function aggregation(spec: OperationSpec): string {
  return spec.source.slice(spec.source.indexOf(').') + 1);
}

/** `x.method(args)` for a catalogue method. */
export function compileMethodCall(core: CompilerCore, node: CallExpression, receiver: Value, method: string, depth: number): Compiled {
  if (method === 'rolling') {
    return core.fail(node, 'wrong_arguments', 'rolling(n) must be followed by an aggregation',
      `write x.rolling(n)${listed([...ROLLING_METHODS.values()].map(aggregation))}`);
  }
  const spec = PLAIN_METHODS.get(method);
  if (spec === undefined) {
    const alias = METHOD_ALIASES[method];
    const close = alias === undefined ? suggest(method, ALL_METHOD_NAMES) : [];
    return core.fail(node.callee, 'unknown_method',
      `unknown method ${quoteText(method)}.${close.length > 0 ? ` Did you mean ${quotedList(close)}?` : ''}`,
      alias !== undefined ? `write ${alias}` : close.length > 0 ? `write x.${close[0] ?? ''}(...)`
        : `use one of the frame methods: ${ALL_METHOD_NAMES.join(', ')}`);
  }
  if ((method === 'max' || method === 'min') && node.arguments.length === 0) {
    return core.fail(node, 'wrong_arguments', `${method}() needs another frame or a number to compare with`,
      `for a rolling ${method === 'max' ? 'maximum' : 'minimum'} write x.rolling(n).${method}(); elementwise: x.${method}(y)`);
  }
  return applySpec(core, node, spec, receiver, node.arguments, depth, `${method}()`);
}

/**
 * Checks the receiver and arguments against the spec and adds the node. Source arguments are the frame
 * arguments after the receiver, then the params — except holdUntil, written (exit, nStocksLimit, rank).
 */
function applySpec(
  core: CompilerCore,
  node: CallExpression,
  spec: OperationSpec,
  receiver: Value,
  sourceArgs: readonly (Expression | SpreadElement)[],
  depth: number,
  label: string,
): Compiled {
  const receiverSpec = spec.args[0];
  if (receiver.tag !== 'node' || receiverSpec === undefined || !receiverSpec.types.includes(receiver.type)) {
    return core.fail(node.callee, 'type_mismatch',
      `${label} is called on ${describeValue(receiver)}, but it needs ${describeTypes(receiverSpec?.types ?? [])}`,
      receiverHint(spec, receiver));
  }
  const order = sourceOrder(spec);
  const required = order.filter((slot) => slot.required).length;
  if (sourceArgs.length > order.length || sourceArgs.length < required) {
    const names = order.map((slot) => slot.name);
    return core.fail(node, 'wrong_arguments',
      `${label} takes ${required === order.length ? order.length : `${required} to ${order.length}`} argument${order.length === 1 ? '' : 's'} (${names.join(', ')}), got ${sourceArgs.length}`,
      `write ${spec.source}`);
  }
  const args: NodeId[] = [receiver.id];
  const params: ParamValue[] = [];
  for (let i = 0; i < sourceArgs.length; i += 1) {
    const slot = order[i];
    const source = sourceArgs[i];
    if (slot === undefined || source === undefined) break;
    const compiled = compileExpression(core, source, depth + 1);
    if (compiled.isErr()) return compiled;
    const value = compiled.value;
    if ('frame' in slot) {
      if (value.tag === 'number' && slot.frame.types.includes('number')) {
        const constant = core.constant(source, value.value);
        if (constant.isErr()) return constant;
        args.push(constant.value.id);
        continue;
      }
      if (value.tag !== 'node' || !slot.frame.types.includes(value.type)) {
        return core.fail(source, 'type_mismatch', `the ${slot.frame.name} of ${label} must be ${describeTypes(slot.frame.types)}, not ${describeValue(value)}`,
          `write ${spec.source}`);
      }
      args.push(value.id);
      continue;
    }
    const checked = checkParam(core, source, spec, slot.param, value, label);
    if (checked.isErr()) return err(checked.error);
    params.push(checked.value);
  }
  // fill defaults so the graph holds every value explicitly (canonical form)
  for (let index = params.length; index < spec.params.length; index += 1) {
    const param = spec.params[index];
    if (param === undefined || param.optional === true) break;
    if (spec.name === 'sustain' && index === 1) params.push(params[0] ?? 1);
    else if (param.default !== undefined) params.push(param.default);
  }
  const crossCheck = crossCheckParams(core, node, spec, params, args);
  if (crossCheck !== null) return crossCheck;
  return core.node(node, spec.name, args, params, resultTypeOf(spec, receiver.type as NodeType));
}

type Slot =
  | { readonly name: string; readonly required: boolean; readonly frame: ArgSpec }
  | { readonly name: string; readonly required: boolean; readonly param: ParamSpec };

const SOURCE_ORDERS = new Map<OperationSpec, readonly Slot[]>();

/** The arguments as written in source, after the receiver (cached per spec: this runs for every call). */
function sourceOrder(spec: OperationSpec): readonly Slot[] {
  let order = SOURCE_ORDERS.get(spec);
  if (order === undefined) {
    order = computeSourceOrder(spec);
    SOURCE_ORDERS.set(spec, order);
  }
  return order;
}

/** Frame arguments, then params (holdUntil interleaves: exit, nStocksLimit, rank). */
function computeSourceOrder(spec: OperationSpec): readonly Slot[] {
  const frames: Slot[] = spec.args.slice(1).map((frame) => ({ name: frame.name, required: frame.optional !== true, frame }));
  const params: Slot[] = spec.params.map((param, index) => ({
    name: param.name,
    // sustain's k defaults to n, so it may be omitted although it has no fixed default
    required: param.optional !== true && param.default === undefined && !(spec.name === 'sustain' && index === 1),
    param,
  }));
  if (spec.name === 'holdUntil') {
    const [exit, rank] = frames;
    return [exit, ...params, rank].filter((slot): slot is Slot => slot !== undefined);
  }
  return [...frames, ...params];
}

function receiverHint(spec: OperationSpec, receiver: Value): string {
  if (receiver.tag === 'node' && receiver.type === 'bool_frame' && spec.args[0]?.types.includes('float_frame')) {
    return `${spec.method ?? spec.name} works on values, not conditions: apply it to the values, or select them with values.where(condition)`;
  }
  if (receiver.tag === 'node' && receiver.type === 'float_frame' && spec.args[0]?.types.includes('bool_frame')) {
    return `turn the values into a condition first, e.g. (close > ma).${spec.method ?? spec.name}(...)`;
  }
  return `write ${spec.source} on a frame, e.g. data.get('price:close')`;
}

function checkParam(
  core: CompilerCore,
  at: Node,
  spec: OperationSpec,
  param: ParamSpec,
  value: Value,
  label: string,
): Result<ParamValue, StrategyError> {
  if (value.tag !== 'number') {
    return core.fail(at, 'type_mismatch', `the ${param.name} of ${label} must be a number written in the strategy, not ${describeValue(value)}`,
      `write ${spec.source} with a literal number, e.g. 20`);
  }
  const n = value.value;
  if (n < 0 && LAGGED.has(spec.name)) return lookAhead(core, at, spec, n, resolveBound(param.max, core.context.dateCount));
  if (param.type === 'integer' && !Number.isInteger(n)) {
    return core.fail(at, 'parameter_out_of_range', `the ${param.name} of ${label} must be a whole number, got ${n}`, `use ${Math.max(1, Math.round(n))}`);
  }
  const min = resolveBound(param.min, core.context.dateCount);
  const max = resolveBound(param.max, core.context.dateCount);
  if (min !== undefined && n < min) {
    return core.fail(at, 'parameter_out_of_range', `the ${param.name} of ${label} is ${n}, below the minimum ${min}`, `use a value between ${min} and ${max ?? 'any'}`);
  }
  if (max !== undefined && n > max) {
    const dates = param.max === 'dateCount' ? ` (the market data has ${core.context.dateCount} dates)` : '';
    return core.fail(at, 'parameter_out_of_range', `the ${param.name} of ${label} is ${n}, above the maximum ${max}${dates}`,
      `use a value between ${min ?? 'any'} and ${max}`);
  }
  return ok(n === 0 ? 0 : n);
}

/** Operations whose n is a lag: a negative n reads rows after today. */
const LAGGED: ReadonlySet<string> = new Set(['shift', 'pctChange', 'diff', 'rise', 'fall']);

/** `shift(-1)`, `pctChange(-5)`, `shift(-0.5)`: a look into the future, however the negative number was spelled. */
function lookAhead(core: CompilerCore, at: Node, spec: OperationSpec, n: number, max: number | undefined): Result<never, StrategyError> {
  const method = spec.method ?? spec.name;
  const back = Math.max(1, Math.round(-n));
  const min = spec.name === 'shift' ? 0 : 1;
  const instead = max !== undefined && back > max ? `use a value between ${min} and ${max}`
    : spec.name === 'shift' ? `for the value ${days(back)} ago write shift(${back})` : `to compare with ${days(back)} ago write ${method}(${back})`;
  return core.fail(at, 'look_ahead', `${method}(${n}) looks ${days(-n)} into the future`, `${method} needs n ≥ ${min}; ${instead}`);
}

function days(n: number): string {
  return `${n} day${n === 1 ? '' : 's'}`;
}

function crossCheckParams(core: CompilerCore, node: CallExpression, spec: OperationSpec, params: readonly ParamValue[], args: readonly NodeId[]): Result<never, StrategyError> | null {
  if (spec.name === 'sustain' && (params[1] ?? 0) > (params[0] ?? 0)) {
    return core.fail(node, 'parameter_out_of_range', `sustain(${params[0]}, ${params[1]}) asks for more days than the window has`,
      `k must be at most n: sustain(${params[0]}, ${params[0]})`);
  }
  if (spec.name === 'clip' && (params[0] ?? 0) > (params[1] ?? 0)) {
    return core.fail(node, 'parameter_out_of_range', `clip(${params[0]}, ${params[1]}) has lower > upper`, `write clip(${params[1]}, ${params[0]})`);
  }
  if (spec.name === 'holdUntil' && args.length === 3 && params.length === 0) {
    return core.fail(node, 'wrong_arguments', 'holdUntil takes a rank only together with a limit', 'write entry.holdUntil(exit, 10, rank)');
  }
  return null;
}

export function resolveBound(bound: ParamSpec['min'], dateCount: number): number | undefined {
  return bound === 'dateCount' ? dateCount : bound;
}

