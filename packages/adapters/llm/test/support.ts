import { metricsFrom, type IterationRecord } from '@alphaloop/domain';
import type { StrategyPromptInput } from '@alphaloop/ports';
import { sampleChampion, sampleFailureRecord, sampleRecord } from '@alphaloop/ports/contracts';
import { ManualClock, MemoryLogger, TEST_MARKET } from '@alphaloop/ports/test-doubles';
import { createLlm, type CreateLlmDeps, type LlmAdapter, type LlmConfigInput } from '../src/index.js';
import type { FakeLlmServer, Wire } from './fake-llm-server.js';

/** Dummy keys, shaped like real ones, that must never show up in an error or a log line. */
export const TEST_ENV = {
  OPENAI_API_KEY: 'sk-test-openai-7Q2x9LmN4pR8sT1v',
  ANTHROPIC_API_KEY: 'sk-ant-test-3Fh8Kd2Lm9Qp5Rw7',
  GOOGLE_GENERATIVE_AI_API_KEY: 'AIzaTest-google-5Tg7Yh9Uj2Ik4Ol6',
  OPENROUTER_API_KEY: 'sk-or-test-8Hj3Kl5Mn7Bv9Cx2',
} as const;

export const FEEDBACK = 'Iteration 6: Sharpe fell from 1.21 to 0.84 (declining). Try a liquidity filter on price:volume.';

export const GOOD_CODE = [
  "const close = data.get('price:close');",
  'const momentum = close / close.shift(20) - 1;',
  "return sim(momentum.isLargest(5), { resample: 'M' });",
].join('\n');

/** Refers to a field the test market does not have. */
export const BAD_CODE = [
  "const close = data.get('price:close');",
  "const volume = data.get('price:成交量');",
  'return close.isLargest(5);',
].join('\n');

export const js = (code: string): string => `Here is the strategy.\n\n\`\`\`js\n${code}\n\`\`\`\n`;

export function promptInput(overrides: Partial<StrategyPromptInput> = {}): StrategyPromptInput {
  const recent: IterationRecord[] = [
    sampleRecord({ iteration: 4, source: 'llm' }),
    sampleFailureRecord({ iteration: 5 }),
    sampleRecord({ iteration: 6, metrics: metricsFrom({ sharpe: 0.84, totalReturn: 0.2, maxDrawdown: -0.25 }) }),
  ];
  return {
    runId: 'llm-test-run',
    iteration: 7,
    feedback: FEEDBACK,
    champion: sampleChampion(),
    recent,
    market: TEST_MARKET,
    ...overrides,
  };
}

export const MODEL_OF: Readonly<Record<Wire, string>> = {
  openai: 'openai:gpt-4o-mini',
  anthropic: 'anthropic:claude-sonnet-4-5',
  google: 'google:gemini-2.5-flash',
};

export const BASE_PATH: Readonly<Record<Wire, string>> = { openai: '/v1', anthropic: '/v1', google: '/v1beta' };

export interface Harness {
  readonly llm: LlmAdapter;
  readonly sleeps: number[];
  readonly logger: MemoryLogger;
  readonly clock: ManualClock;
}

/**
 * The composed adapter with the real SDK client of `wire` pointed at the local server and the real strategy
 * compiler, with a recording sleep and a manual clock.
 */
export function harness(
  server: FakeLlmServer,
  wire: Wire,
  config: Partial<LlmConfigInput> = {},
  deps: Partial<CreateLlmDeps> = {},
): Harness {
  const sleeps: number[] = [];
  const logger = new MemoryLogger();
  const clock = new ManualClock();
  const llm = createLlm(
    { model: MODEL_OF[wire], baseUrl: `${server.origin}${BASE_PATH[wire]}`, cache: { enabled: false }, ...config },
    {
      env: TEST_ENV,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      clock,
      logger,
      ...deps,
    },
  )._unsafeUnwrap();
  return { llm, sleeps, logger, clock };
}

/** Every string inside a JSON value, joined: what a request really carried, whatever the wire format. */
export function textOf(body: unknown): string {
  if (typeof body === 'string') return body;
  if (Array.isArray(body)) return body.map(textOf).join('\n');
  if (typeof body === 'object' && body !== null) return Object.values(body).map(textOf).join('\n');
  return '';
}

