import { EMPTY_METRICS, metricsFrom, type IterationRecord } from '@alphaloop/domain';
import type { FieldDescription, MarketDataDescription } from '@alphaloop/ports';
import { sampleChampion, sampleFailureRecord, sampleRecord } from '@alphaloop/ports/contracts';
import { TEST_MARKET } from '@alphaloop/ports/test-doubles';
import { OPERATION_CATALOGUE, RUN_COST_OPTIONS, SIM_OPTION_SPECS } from '@alphaloop/strategy';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildStrategyPrompt, compilerValidator, DEFAULT_PROMPT_MAX_CHARS, extractStrategyCode, fieldsSection, promptLength } from '../src/index.js';
import { FEEDBACK, promptInput } from './support.js';

function manyFields(n: number): FieldDescription[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `fundamental_features:field_${i}`,
    aliases: [`fundamental_features:欄位${i}`],
    description: `a quarterly fundamental number, published 45 days after the quarter (${i})`,
    frequency: 'quarterly' as const,
  }));
}

describe('buildStrategyPrompt', () => {
  const prompt = buildStrategyPrompt(promptInput());

  it('system: the language guide from the operation catalogue, every operation and sim option', () => {
    for (const spec of OPERATION_CATALOGUE) {
      if (spec.kind === 'method') expect(prompt.system).toContain(spec.source);
      for (const operator of spec.operators ?? []) expect(prompt.system).toContain(operator);
    }
    for (const option of SIM_OPTION_SPECS) {
      // the run sets the costs: the model is told so, and not offered them as options
      if ((RUN_COST_OPTIONS as readonly string[]).includes(option.name)) expect(prompt.system).not.toContain(`- ${option.name}:`);
      else expect(prompt.system).toContain(`- ${option.name}:`);
    }
    expect(prompt.system).toContain('The run sets what trading costs (feeRatio, taxRatio)');
    expect(prompt.system).toContain(`1…${TEST_MARKET.dateCount}`); // bounds from the loaded data
  });

  it('system: exactly the fields the loaded data has, with aliases, and no others', () => {
    expect(prompt.system).toContain("- 'price:close' (also 'price:收盤價'), daily: closing price");
    expect(prompt.system).toContain("- 'price:volume' (also 'price:成交股數'), daily: shares traded");
    expect(prompt.system).toContain('exactly these 2 keys');
    expect(prompt.system).not.toContain('price:成交量');
    expect(prompt.system).toContain(`${TEST_MARKET.startDate} … ${TEST_MARKET.endDate}`);
  });

  it('user: feedback, champion code and metrics, recent table, output contract', () => {
    expect(prompt.user).toContain(FEEDBACK);
    expect(prompt.user).toContain(sampleChampion().code);
    expect(prompt.user).toContain('Sharpe 0.900');
    expect(prompt.user).toContain('max drawdown -20.0%');
    expect(prompt.user).toContain('| it | source | level | Sharpe | return | max DD | outcome |');
    expect(prompt.user).toContain('| 5 | llm | 0 | – | – | – | llm: HTTP 500 from the model (key sk-****) |');
    expect(prompt.user).toContain('exactly one fenced ```js code block');
    expect(prompt.user).not.toContain('Last 0 iterations');
  });

  it('says so when there is no champion and no history', () => {
    const first = buildStrategyPrompt(promptInput({ champion: null, recent: [] }));
    expect(first.user).toContain('No champion yet');
    expect(first.user).not.toContain('iterations (oldest first)');
  });

  it('shows only the last 5 records', () => {
    const recent = Array.from({ length: 12 }, (_, i) => sampleRecord({ iteration: i }));
    const user = buildStrategyPrompt(promptInput({ recent })).user;
    expect(user).toContain('Last 5 iterations');
    expect(user).toContain('| 11 |');
    expect(user).toContain('| 7 |');
    expect(user).not.toContain('| 6 |');
  });

  it('the example in the guide compiles against the loaded market (its key comes from the data)', () => {
    const example = extractStrategyCode(prompt.system.slice(prompt.system.indexOf('## Example')));
    expect(example?.from).toBe('js_block');
    expect(compilerValidator(example?.code ?? '', TEST_MARKET).isOk()).toBe(true);
    const other: MarketDataDescription = {
      ...TEST_MARKET,
      fields: [{ key: 'close_px', aliases: [], description: 'close', frequency: 'daily' }],
    };
    const otherPrompt = buildStrategyPrompt(promptInput({ market: other }));
    const otherExample = extractStrategyCode(otherPrompt.system.slice(otherPrompt.system.indexOf('## Example')));
    expect(otherExample?.code).toContain("data.get('close_px')");
    expect(compilerValidator(otherExample?.code ?? '', other).isOk()).toBe(true);
  });

  it('a typical prompt is far below the bound', () => {
    expect(promptLength(prompt)).toBeLessThan(DEFAULT_PROMPT_MAX_CHARS);
  });

  it('degrades a long field list to keys only, then to a counted excerpt', () => {
    const market: MarketDataDescription = { ...TEST_MARKET, fields: manyFields(160) };
    const short = fieldsSection(market, 6_000);
    expect(short).toContain("'fundamental_features:field_159'");
    expect(short).not.toContain('published 45 days');
    const tiny = fieldsSection(market, 1_000);
    expect(tiny.length).toBeLessThanOrEqual(1_000);
    expect(tiny).toMatch(/… and \d+ more$/);
  });

  it('property: system + user ≤ 12,000 characters whatever the history, feedback, champion and fields', () => {
    const longText = fc.string({ minLength: 0, maxLength: 30_000 });
    const record = fc.record({ iteration: fc.nat(10_000), message: fc.string({ maxLength: 3_000 }), failed: fc.boolean() }).map(
      ({ iteration, message, failed }): IterationRecord =>
        failed
          ? sampleFailureRecord({ iteration, error: { category: 'syntax', message, step: 'generate' } })
          : sampleRecord({ iteration, metrics: metricsFrom({ sharpe: 1.5, totalReturn: 2, maxDrawdown: -0.3 }) }),
    );
    fc.assert(
      fc.property(
        longText,
        fc.option(longText, { nil: null }),
        fc.array(record, { maxLength: 400 }),
        fc.integer({ min: 1, max: 400 }),
        fc.string({ maxLength: 500 }),
        (feedback, championCode, recent, fieldCount, runId) => {
          const input = promptInput({
            runId,
            feedback,
            recent,
            champion: championCode === null ? null : sampleChampion({ code: championCode, metrics: EMPTY_METRICS }),
            market: { ...TEST_MARKET, fields: [...TEST_MARKET.fields, ...manyFields(fieldCount)] },
          });
          const built = buildStrategyPrompt(input);
          expect(promptLength(built)).toBeLessThanOrEqual(DEFAULT_PROMPT_MAX_CHARS);
          // whatever is cut, the contract and the guide stay
          expect(built.user).toContain('exactly one fenced ```js code block');
          expect(built.system).toContain('## Operations');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps everything when it fits: a long but reasonable feedback is not cut', () => {
    const feedback = 'word '.repeat(500).trim(); // the domain caps feedback at 500 words
    const built = buildStrategyPrompt(promptInput({ feedback }));
    expect(built.user).toContain(feedback);
    expect(promptLength(built)).toBeLessThanOrEqual(DEFAULT_PROMPT_MAX_CHARS);
  });
});

describe('compilerValidator', () => {
  it('refuses a reply that sets its own costs, telling the model that the run sets them', () => {
    const cheap = "const close = data.get('price:close');\nreturn sim(close.isLargest(5), { feeRatio: 0 });";
    expect(compilerValidator(cheap, TEST_MARKET)._unsafeUnwrapErr()).toMatch(/^2:\d+: 'feeRatio' is set by the run, not by the strategy.* — remove feeRatio from the sim options$/);
    expect(compilerValidator("const close = data.get('price:close');\nreturn sim(close.isLargest(5), { resample: 'M' });", TEST_MARKET).isOk()).toBe(true);
  });
});

