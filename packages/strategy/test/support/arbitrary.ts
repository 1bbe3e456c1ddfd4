import fc from 'fast-check';
import { OPERATION_CATALOGUE } from '../../src/catalogue/operations.js';
import { TEST_FIELDS } from './market.js';

/** Names declared so far, by type, so later expressions can refer to them. */
interface Env {
  readonly floats: readonly string[];
  readonly bools: readonly string[];
}
type Render = (env: Env) => string;

const keys = TEST_FIELDS.flatMap((f) => [f.key, ...f.aliases]);
const quote = (k: string): string => `'${k}'`;
const window = fc.integer({ min: 1, max: 300 });
const lag = fc.integer({ min: 1, max: 120 });
const small = fc.integer({ min: 1, max: 50 });
const number = fc.oneof(
  fc.integer({ min: -1000, max: 1_000_000 }),
  fc.double({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }).map((x) => Math.round(x * 1000) / 1000),
);
const literal = number.map((n): Render => () => (n < 0 ? `(${n})` : String(n)));
/** The catalogue's `x.rolling(n).<method>()` aggregations, and those that take a second frame (`corr(y)`). */
const ROLLING = OPERATION_CATALOGUE.filter((spec) => spec.chain === 'rolling');
const rollingOne = ROLLING.filter((spec) => spec.args.length === 1).map((spec) => spec.method ?? spec.name);
const rollingPair = ROLLING.filter((spec) => spec.args.length === 2).map((spec) => spec.method ?? spec.name);
const maybeParens = (render: Render, wrap: boolean): Render => (wrap ? (env) => `(${render(env)})` : render);

/**
 * Random well-typed strategies in the language (random names, parentheses, spacing, key aliases and
 * options), for round-trip and robustness properties. Every generated source must compile.
 */
