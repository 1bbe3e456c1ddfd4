import 'reflect-metadata';
import { Container } from 'inversify';
import type { ChampionPolicy } from '@alphaloop/domain';
import { bindExecutor, executorConfig, type ExecutorConfig } from '@alphaloop/executor';
import {
  TOKENS,
  type ArchiveRepository,
  type BacktestPort,
  type ChampionRepository,
  type ClockPort,
  type HistoryRepository,
  type LlmPort,
  type LoggerPort,
  type MarketDataPort,
  type RandomPort,
  type StrategyGeneratorPort,
} from '@alphaloop/ports';

/** The concrete adapters, opened by `openApp`; the container only wires them. */
export interface Adapters {
  readonly llm: LlmPort;
  readonly generator: StrategyGeneratorPort;
  readonly backtest: BacktestPort;
  readonly history: HistoryRepository;
  readonly champions: ChampionRepository;
  readonly archive: ArchiveRepository;
  readonly marketData: MarketDataPort;
  readonly clock: ClockPort;
  readonly random: RandomPort;
  readonly logger: LoggerPort;
}

export interface ContainerConfig {
  readonly runId: string;
  readonly innovationRate: number;
  readonly champion: ChampionPolicy;
  /** The run has a locked holdout (a new champion is measured on it once). Default true. */
  readonly holdout?: boolean;
  /** Where the factor graph starts from (default `archive`; `champion` is the search before the archive). */
  readonly search?: 'archive' | 'champion';
  readonly adapters: Partial<Adapters>;
}

/**
 * The composition root: every port bound to its adapter, then the executor. A missing adapter fails
 * here, at start-up, with a message naming the port (never mid-run).
 */
export function createContainer(config: ContainerConfig): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  const bindings: Record<keyof Adapters, symbol> = {
    llm: TOKENS.Llm,
    generator: TOKENS.StrategyGenerator,
    backtest: TOKENS.Backtest,
    history: TOKENS.HistoryRepository,
    champions: TOKENS.ChampionRepository,
    archive: TOKENS.ArchiveRepository,
    marketData: TOKENS.MarketData,
    clock: TOKENS.Clock,
    random: TOKENS.Random,
    logger: TOKENS.Logger,
  };
  for (const [name, token] of Object.entries(bindings) as [keyof Adapters, symbol][]) {
    const adapter = config.adapters[name];
    if (adapter !== undefined) container.bind(token).toConstantValue(adapter);
  }
  const executor: ExecutorConfig = executorConfig({
    runId: config.runId,
    source: { innovationRate: config.innovationRate, maxConsecutiveLlmFailures: 3 },
    champion: config.champion,
    holdout: config.holdout ?? true,
    search: config.search ?? 'archive',
  });
  bindExecutor(container, executor);
  return container;
}
