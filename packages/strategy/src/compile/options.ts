import { quoteText } from '../support/quote.js';
import { keyed } from '../support/keyed.js';
import type { Expression, Node, SpreadElement } from 'acorn';
import { err, ok, type Result } from 'neverthrow';
import { DEFAULT_SIM_OPTIONS, SIM_OPTION_SPECS, type SimOptionSpec } from '../catalogue/sim-options.js';
import type { StrategyError } from '../errors.js';
import type { SimOptions } from '../graph/types.js';
import { normaliseName, quotedList, suggest } from '../support/suggest.js';
import { RUN_COST_OPTIONS } from './context.js';
import type { CompilerCore } from './core.js';
import { compileExpression } from './expressions.js';
import { describeValue, type Value } from './values.js';

const SPEC_BY_NAME = new Map<string, SimOptionSpec>(SIM_OPTION_SPECS.map((spec) => [spec.name, spec]));
const OPTION_NAMES = SIM_OPTION_SPECS.map((spec) => spec.name);

/** FinLab's snake_case spellings whose normalised form differs from ours. */
const FINLAB_SPELLINGS = keyed<string>({ trade_at_price: 'tradeAt', tradeatprice: 'tradeAt' });
/** FinLab sim options that have no meaning here. */
const UNSUPPORTED = new Set(['name', 'upload', 'market', 'resample_offset', 'fast_mode', 'notification_enable',
  'line_access_token', 'live_performance_start', 'mae_mfe_window', 'mae_mfe_window_step']);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The `{ ... }` of `sim(position, { ... })`, checked against `SIM_OPTION_SPECS`; omitted options take FinLab defaults. */
export function compileSimOptions(core: CompilerCore, node: Expression | SpreadElement, depth: number): Result<SimOptions, StrategyError> {
  if (node.type !== 'ObjectExpression') {
    return core.fail(node, 'invalid_option', `the options of sim must be an object literal, not ${node.type === 'Identifier' ? quoteText(node.name) : 'an expression'}`,
      "write sim(position, { resample: 'M', stopLoss: 0.1 })");
  }
  const options: Mutable<SimOptions> = { ...DEFAULT_SIM_OPTIONS };
  const seen = new Set<string>();
  for (const property of node.properties) {
    if (property.type === 'SpreadElement') {
      return core.fail(property, 'forbidden_syntax', 'spread (...) is not allowed in sim options', 'write each option as name: value');
    }
    if (property.computed || property.kind !== 'init' || property.method) {
      return core.fail(property, 'forbidden_syntax', 'sim options must be plain name: value pairs', "write { resample: 'M' }");
    }
    const name = property.key.type === 'Identifier' ? property.key.name
      : property.key.type === 'Literal' && typeof property.key.value === 'string' ? property.key.value : null;
    if (name === null) return core.fail(property.key, 'invalid_option', 'an option name must be a plain name', "write { resample: 'M' }");
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
      return core.fail(property.key, 'forbidden_identifier', `${quoteText(name)} is not an option and reaches into the object model`,
        `use only ${quotedList(OPTION_NAMES)}`);
    }
    const spec = SPEC_BY_NAME.get(name);
    if (spec === undefined) return unknownOption(core, property.key, name);
    if (core.context.runSetsCosts === true && (RUN_COST_OPTIONS as readonly string[]).includes(name)) {
      return core.fail(property.key, 'invalid_option', `${quoteText(name)} is set by the run, not by the strategy: every strategy of a run pays the run's fees and tax`,
        `remove ${name} from the sim options`);
    }
    if (seen.has(name)) return core.fail(property.key, 'invalid_option', `the option ${quoteText(name)} is given twice`, 'keep one of them');
    seen.add(name);
    const compiled = compileExpression(core, property.value, depth + 1);
    if (compiled.isErr()) return err(compiled.error);
    const value = compiled.value;
    const checked = checkOption(core, property.value, spec, value);
    if (checked.isErr()) return err(checked.error);
    (options as Record<string, unknown>)[name] = checked.value;
  }
  return ok(options);
}

function unknownOption(core: CompilerCore, at: Node, name: string): Result<never, StrategyError> {
  if (UNSUPPORTED.has(name)) {
    return core.fail(at, 'unknown_option', `the FinLab option ${quoteText(name)} is not supported here`, 'remove it');
  }
  const mapped = FINLAB_SPELLINGS[name] ?? FINLAB_SPELLINGS[normaliseName(name)];
  const close = mapped !== undefined ? [mapped] : suggest(name, OPTION_NAMES);
  return core.fail(at, 'unknown_option', `unknown sim option ${quoteText(name)}.${close.length > 0 ? ` Did you mean ${quotedList(close)}?` : ''}`,
    `use one of the sim options: ${quotedList(OPTION_NAMES)}`);
}

function checkOption(core: CompilerCore, at: Expression, spec: SimOptionSpec, value: Value): Result<unknown, StrategyError> {
  if (value.tag === 'null') {
    if (spec.nullable) return ok(null);
    return core.fail(at, 'invalid_option', `${spec.name} cannot be null`, `omit it to use the default ${JSON.stringify(DEFAULT_SIM_OPTIONS[spec.name])}`);
  }
  switch (spec.type) {
    case 'enum': {
      if (value.tag === 'string' && spec.values.includes(value.value)) return ok(value.value);
      const shown = value.tag === 'string' ? quoteText(value.value) : describeValue(value);
      const close = value.tag === 'string' ? suggest(value.value, spec.values) : [];
      return core.fail(at, 'invalid_option', `${spec.name} must be ${quotedList(spec.values)}${spec.nullable ? ' or null' : ''}, not ${shown}`,
        close.length > 0 ? `write ${spec.name}: '${close[0] ?? ''}'` : `write ${spec.name}: '${spec.values[0] ?? ''}'`);
    }
    case 'boolean':
      if (value.tag === 'boolean') return ok(value.value);
      return core.fail(at, 'invalid_option', `${spec.name} must be true or false, not ${describeValue(value)}`, `write ${spec.name}: true`);
    case 'number': {
      if (value.tag !== 'number') {
        return core.fail(at, 'invalid_option', `${spec.name} must be a number${spec.nullable ? ' or null' : ''}, not ${describeValue(value)}`,
          value.tag === 'node' ? 'sim options are fixed numbers; frames belong in the position' : `write ${spec.name}: ${spec.max / 10}`);
      }
      const n = value.value;
      // FinLab reads a stop of 0 as "no stop"; here it is refused rather than silently dropped, so the text says what runs
      if (n === 0 && spec.nullable && spec.minExclusive) {
        return core.fail(at, 'invalid_option', `${spec.name} is 0, outside (${spec.min}, ${spec.max}]: a stop of 0 does not exist (FinLab reads it as no stop)`,
          `write ${spec.name}: null or leave it out for no stop, or a fraction such as ${spec.name}: ${spec.max / 10}`);
      }
      const tooLow = spec.minExclusive ? n <= spec.min : n < spec.min;
      if (tooLow || n > spec.max) {
        const percentHint = n > spec.max && n <= 100 && n / 100 <= spec.max ? `; a percentage is written as a fraction: ${n / 100} for ${n}%` : '';
        return core.fail(at, 'invalid_option',
          `${spec.name} is ${n}, outside ${spec.minExclusive ? '(' : '['}${spec.min}, ${spec.max}]`,
          `use a value in that range${percentHint}`);
      }
      return ok(n);
    }
  }
}
