import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino } from 'pino';
import type { Container } from 'inversify';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { EXECUTOR_TOKENS, type LearningLoop } from '@alphaloop/executor';
import type { BacktestPort, LoggerPort } from '@alphaloop/ports';
import { PinoLogger, SeededRandom, SystemClock } from '@alphaloop/adapter-runtime';
import { openStorage, type Storage } from '@alphaloop/adapter-storage-kysely';
import { generateSyntheticMarket, loadMarketData, type MarketData } from '@alphaloop/adapter-market-data';
import { InProcessBacktest, WorkerBacktest } from '@alphaloop/adapter-backtest-finlab';
import { FactorGraphStrategyGenerator } from '@alphaloop/adapter-factor-graph';
import { createLlm, type LlmAdapter } from '@alphaloop/adapter-llm';
import { createContainer } from './container.js';
import type { Settings } from './settings.js';

/** A start-up failure: one clear line for the user, and the exit code. */
export interface StartupError {
  readonly kind: 'startup_failed';
  readonly message: string;
}

const startupError = (message: string): StartupError => ({ kind: 'startup_failed', message });

export function createLogger(settings: Settings): { logger: PinoLogger; flush: () => void } {
  if (settings.log.level === 'silent') return { logger: new PinoLogger('silent'), flush: () => undefined };
  mkdirSync(dirname(settings.log.file), { recursive: true });
  // Synchronous writes: a few lines per iteration, and nothing is lost when the process is killed.
  const destination = pino.destination({ dest: settings.log.file, sync: true, mkdir: true });
  return { logger: new PinoLogger(settings.log.level, destination), flush: () => destination.flushSync() };
}

export function openDatabase(settings: Settings): ResultAsync<Storage, StartupError> {
  const config = settings.databaseUrl
    ? ({ kind: 'postgres', connectionString: settings.databaseUrl } as const)
    : ({ kind: 'pglite', dataDir: settings.db } as const);
  return openStorage(config).mapErr((e) => startupError(e.message));
}

export function openMarket(settings: Settings): ResultAsync<MarketData, StartupError> {
  if (settings.data === 'synthetic') {
    const market = generateSyntheticMarket({
      seed: settings.seed,
      symbols: settings.synthetic.symbols,
      start: settings.synthetic.startDate,
      end: settings.synthetic.endDate,
    });
    return market.isOk() ? okAsync(market.value) : errAsync(startupError(`synthetic market: ${market.error.message}`));
  }
  return loadMarketData(settings.data).mapErr((e) => startupError(e.message));
}

export function createBacktest(settings: Settings, market: MarketData, mode: 'worker' | 'in-process'): ResultAsync<BacktestPort & { close?: () => Promise<void> }, StartupError> {
  const init = {
    market,
    context: market.compileContext(),
    options: {
      timeoutMs: settings.backtest.timeoutMs,
      memoryLimitMb: settings.backtest.memoryLimitMb,
      ...(settings.backtest.holdoutStart === undefined ? {} : { holdoutStart: settings.backtest.holdoutStart }),
    },
  };
  try {
    return okAsync(mode === 'worker' ? new WorkerBacktest(init) : new InProcessBacktest(init));
  } catch (error) {
    return errAsync(startupError(`backtest: ${(error as Error).message}`));
  }
}

export interface App {
  readonly settings: Settings;
  readonly storage: Storage;
  readonly market: MarketData;
  readonly llm: LlmAdapter;
  readonly container: Container;
  readonly loop: LearningLoop;
  readonly logger: LoggerPort;
  close(): Promise<void>;
}

/**
 * Opens everything a run needs — database, market data, backtest workers, LLM — and wires it into the
 * container. Whatever was opened is closed again if a later step fails.
 */
export function openApp(settings: Settings, logger: LoggerPort): ResultAsync<App, StartupError> {
  return openDatabase(settings).andThen((storage) => {
    const closeStorage = () => storage.close();
    return openMarket(settings)
      .andThen((market) =>
        storage.history.count(settings.run).mapErr((e) => startupError(e.message)).andThen((existing) =>
          storage.llmCalls.spend(settings.run).mapErr((e) => startupError(e.message)).andThen((spent) => {
            const llm = createLlm(settings.llm, { logger, spent: { costUsd: spent.costUsd, tokensIn: spent.tokensIn, tokensOut: spent.tokensOut } });
            if (llm.isErr()) return errAsync(startupError(llm.error.message));
            return createBacktest(settings, market, 'worker').map((backtest) => {
              // Reproducible by seed: a resumed run continues from a state derived from the seed and its length.
              const random = new SeededRandom((settings.seed * 1_000_003 + existing) >>> 0);
              const container = createContainer({
                runId: settings.run,
                innovationRate: settings.innovationRate,
                champion: settings.champion,
                adapters: {
                  llm: llm.value,
                  generator: new FactorGraphStrategyGenerator(random, market.compileContext()),
                  backtest,
                  history: storage.history,
                  champions: storage.champions,
                  marketData: market,
                  clock: new SystemClock(),
                  random,
                  logger,
                },
              });
              const app: App = {
                settings,
                storage,
                market,
                llm: llm.value,
                container,
                loop: container.get<LearningLoop>(EXECUTOR_TOKENS.LearningLoop),
                logger,
                close: async () => {
                  await backtest.close?.();
                  await storage.close();
                },
              };
              return app;
            });
          }),
        ),
      )
      .orElse((error) => ResultAsync.fromSafePromise(closeStorage()).andThen(() => errAsync(error)));
  });
}
