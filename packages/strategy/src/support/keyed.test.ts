import { describe, expect, it } from 'vitest';
import { compileStrategy } from '../strategy.js';
import { TEST_CONTEXT } from '../../test/support/market.js';
import { keyed } from './keyed.js';

const PROTOTYPE_NAMES = ['constructor', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toString', 'toLocaleString', 'valueOf', '__proto__', '__defineGetter__', '__lookupSetter__'];
const HEAD = "const close = data.get('price:close');\n";

describe('keyed tables', () => {
  it('have no prototype: object-model names are absent', () => {
    const table = keyed({ rank: 'r' });
    expect(table['rank']).toBe('r');
    for (const name of PROTOTYPE_NAMES) expect(table[name]).toBeUndefined();
  });

  it('keep JavaScript internals out of every message and hint the compiler gives back', () => {
    const sources = PROTOTYPE_NAMES.flatMap((name) => [
      `${HEAD}return close.${name}('x');`,
      `${HEAD}return close.${name};`,
      `${HEAD}return sim(close.isLargest(5), { ${name}: 'M' });`,
      `${HEAD}const ${name} = close;\nreturn ${name}.isLargest(5);`,
      `${HEAD}return ${name};`,
      `${HEAD}return close ${name === 'constructor' ? '>' : '<'} ${name};`,
    ]);
    for (const source of sources) {
      // a const may be called `hasOwnProperty` (it is just a name); whatever is refused must say why in our words
      const compiled = compileStrategy(source, TEST_CONTEXT);
      for (const error of compiled.isErr() ? compiled.error : []) {
        const text = `${error.message} ${error.hint ?? ''}`;
        expect(text, source).not.toMatch(/native code|function\s*\w*\s*\(|\[object /);
      }
    }
  });
});
