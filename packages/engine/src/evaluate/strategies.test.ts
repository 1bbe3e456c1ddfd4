import {
  MUTATION_OPERATORS,
  compileStrategy,
  mutate,
  seededRandom,
  templateStrategy,
  type CompileContext,
  type CompiledStrategy,
} from '@alphaloop/strategy';
import { describe, expect, it } from 'vitest';
import { backtestGraph } from './backtest.js';
import { smallMarket } from '../../test/support/market.js';

/** The strategy package's graphs (template, hand-written source, mutation chains) run on the engine. */
const market = smallMarket(120, 8);
const context: CompileContext = {
  fields: [...(market.fields as Map<string, unknown>).keys()].map((key) => ({ key, aliases: [] })),
  dateCount: market.prices.close.dates.length,
};
const split = market.prices.close.dates[80] as number;

function runs(s: CompiledStrategy): void {
  const bt = backtestGraph(s.graph, market, { splitDate: split });
  if (bt.isErr()) throw new Error(`${s.canonicalSource}\n→ ${JSON.stringify(bt.error)}`);
  for (const v of bt.value.result.creturn) expect(Number.isFinite(v)).toBe(true);
}

describe('strategies from the strategy package evaluate and simulate', () => {
  it('the template strategy', () => {
    const t = templateStrategy(context)._unsafeUnwrap();
    runs(t);
    const bt = backtestGraph(t.graph, market)._unsafeUnwrap();
    expect(bt.result.options.resample).toBe('M');
    expect(bt.result.options.trailStop).toBe(0.1);
  });

  it('the language example of STRATEGY-LANGUAGE.md', () => {
    const source = `
      const close = data.get('price:close');
      const volume = data.get('price:volume');
      const ma60 = close.average(60);
      const momentum = close / close.shift(20) - 1;
      const liquid = volume.average(20) > 1000;
      const entry = close > ma60 && liquid;
      const position = momentum.where(entry).isLargest(3);
      return sim(position, { resample: 'M', stopLoss: 0.08, trailStop: 0.1 });`;
    runs(compileStrategy(source, context)._unsafeUnwrap());
  });

  it('mutation chains from the template (every operator, many seeds)', () => {
    let ran = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const random = seededRandom(seed);
      let current = templateStrategy(context)._unsafeUnwrap();
      for (let gen = 0; gen < 8; gen++) {
        const op = MUTATION_OPERATORS[Math.floor(random.next() * MUTATION_OPERATORS.length)] ?? 'perturb_parameter';
        const child = mutate(current, op, random);
        if (child.isErr()) {
          expect(child.error.kind).toBe('mutation_not_applicable');
          continue;
        }
        runs(child.value);
        ran++;
        current = child.value;
      }
    }
    expect(ran).toBeGreaterThan(40);
  });
});
