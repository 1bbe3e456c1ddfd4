// Executor overhead per iteration with instant fake ports: what the loop itself costs.
// Run: cd tools/bench && node --conditions=@alphaloop/source --import tsx iteration-overhead.ts [iterations]
import 'reflect-metadata';
import { Container } from 'inversify';
import { TOKENS } from '@alphaloop/ports';
import { okAsync, type ResultAsync } from 'neverthrow';
import { metricsFrom, type ArchiveElite, type Champion, type IterationRecord } from '@alphaloop/domain';
import type { BacktestOutcome, ChampionChange, LoggerPort, StorageError } from '@alphaloop/ports';
import { ManualClock, StaticMarketData, TestRandom } from '@alphaloop/ports/test-doubles';
import { bindExecutor, EXECUTOR_TOKENS, executorConfig, type IterationExecutor } from '@alphaloop/executor';

const iterations = Number(process.argv[2] ?? 10_000);
// Instant ports that keep nothing beyond what real storage would return, so that RSS growth is the
// executor's own (the test doubles record every call, which is what tests want and benches do not).
class BoundedHistory {
  private records: IterationRecord[] = [];
  private champion: Champion | null = null;
  private next = 0;
  allocateIteration = (): ResultAsync<number, StorageError> => okAsync(this.next++);
  append = (record: IterationRecord, change?: ChampionChange): ResultAsync<void, never> => {
    if (change) this.champion = change.next;
    this.records.push(record);
    if (this.records.length > 100) this.records = this.records.slice(-50);
    return okAsync(undefined);
  };
  recent = (_runId: string, n: number) => okAsync(this.records.slice(-n));
  page = () => okAsync([] as IterationRecord[]);
  count = () => okAsync(this.next);
  get = () => okAsync(this.champion);
  compareAndSet = () => okAsync(undefined);
  /** ArchiveRepository: the scripted metrics have no turnover, so no strategy gets a cell and the archive stays empty. */
  load = () => okAsync([] as ArchiveElite[]);
}
const noop = (): void => undefined;
const logger: LoggerPort = { debug: noop, info: noop, warn: noop, error: noop };
let call = 0;
let made = 0;
const store = new BoundedHistory();
const container = new Container({ defaultScope: 'Singleton' });
const usage = { model: 'bench:instant', tokensIn: 100, tokensOut: 50, costUsd: 0, cached: false, attempts: 1, latencyMs: 0 };
container.bind(TOKENS.Llm).toConstantValue({
  configured: true,
  model: 'bench:instant',
  proposeStrategy: () => okAsync({ code: `return data.get('price:close').isLargest(${(call % 20) + 1});`, usage }),
});
container.bind(TOKENS.StrategyGenerator).toConstantValue({
  generate: () => {
    made += 1;
    return okAsync({ code: `// fg ${made}`, strategyId: made.toString(16).padStart(16, '0'), parentId: null, operator: 'perturb', generation: 1 });
  },
});
// Sharpe varies so that the champion policy, feedback and trend code all do real work.
container.bind(TOKENS.Backtest).toConstantValue({
  run: ({ code }: { code: string }): ResultAsync<BacktestOutcome, never> =>
    okAsync({
      strategyId: (code.length * 2654435761 >>> 0).toString(16).padStart(16, '0'),
      canonicalCode: code,
      metrics: metricsFrom({ sharpe: 0.4 + ((call += 1) % 17) / 10, totalReturn: 0.3, maxDrawdown: -0.2, calmar: 0.5 }),
      folds: [1, 2, 3, 4].map((i) => ({ start: `201${i}-01-02`, end: `201${i}-12-31`, sharpe: 0.4 + (call % 17) / 10 })),
      profile: { observations: 2500, sharpe: 0.05, skewness: 0, kurtosis: 3 },
      monthlyReturns: [],
      holdoutMetrics: null,
      dailyReturns: null,
      traits: { family: 'momentum' as const, averageHoldings: 10 },
      costs: { feeRatio: 0.001425, taxRatio: 0.003, setBy: 'run' as const },
    }),
});
container.bind(TOKENS.HistoryRepository).toConstantValue(store);
container.bind(TOKENS.ChampionRepository).toConstantValue(store);
container.bind(TOKENS.ArchiveRepository).toConstantValue(store);
container.bind(TOKENS.MarketData).toConstantValue(new StaticMarketData());
container.bind(TOKENS.Clock).toConstantValue(new ManualClock());
container.bind(TOKENS.Random).toConstantValue(new TestRandom(7));
container.bind(TOKENS.Logger).toConstantValue(logger);
bindExecutor(container, executorConfig({ runId: 'bench', source: { innovationRate: 50, maxConsecutiveLlmFailures: 3 } }));
const executor = container.get<IterationExecutor>(EXECUTOR_TOKENS.IterationExecutor);

const warmup = 2000; // lets V8 size its young generation first: growth after that is what a long run sees
for (let i = 0; i < warmup; i += 1) await executor.execute(i);
global.gc?.();
const rssBefore = process.memoryUsage().rss;
const heapBefore = process.memoryUsage().heapUsed;
const durations = new Float64Array(iterations);
for (let i = 0; i < iterations; i += 1) {
  const start = performance.now();
  await executor.execute(warmup + i);
  durations[i] = performance.now() - start;
}
global.gc?.();
const rssAfter = process.memoryUsage().rss;
const heapAfter = process.memoryUsage().heapUsed;
durations.sort();
const at = (q: number) => durations[Math.min(iterations - 1, Math.floor(q * iterations))] ?? Number.NaN;
console.log(`iterations: ${iterations} (after ${warmup} warm-up)`);
console.log(`overhead per iteration: p50 ${at(0.5).toFixed(3)} ms, p99 ${at(0.99).toFixed(3)} ms, max ${at(1).toFixed(3)} ms`);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
console.log(`RSS growth: ${mb(rssAfter - rssBefore)} MB (heap used: ${mb(heapBefore)} → ${mb(heapAfter)} MB)`);
