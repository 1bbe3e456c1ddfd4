import type { Container } from 'inversify';
import { errAsync, ok, okAsync, ResultAsync, type Result } from 'neverthrow';
import { EXECUTOR_TOKENS, type LearningLoop } from '@alphaloop/executor';
import type { BacktestPort, LoggerPort } from '@alphaloop/ports';
import { openLogFile, PinoLogger, SeededRandom, SystemClock } from '@alphaloop/adapter-runtime';
import { openStorage, type Storage } from '@alphaloop/adapter-storage-kysely';
import { generateSyntheticMarket, loadMarketData, type MarketData } from '@alphaloop/adapter-market-data';
import { InProcessBacktest, WorkerBacktest } from '@alphaloop/adapter-backtest-finlab';
import { FactorGraphStrategyGenerator } from '@alphaloop/adapter-factor-graph';
import { checkLlmConfig, createLlm, type LlmAdapter } from '@alphaloop/adapter-llm';
import { createContainer } from './container.js';
import type { Settings } from './settings.js';
import { protocolFor, sameExperiment } from './protocol.js';
import type { RunProtocol } from '@alphaloop/domain';

/** A start-up failure: one clear line for the user, and the exit code. */
export interface StartupError {
  readonly kind: 'startup_failed';
  readonly message: string;
  /** The exit code: 1 when something failed, 2 when the request itself is wrong (e.g. another protocol). */
  readonly exitCode: 1 | 2;
}

const startupError = (message: string, exitCode: 1 | 2 = 1): StartupError => ({ kind: 'startup_failed', message, exitCode });

/**
 * The run's logger on `log.file`. An unwritable destination (a full device, a directory, a folder that cannot be
 * created) is a start-up error naming the path and the setting; a write that fails later stops logging with one
 * line on `warn` and never blocks or crashes the run.
 */
export function createLogger(
  settings: Settings,
  warn: (line: string) => void = () => undefined,
): Result<{ logger: PinoLogger; close: () => void }, StartupError> {
  if (settings.log.level === 'silent') return ok({ logger: new PinoLogger('silent'), close: () => undefined });
  return openLogFile(settings.log.file, (e) => warn(`alphaloop: logging stopped: cannot write the log file ${e.path}: ${e.reason}`))
    .map((file) => ({ logger: new PinoLogger(settings.log.level, file), close: () => file.close() }))
    .mapErr((e) =>
      startupError(`cannot write the log file ${e.path}: ${e.reason}; set log.file in the config file to a writable file (or log.level to 'silent')`, 2),
    );
}

export function openDatabase(settings: Settings, logger?: LoggerPort): ResultAsync<Storage, StartupError> {
  const onReconnect = (waitedMs: number, cause: unknown): void =>
    logger?.warn('lost the connection to PostgreSQL; trying again on a new one', { waitedMs: Math.round(waitedMs), cause: String(cause) });
  const config = settings.databaseUrl
    ? ({ kind: 'postgres', connectionString: settings.databaseUrl, onReconnect } as const)
    : ({ kind: 'pglite', dataDir: settings.db } as const);
  return openStorage(config).mapErr((e) => startupError(e.message));
}

export function openMarket(settings: Settings): ResultAsync<MarketData, StartupError> {
  // one line (a library's reason may span several); a data error is about the request (--data, synthetic.*): exit 2
  const dataError = (message: string): StartupError => startupError(message.replace(/\s*[\r\n]+\s*/g, ' '), 2);
  if (settings.data === 'synthetic') {
    const effects = settings.synthetic.effects;
    const market = generateSyntheticMarket({
      seed: settings.seed,
      symbols: settings.synthetic.symbols,
      start: settings.synthetic.startDate,
      end: settings.synthetic.endDate,
      ...(effects === 'default' ? {} : { effects: effects === 'none' ? NO_EFFECTS : definedEffects(effects) }),
    });
    if (market.isOk()) return okAsync(market.value);
    // the generator's parameter errors already say 'synthetic market: ' (the prefix once)
    const message = market.error.message;
    return errAsync(dataError(message.startsWith('synthetic market: ') ? message : `synthetic market: ${message}`));
  }
  // every loader error names the file or directory given with --data (unreadable, malformed)
  return loadMarketData(settings.data).mapErr((e) => dataError(e.message));
}

/** What was done about odd but usable data (one line per warning, per file), for every command that loads a market. */
export const marketWarningLines = (market: MarketData): string[] => market.warnings.map((w) => `alphaloop: warning: ${w.message}\n`);

/** The effect strengths a config names (absent ones keep their defaults). */
function definedEffects(effects: Readonly<Record<string, number | undefined>>): Record<string, number> {
  return Object.fromEntries(Object.entries(effects).filter((e): e is [string, number] => e[1] !== undefined));
}

