import type { Container } from 'inversify';
import { TOKENS } from '@alphaloop/ports';
import { EXECUTOR_TOKENS, type ExecutorConfig } from './executor-config.js';
import { HistoryCache } from './history-cache.js';
import { InterruptedIterations } from './interrupted-iterations.js';
import { IterationExecutor } from './iteration-executor.js';
import { LearningLoop } from './learning-loop.js';
import { MeasuredStrategies } from './measured-strategies.js';
import { RunArchive } from './run-archive.js';

/** Every port the executor needs; `assertPortsBound` names the missing ones. */
export const REQUIRED_PORTS = [
  'Llm',
  'StrategyGenerator',
  'Backtest',
  'HistoryRepository',
  'ChampionRepository',
  'ArchiveRepository',
  'MarketData',
  'Clock',
  'Random',
  'Logger',
] as const satisfies readonly (keyof typeof TOKENS)[];

export class MissingBindingError extends Error {
  constructor(readonly missing: readonly string[]) {
    super(`alphaloop cannot start: no binding for ${missing.map((name) => `TOKENS.${name}`).join(', ')}. Bind an adapter for each port in createContainer().`);
    this.name = 'MissingBindingError';
  }
}

/** Binds the executor's own classes. Throws at start-up (not mid-run) when a port has no adapter. */
export function bindExecutor(container: Container, config: ExecutorConfig): void {
  const missing = REQUIRED_PORTS.filter((name) => !container.isBound(TOKENS[name]));
  if (missing.length > 0) throw new MissingBindingError(missing);
  container.bind(EXECUTOR_TOKENS.Config).toConstantValue(config);
  container.bind(EXECUTOR_TOKENS.HistoryCache).to(HistoryCache).inSingletonScope();
  container.bind(EXECUTOR_TOKENS.MeasuredStrategies).to(MeasuredStrategies).inSingletonScope();
  container.bind(EXECUTOR_TOKENS.RunArchive).to(RunArchive).inSingletonScope();
  container.bind(EXECUTOR_TOKENS.InterruptedIterations).to(InterruptedIterations).inSingletonScope();
  container.bind(EXECUTOR_TOKENS.IterationExecutor).to(IterationExecutor).inSingletonScope();
  container.bind(EXECUTOR_TOKENS.LearningLoop).to(LearningLoop).inSingletonScope();
}
