import 'reflect-metadata';
import { Container } from 'inversify';
import { TOKENS, type BacktestPort, type LlmPort, type StrategyGeneratorPort } from '@alphaloop/ports';
import {
  InMemoryHistory,
  ManualClock,
  MemoryLogger,
  ScriptedBacktest,
  ScriptedGenerator,
  StaticMarketData,
  TestRandom,
} from '@alphaloop/ports/test-doubles';
import { bindExecutor, EXECUTOR_TOKENS, executorConfig, type ExecutorConfig } from '../src/index.js';
import type { IterationExecutor, LearningLoop } from '../src/index.js';

export interface Harness {
  readonly container: Container;
  readonly executor: IterationExecutor;
  readonly loop: LearningLoop;
  readonly store: InMemoryHistory;
  readonly logger: MemoryLogger;
  readonly clock: ManualClock;
}

export interface HarnessPorts {
  readonly llm: LlmPort;
  readonly backtest?: BacktestPort;
  readonly generator?: StrategyGeneratorPort;
  readonly store?: InMemoryHistory;
  readonly seed?: number;
  readonly config?: Partial<ExecutorConfig>;
}

/** A profitable strategy by default: Sharpe 1.2, return 0.5, drawdown −0.2. */
export const profitable = () => new ScriptedBacktest(() => ({ sharpe: 1.2, totalReturn: 0.5, maxDrawdown: -0.2, calmar: 0.4 }));

export function harness(ports: HarnessPorts): Harness {
  const container = new Container({ defaultScope: 'Singleton' });
  const store = ports.store ?? new InMemoryHistory();
  const logger = new MemoryLogger();
  const clock = new ManualClock();
  container.bind(TOKENS.Llm).toConstantValue(ports.llm);
  container.bind(TOKENS.StrategyGenerator).toConstantValue(ports.generator ?? new ScriptedGenerator());
  container.bind(TOKENS.Backtest).toConstantValue(ports.backtest ?? profitable());
  container.bind(TOKENS.HistoryRepository).toConstantValue(store);
  container.bind(TOKENS.ChampionRepository).toConstantValue(store);
  container.bind(TOKENS.ArchiveRepository).toConstantValue(store);
  container.bind(TOKENS.MarketData).toConstantValue(new StaticMarketData());
  container.bind(TOKENS.Clock).toConstantValue(clock);
  container.bind(TOKENS.Random).toConstantValue(new TestRandom(ports.seed ?? 1));
  container.bind(TOKENS.Logger).toConstantValue(logger);
  bindExecutor(container, executorConfig({ runId: 'test-run', ...ports.config }));
  return {
    container,
    executor: container.get(EXECUTOR_TOKENS.IterationExecutor),
    loop: container.get(EXECUTOR_TOKENS.LearningLoop),
    store,
    logger,
    clock,
  };
}