export const arbitraryStrategy: fc.Arbitrary<string> = (() => {
  const { float, bool } = fc.letrec<{ float: Render; bool: Render }>((tie) => {
    const f = tie('float');
    const b = tie('bool');
    const floatOrNumber = fc.oneof({ weight: 3, arbitrary: f }, { weight: 1, arbitrary: literal });
    return {
      float: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom(...keys).map((k): Render => () => `data.get(${quote(k)})`),
        fc.nat().map((i): Render => (env) => env.floats[i % Math.max(1, env.floats.length)] ?? `data.get('price:close')`),
        fc.tuple(f, fc.constantFrom('+', '-', '*', '/'), floatOrNumber, fc.boolean()).map(([a, op, c, swap]): Render =>
          (env) => (swap ? `${c(env)} ${op} (${a(env)})` : `(${a(env)}) ${op} ${c(env)}`)),
        f.map((a): Render => (env) => `-(${a(env)})`),
        fc.tuple(f, window).map(([a, n]): Render => (env) => `(${a(env)}).average(${n})`),
        fc.tuple(f, window, fc.constantFrom(...rollingOne)).map(([a, n, m]): Render => (env) => `(${a(env)}).rolling(${n}).${m}()`),
        ...(rollingPair.length === 0 ? [] : [
          fc.tuple(f, window, f, fc.constantFrom(...rollingPair)).map(([a, n, b, m]): Render => (env) => `(${a(env)}).rolling(${n}).${m}(${b(env)})`),
        ]),
        fc.tuple(f, fc.integer({ min: 0, max: 120 })).map(([a, n]): Render => (env) => `(${a(env)}).shift(${n})`),
        fc.tuple(f, lag, fc.constantFrom('pctChange', 'diff')).map(([a, n, m]): Render => (env) => `(${a(env)}).${m}(${n})`),
        fc.tuple(f, fc.integer({ min: 2, max: 60 }), fc.constantFrom('ema', 'rsi')).map(([a, n, m]): Render => (env) => `(${a(env)}).${m}(${n})`),
        fc.tuple(f, fc.constantFrom('rank', 'zscore', 'abs', 'log', 'sqrt')).map(([a, m]): Render => (env) => `(${a(env)}).${m}()`),
        fc.tuple(f, fc.double({ min: 0, max: 1, noNaN: true })).map(([a, q]): Render => (env) => `(${a(env)}).quantileRow(${Math.round(q * 100) / 100})`),
        fc.tuple(f, b).map(([a, m]): Render => (env) => `(${a(env)}).where(${m(env)})`),
        fc.tuple(f, number).map(([a, x]): Render => (env) => `(${a(env)}).fillna(${x})`),
        fc.tuple(f, floatOrNumber, fc.constantFrom('max', 'min')).map(([a, c, m]): Render => (env) => `(${a(env)}).${m}(${c(env)})`),
        fc.tuple(f, fc.integer({ min: -10, max: 0 }), fc.integer({ min: 0, max: 10 })).map(([a, lo, hi]): Render => (env) => `(${a(env)}).clip(${lo}, ${hi})`),
      ),
      bool: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.tuple(f, fc.constantFrom('>', '>=', '<', '<=', '==', '!=', '===', '!=='), floatOrNumber).map(([a, op, c]): Render =>
          (env) => `(${a(env)}) ${op} ${c(env)}`),
        fc.nat().map((i): Render => (env) => env.bools[i % Math.max(1, env.bools.length)] ?? `data.get('price:close') > 0`),
        fc.tuple(b, fc.constantFrom('&&', '||', '&', '|'), b).map(([x, op, y]): Render => (env) => `(${x(env)}) ${op} (${y(env)})`),
        b.map((x): Render => (env) => `!(${x(env)})`),
        fc.tuple(f, small, fc.constantFrom('rise', 'fall')).map(([a, n, m]): Render => (env) => `(${a(env)}).${m}(${n})`),
        fc.tuple(b, small, small).map(([x, n, k]): Render => (env) => `(${x(env)}).sustain(${Math.max(n, k)}, ${Math.min(n, k)})`),
        fc.tuple(f, small, fc.constantFrom('isLargest', 'isSmallest')).map(([a, n, m]): Render => (env) => `(${a(env)}).${m}(${n})`),
        fc.tuple(b, fc.constantFrom('isEntry', 'isExit')).map(([x, m]): Render => (env) => `(${x(env)}).${m}()`),
        fc.tuple(b, fc.integer({ min: 0, max: 30 })).map(([x, n]): Render => (env) => `(${x(env)}).shift(${n})`),
        fc.tuple(b, b, fc.option(fc.tuple(small, fc.option(f)))).map(([x, y, limit]): Render => (env) =>
          `(${x(env)}).holdUntil(${y(env)}${limit === null ? '' : `, ${limit[0]}${limit[1] === null ? '' : `, ${limit[1](env)}`}`})`),
      ),
    };
  });
  const declaration = fc.tuple(fc.boolean(), float, bool, fc.boolean());
  const options = fc.record(
    {
      resample: fc.constantFrom("'D'", "'W'", "'M'", "'Q'", 'null'),
      stopLoss: fc.constantFrom('0.05', '0.1', '0.5', 'null'),
      takeProfit: fc.constantFrom('0.2', '1.5'),
      trailStop: fc.constantFrom('0.1', '0.25'),
      positionLimit: fc.constantFrom('0.1', '1'),
      feeRatio: fc.constantFrom('0.001425', '1.425 / 1000 / 3'),
      tradeAt: fc.constantFrom("'close'", "'open'"),
      touchedExit: fc.constantFrom('true', 'false'),
    },
    { requiredKeys: [] },
  );
  return fc
    .tuple(fc.array(declaration, { maxLength: 5 }), fc.oneof(float, bool), fc.option(options), fc.boolean(), fc.constantFrom('\n', '\n\n', ';\n', '\n// note\n'))
    .map(([declarations, position, simOptions, parens, separator]) => {
      const floats: string[] = [];
      const bools: string[] = [];
      const lines: string[] = [];
      declarations.forEach(([isFloat, f, b, wrap], i) => {
        const env = { floats: [...floats], bools: [...bools] };
        const name = `${isFloat ? 'value' : 'cond'}_${i}`;
        lines.push(`const ${name} = ${maybeParens(isFloat ? f : b, wrap)(env)};`);
        (isFloat ? floats : bools).push(name);
      });
      const env = { floats, bools };
      const body = maybeParens(position, parens)(env);
      const opts = simOptions === null ? '' : `, { ${Object.entries(simOptions).map(([k, v]) => `${k}: ${v}`).join(', ')} }`;
      lines.push(simOptions === null && parens ? `return ${body};` : `return sim(${body}${opts});`);
      return lines.join(separator);
    });
})();
