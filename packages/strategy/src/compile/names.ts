import { keyed } from '../support/keyed.js';
/**
 * Names the compiler refuses, each with the reason given to the author. Anything not declared with const
 * is unknown anyway; these get a specific message because they are what unsafe or confused code reaches for.
 */
const RUNTIME_GLOBALS = [
  'eval', 'Function', 'require', 'process', 'globalThis', 'global', 'window', 'self', 'module', 'exports',
  'import', 'arguments', 'Reflect', 'Proxy', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask',
  'fetch', 'XMLHttpRequest', 'WebSocket', 'Buffer', 'console', 'Object', 'Array', 'String', 'Number', 'Boolean',
  'Symbol', 'Promise', 'JSON', 'Date', 'RegExp', 'Error', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef',
  'WebAssembly', 'Atomics', 'SharedArrayBuffer', 'Intl', 'BigInt', 'structuredClone', 'performance',
  'Deno', 'Bun', 'document', 'localStorage', 'crypto', 'atob', 'btoa', 'escape', 'unescape', 'decodeURI',
  'encodeURI', 'parseInt', 'parseFloat', 'isNaN', 'isFinite',
];

/** Property names that reach into the object model; refused wherever they appear. */
export const FORBIDDEN_PROPERTIES: ReadonlySet<string> = new Set([
  'constructor', '__proto__', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__',
  '__lookupSetter__', 'call', 'apply', 'bind', 'toString', 'valueOf', 'then',
]);

const SPECIFIC_HINTS = keyed<string>({
  Math: 'use frame methods instead: x.abs(), x.log(), x.sqrt(), x.max(y), x.min(y)',
  np: 'there is no numpy: use frame methods such as x.abs(), x.log(), x.max(y)',
  pd: 'there is no pandas module: use data.get(key) and frame methods',
  undefined: 'every value must be defined: use a number, a frame or null (only in sim options)',
  NaN: 'write x.fillna(0) to replace missing values; NaN itself cannot be written',
  Infinity: 'write a large finite number instead',
  console: 'there is no output: the strategy only describes a position',
  this: 'there is no this: use names declared with const',
  data: "data only offers data.get('key')",
  sim: 'sim(position, {...}) can only be called in the return statement',
});

export type NameProblem = { readonly kind: 'forbidden_identifier' | 'reserved_name'; readonly message: string; readonly hint: string };

const FORBIDDEN: ReadonlySet<string> = new Set([...RUNTIME_GLOBALS, ...FORBIDDEN_PROPERTIES]);

/** Why `name` cannot be used as a value, or null if it is an ordinary (possibly undeclared) name. */
export function forbiddenNameProblem(name: string): NameProblem | null {
  if (FORBIDDEN.has(name)) {
    return {
      kind: 'forbidden_identifier',
      message: `'${name}' is not available: strategies are compiled, never executed, so no runtime objects exist`,
      hint: SPECIFIC_HINTS[name] ?? "use only names you declared with const, data.get('key'), the frame methods and sim(...)",
    };
  }
  const specific = SPECIFIC_HINTS[name];
  if (specific !== undefined && name !== 'data' && name !== 'sim') {
    return { kind: 'forbidden_identifier', message: `'${name}' is not available in a strategy`, hint: specific };
  }
  return null;
}

/** Why `name` cannot be declared, or null. */
export function declarationProblem(name: string): NameProblem | null {
  if (name === 'data' || name === 'sim') {
    return { kind: 'reserved_name', message: `'${name}' is built in and cannot be redeclared`, hint: `choose another name, e.g. my${name.charAt(0).toUpperCase()}${name.slice(1)}` };
  }
  const forbidden = forbiddenNameProblem(name);
  if (forbidden !== null) {
    return { kind: 'reserved_name', message: `'${name}' cannot be used as a name`, hint: 'choose a descriptive name such as momentum or entry' };
  }
  return null;
}

export function hintFor(name: string): string | undefined {
  return SPECIFIC_HINTS[name];
}

/** Longest name shown inside a code example of a hint; a longer one is shown as `name`. */
const MAX_EXAMPLE_NAME = 40;

/**
 * A strategy's own name inside a code example (`const x = ...;`), where `quoteText`'s quotes would be wrong: the
 * name itself when short — a name is only ASCII letters, digits, _ and $ (the pre-scan rejects everything else
 * outside strings) — otherwise the placeholder `name`. Messages quote the name with `quoteText`.
 */
export function exampleName(name: string): string {
  return name.length <= MAX_EXAMPLE_NAME && /^[A-Za-z_$][\w$]*$/.test(name) ? name : 'name';
}
