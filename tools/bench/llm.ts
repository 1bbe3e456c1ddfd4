// LLM adapter overheads (no network): prompt build, cache key, cache hit through the composed port.
// Run: cd tools/bench && node --conditions=@alphaloop/source --import tsx llm.ts [iterations]
// Targets (issue 6): prompt build < 1 ms, cache hit < 0.1 ms.
import { metricsFrom, type IterationRecord } from '@alphaloop/domain';
import type { FieldDescription, MarketDataDescription, StrategyPromptInput } from '@alphaloop/ports';
import { sampleChampion, sampleFailureRecord, sampleRecord } from '@alphaloop/ports/contracts';
import {
  buildStrategyPrompt,
  cacheKey,
  createLlm,
  promptLength,
  type ChatClient,
} from '@alphaloop/adapter-llm';
import { okAsync } from 'neverthrow';

const iterations = Number(process.argv[2] ?? 20_000);

function fields(n: number): FieldDescription[] {
  const base: FieldDescription[] = [
    { key: 'price:close', aliases: ['price:收盤價'], description: 'adjusted closing price', frequency: 'daily' },
    { key: 'price:open', aliases: ['price:開盤價'], description: 'adjusted opening price', frequency: 'daily' },
    { key: 'price:high', aliases: ['price:最高價'], description: 'adjusted high', frequency: 'daily' },
    { key: 'price:low', aliases: ['price:最低價'], description: 'adjusted low', frequency: 'daily' },
    { key: 'price:volume', aliases: ['price:成交股數'], description: 'shares traded', frequency: 'daily' },
    { key: 'price:turnover', aliases: ['price:成交金額'], description: 'traded value (TWD)', frequency: 'daily' },
    { key: 'monthly_revenue:revenue', aliases: ['monthly_revenue:當月營收'], description: 'monthly revenue, dated by publication', frequency: 'monthly' },
    { key: 'fundamental:roe', aliases: ['fundamental_features:ROE稅後'], description: 'return on equity, quarterly', frequency: 'quarterly' },
  ];
  const extra = Array.from({ length: Math.max(0, n - base.length) }, (_, i): FieldDescription => ({
    key: `fundamental:extra_${i}`,
    aliases: [],
    description: `a quarterly fundamental (${i})`,
    frequency: 'quarterly',
  }));
  return [...base, ...extra].slice(0, n);
}

function market(fieldCount: number): MarketDataDescription {
  return {
    name: 'synthetic-tw',
    dataVersion: 'bench-1',
    fields: fields(fieldCount),
    startDate: '2018-01-01',
    endDate: '2024-12-31',
    dateCount: 1_700,
    symbolCount: 900,
  };
}

const feedback = `Iteration 41: Sharpe improved from 0.92 to 1.08 (improving). ${'The momentum plus volume filter worked; '.repeat(40)}`;
const champion = sampleChampion({
  code: [
    "const close = data.get('price:close');",
    "const volume = data.get('price:volume');",
    'const momentum = close / close.shift(20) - 1;',
    'const liquid = volume.average(20) > 1_000_000;',
    'const trend = close > close.average(60);',
    'const position = momentum.where(trend && liquid).isLargest(10);',
    "return sim(position, { resample: 'M', stopLoss: 0.08, trailStop: 0.1 });",
  ].join('\n'),
  metrics: metricsFrom({ sharpe: 1.08, totalReturn: 0.64, cagr: 0.11, maxDrawdown: -0.19, calmar: 0.58, winRate: 0.54, trades: 412 }),
});
const recent: IterationRecord[] = Array.from({ length: 5 }, (_, i) =>
  i % 2 === 0 ? sampleRecord({ iteration: 36 + i }) : sampleFailureRecord({ iteration: 36 + i }),
);

const typical: StrategyPromptInput = { runId: 'bench-run', iteration: 41, feedback, champion, recent, market: market(8) };
const worst: StrategyPromptInput = {
  ...typical,
  feedback: feedback.repeat(20),
  champion: sampleChampion({ code: champion.code.repeat(30) }),
  recent: Array.from({ length: 500 }, (_, i) => sampleFailureRecord({ iteration: i, error: { category: 'syntax', message: 'x'.repeat(2_000), step: 'generate' } })),
  market: market(400),
};

interface Timing {
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

function summarise(samples: number[]): Timing {
  samples.sort((a, b) => a - b);
  const at = (q: number): number => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
  const mean = samples.reduce((s, v) => s + v, 0) / samples.length;
  return { meanUs: mean * 1000, p50Us: at(0.5) * 1000, p99Us: at(0.99) * 1000 };
}

function timeSync(n: number, f: (i: number) => void): Timing {
  for (let i = 0; i < Math.min(1_000, n); i += 1) f(i); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const t0 = performance.now();
    f(i);
    samples.push(performance.now() - t0);
  }
  return summarise(samples);
}