/** Every planted effect switched off: a market with nothing to find. */
const NO_EFFECTS = { momentum: 0, reversal: 0, revenueGrowth: 0, lowVolatility: 0 } as const;

export type BacktestAdapter = BacktestPort & { close?: () => Promise<void> };

/**
 * A backtest under the run's protocol: its holdout, folds and costs. `costs: 'strategy'` (the `backtest` command)
 * honours a hand-written strategy's own fee and tax; the loop always charges the protocol's.
 */
export function createBacktest(
  settings: Settings,
  market: MarketData,
  protocol: RunProtocol,
  mode: 'worker' | 'in-process',
  costs: 'run' | 'strategy' = 'run',
): ResultAsync<BacktestAdapter, StartupError> {
  const init = {
    market,
    context: market.compileContext(),
    options: {
      timeoutMs: settings.backtest.timeoutMs,
      memoryLimitMb: settings.backtest.memoryLimitMb,
      ...(protocol.holdoutStart === null ? {} : { holdoutStart: protocol.holdoutStart }),
      folds: protocol.folds,
      feeRatio: protocol.feeRatio,
      taxRatio: protocol.taxRatio,
      riskFreeRate: protocol.riskFreeRate,
      costs,
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
  readonly protocol: RunProtocol;
  /** The run's own backtest adapter (for yardsticks such as the oracle; the loop uses it too). */
  readonly backtest: BacktestAdapter;
  /** The run existed before this start but had no stored protocol (it began before protocols were kept). */
  readonly adoptedProtocol: boolean;
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
  // a wrong llm section (missing key or base URL) is the request's fault: said before anything is opened
  const llmChecked = checkLlmConfig(settings.llm);
  if (llmChecked.isErr()) return errAsync(startupError(llmChecked.error.message, 2));
  return openDatabase(settings, logger).andThen((storage) => {
    const closeStorage = () => storage.close();
    return openMarket(settings)
      .andThen((market) =>
        storage.history.count(settings.run).mapErr((e) => startupError(e.message)).andThen((existing) =>
          runProtocol(settings, market, storage).andThen(({ protocol, adopted }) =>
          storage.llmCalls.spend(settings.run).mapErr((e) => startupError(e.message)).andThen((spent) => {
            const llm = createLlm(settings.llm, { logger, spent: { costUsd: spent.costUsd, tokensIn: spent.tokensIn, tokensOut: spent.tokensOut } });
            if (llm.isErr()) return errAsync(startupError(llm.error.message));
            return createBacktest(settings, market, protocol, 'worker').map((backtest) => {
              // Reproducible by seed: a resumed run continues from a state derived from the seed and its length.
              const random = new SeededRandom((settings.seed * 1_000_003 + existing) >>> 0);
              const container = createContainer({
                runId: settings.run,
                innovationRate: settings.innovationRate,
                champion: settings.champion,
                holdout: protocol.holdoutStart !== null,
                search: settings.search,
                adapters: {
                  llm: llm.value,
                  generator: new FactorGraphStrategyGenerator(random, market.compileContext(), { operators: settings.search === 'champion' ? 'classic' : 'all' }),
                  backtest,
                  history: storage.history,
                  champions: storage.champions,
                  archive: storage.archive,
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
                protocol,
                backtest,
                adoptedProtocol: adopted && existing > 0,
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
        ),
      )
      .orElse((error) => ResultAsync.fromSafePromise(closeStorage()).andThen(() => errAsync(error)));
  });
}

/**
 * The protocol of the run: the one it was started with, or this start's for a new run (stored before the first
 * iteration). A start that asks for another protocol is refused with every difference named.
 */
export function runProtocol(settings: Settings, market: MarketData, storage: Storage): ResultAsync<{ protocol: RunProtocol; adopted: boolean }, StartupError> {
  const requested = protocolFor(settings, market);
  if (requested.isErr()) return errAsync(startupError(requested.error.message, 2));
  return storage.protocols
    .get(settings.run)
    .mapErr((e) => startupError(e.message))
    .andThen((stored) =>
      stored !== null
        ? okAsync({ stored, adopted: false })
        : storage.protocols.setIfAbsent(settings.run, requested.value).mapErr((e) => startupError(e.message)).map((s) => ({ stored: s, adopted: true })),
    )
    .andThen(({ stored, adopted }) => {
      const same = sameExperiment(settings.run, stored, requested.value);
      return same.isOk() ? okAsync({ protocol: same.value, adopted }) : errAsync(startupError(same.error.message, 2));
    });
}
