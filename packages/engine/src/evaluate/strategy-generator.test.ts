/**
 * Acceptance: every strategy the strategy package validates — its fast-check generator, its corpus of
 * LLM-style strategies, and mutation chains from the corpus — evaluates, simulates and yields statistics
 * without an error or an exception.
 */
import { compileStrategy, mutate, MUTATION_OPERATORS, seededRandom, type CompileContext, type CompiledStrategy } from '@alphaloop/strategy';
import { arbitraryStrategy, STRATEGY_CORPUS, TEST_FIELDS } from '@alphaloop/strategy/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backtestGraph } from './backtest.js';
import type { MarketFrames } from './evaluate.js';
import type { Frame } from '../frame.js';
import { smallMarket } from '../../test/support/market.js';

/** The small test market with every field of the strategy package's test context (derived frames). */
function marketWithTestFields(): { market: MarketFrames; context: CompileContext } {
  const base = smallMarket(150, 8);
  const fields = new Map<string, Frame>(base.fields as Map<string, Frame>);
  const close = base.prices.close;
  const derive = (k: number, offset: number): Frame => ({
    dates: close.dates,
    symbols: close.symbols,
    values: close.values.map((v, i) => (Number.isNaN(v) ? v : (v * k + offset * ((i % 7) - 3)) / 10)),
  });
  TEST_FIELDS.forEach((f, i) => {
    if (!fields.has(f.key)) fields.set(f.key, derive(1 + i, i));
  });
  return {
    market: { fields, prices: base.prices },
    // windows may exceed this market's 150 dates (as on a short market): the engine gives NaN, not an error
    context: { fields: TEST_FIELDS, dateCount: 2500 },
  };
}

const { market, context } = marketWithTestFields();
const split = market.prices.close.dates[100] as number;

function runs(s: CompiledStrategy): void {
  const bt = backtestGraph(s.graph, market, { splitDate: split });
  if (bt.isErr()) throw new Error(`${s.canonicalSource}\n→ ${JSON.stringify(bt.error)}`);
  for (const v of bt.value.result.creturn) expect(Number.isFinite(v)).toBe(true);
}

describe("the strategy package's strategies run on the engine", () => {
  it('every generated strategy (fast-check arbitraryStrategy)', () => {
    fc.assert(
      fc.property(arbitraryStrategy, (source) => {
        const compiled = compileStrategy(source, context);
        if (compiled.isErr()) throw new Error(`generated strategy does not compile: ${source}`);
        runs(compiled.value);
      }),
      { numRuns: 100 },
    );
  });

  it('the corpus and mutation chains from it', () => {
    let ran = 0;
    STRATEGY_CORPUS.forEach((source, k) => {
      const compiled = compileStrategy(source, context);
      if (compiled.isErr()) throw new Error(`corpus entry ${k} does not compile`);
      runs(compiled.value);
      ran++;
      const random = seededRandom(1000 + k);
      let current = compiled.value;
      for (let gen = 0; gen < 3; gen++) {
        const op = MUTATION_OPERATORS[Math.floor(random.next() * MUTATION_OPERATORS.length)] ?? 'perturb_parameter';
        const child = mutate(current, op, random);
        if (child.isErr()) continue;
        runs(child.value);
        ran++;
        current = child.value;
      }
    });
    expect(ran).toBeGreaterThan(STRATEGY_CORPUS.length);
  });
});