async function timeAsync(n: number, f: (i: number) => Promise<void>): Promise<Timing> {
  for (let i = 0; i < Math.min(1_000, n); i += 1) await f(i);
  const samples: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const t0 = performance.now();
    await f(i);
    samples.push(performance.now() - t0);
  }
  return summarise(samples);
}

const fmt = (t: Timing): string => `mean ${t.meanUs.toFixed(1)} µs, p50 ${t.p50Us.toFixed(1)} µs, p99 ${t.p99Us.toFixed(1)} µs`;

// A fresh but equal input each time, as the executor builds one per iteration (defeats identity memos).
const fresh = (input: StrategyPromptInput): StrategyPromptInput => ({ ...input, recent: [...input.recent] });

const cold0 = performance.now();
const typicalPrompt = buildStrategyPrompt(typical);
const coldMs = performance.now() - cold0;
const worstPrompt = buildStrategyPrompt(worst);

const buildTypical = timeSync(iterations, () => void buildStrategyPrompt(fresh(typical)));
const buildWorst = timeSync(Math.ceil(iterations / 4), () => void buildStrategyPrompt(fresh(worst)));
const keyOnly = timeSync(iterations, () =>
  void cacheKey({
    model: 'openai:gpt-4o-mini',
    system: typicalPrompt.system,
    messages: [{ role: 'user', content: typicalPrompt.user }],
    temperature: 0.7,
    maxOutputTokens: 2000,
  }),
);

// The composed port (budget → cache → adapter) with an instant transport: a hit never reaches it.
let transportCalls = 0;
const client: ChatClient = {
  complete: () => {
    transportCalls += 1;
    return okAsync({ text: '```js\n' + champion.code + '\n```', tokensIn: 1500, tokensOut: 200, finishReason: 'stop' });
  },
};
const llm = createLlm({ model: 'openai:gpt-4o-mini', maxCostUsd: 1_000 }, { env: { OPENAI_API_KEY: 'sk-bench-0000000000000000' }, client })._unsafeUnwrap();
(await llm.proposeStrategy(typical))._unsafeUnwrap(); // fill the cache
const hitSameObject = await timeAsync(iterations, async () => {
  const r = await llm.proposeStrategy(typical);
  if (r.isErr() || !r.value.usage.cached) throw new Error('expected a cache hit');
});
const hitEqualInput = await timeAsync(iterations, async () => {
  const r = await llm.proposeStrategy(fresh(typical));
  if (r.isErr() || !r.value.usage.cached) throw new Error('expected a cache hit');
});
const missCall = await timeAsync(Math.ceil(iterations / 10), async (i) => {
  const r = await llm.proposeStrategy({ ...typical, iteration: 10_000 + i });
  if (r.isErr() || r.value.usage.cached) throw new Error('expected a miss');
});

console.log(`LLM adapter overheads — node ${process.version}, ${iterations} iterations`);
console.log(`prompt size: typical ${promptLength(typicalPrompt)} chars (system ${typicalPrompt.system.length}, user ${typicalPrompt.user.length}); worst ${promptLength(worstPrompt)} chars (bound 12000)`);
console.log(`prompt build, first call (guide generated): ${(coldMs * 1000).toFixed(1)} µs`);
console.log(`prompt build, typical input:               ${fmt(buildTypical)}`);
console.log(`prompt build, worst input (500 records, 400 fields, 30 KB feedback): ${fmt(buildWorst)}`);
console.log(`cache key (sha256 of the messages):        ${fmt(keyOnly)}`);
console.log(`cache hit, same input object (prompt memo):${fmt(hitSameObject)}`);
console.log(`cache hit, equal fresh input (prompt build + key + lookup): ${fmt(hitEqualInput)}`);
console.log(`cache miss with an instant transport (build, key, extract, compile, price): ${fmt(missCall)}`);
console.log(`stats: ${JSON.stringify(llm.cacheStats())}, transport calls ${transportCalls}`);
const ok = buildTypical.p50Us < 1_000 && hitEqualInput.p50Us < 100;
console.log(`targets (p50): prompt build < 1 ms ${buildTypical.p50Us < 1_000 ? 'met' : 'MISSED'}; cache hit < 0.1 ms ${hitEqualInput.p50Us < 100 ? 'met' : 'MISSED'}`);
process.exitCode = ok ? 0 : 1;
