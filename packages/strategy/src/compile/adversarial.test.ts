import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatStrategyErrors } from '../errors.js';
import { compileStrategy } from '../strategy.js';
import { ADVERSARIAL_CORPUS } from '../../test/support/adversarial.js';
import { STRATEGY_CORPUS } from '../../test/support/corpus.js';
import { TEST_CONTEXT } from '../../test/support/market.js';

// Under Stryker (one test run per mutant) the robustness properties are skipped: they guard against
// crashes, which the unit tests around them already pin down, at a hundred times the cost.
const UNDER_STRYKER = process.env['STRYKER_MUTATOR_WORKER'] !== undefined;
const RUNS = 2_000;
const pwned = (): unknown => (globalThis as Record<string, unknown>)['alphaloopPwned'];

describe('adversarial corpus', () => {
  it('has at least 40 distinct inputs', () => {
    expect(ADVERSARIAL_CORPUS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(ADVERSARIAL_CORPUS.map((c) => c.name)).size).toBe(ADVERSARIAL_CORPUS.length);
  });

  // under Stryker the snapshot below checks the same results in one test
  it.skipIf(UNDER_STRYKER).each(ADVERSARIAL_CORPUS.map((c) => [c.name, c] as const))('%s: a specific error, quickly, nothing executed', (_, testCase) => {
    const started = performance.now();
    const result = compileStrategy(testCase.source, TEST_CONTEXT);
    const elapsed = performance.now() - started;
    expect(result.isErr()).toBe(true);
    const errors = result._unsafeUnwrapErr();
    expect(errors[0]?.kind).toBe(testCase.kind);
    if (testCase.mentions !== undefined) expect(errors[0]?.message).toContain(testCase.mentions);
    for (const error of errors) {
      expect(error.line).toBeGreaterThanOrEqual(1);
      expect(error.column).toBeGreaterThanOrEqual(1);
      expect(error.message.length).toBeGreaterThan(10);
      expect(error.hint.length).toBeGreaterThan(5);
    }
    expect(elapsed).toBeLessThan(2_000);
    expect(pwned()).toBeUndefined();
  });

  it('reports exactly these messages (the text the LLM reads)', () => {
    const report = ADVERSARIAL_CORPUS.map((c) => `${c.name}\n${formatStrategyErrors(compileStrategy(c.source, TEST_CONTEXT)._unsafeUnwrapErr())}`);
    expect(report.join('\n\n')).toMatchSnapshot();
  });
});

describe.skipIf(UNDER_STRYKER)('robustness', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        compileStrategy(text, TEST_CONTEXT);
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on corrupted strategies (random edits of the corpus)', () => {
    const alphabet = fc.constantFrom(...'()[]{};,.+-*/<>=!&|?:\'"`\\ \nabc019_$#@收'.split(''));
    fc.assert(
      fc.property(fc.constantFrom(...STRATEGY_CORPUS), fc.array(fc.tuple(fc.nat(), fc.nat(3), alphabet), { minLength: 1, maxLength: 6 }), (source, edits) => {
        let text = source;
        for (const [at, remove, insert] of edits) {
          const position = at % (text.length + 1);
          text = text.slice(0, position) + insert + text.slice(position + remove);
        }
        const result = compileStrategy(text, TEST_CONTEXT);
        if (result.isErr()) expect(result.error.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });
});
