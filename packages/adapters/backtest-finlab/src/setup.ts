import type { MarketFrames } from '@alphaloop/engine';
import type { BacktestError, BacktestOutcome, BacktestRequest } from '@alphaloop/ports';
import { strategyFamily, type CompileContext, type CompiledStrategy } from '@alphaloop/strategy';
import { err, ok, type Result } from 'neverthrow';
import { prepareMarket, type PreparedMarket } from './market.js';
import { resolveBacktestOptions, type BacktestConfigError, type BacktestOptions, type ResolvedBacktestOptions } from './options.js';
import type { BacktestAsk, BacktestMetrics, RunSettings } from './pipeline.js';

/** What a backtest adapter is built from. */
export interface BacktestInit {
  /**
   * The market: fields by key (`fields.get(key)`, and `fields.keys()` to list them) and the adjusted price
   * frames `sim` trades on. The market-data adapter's `MarketData` is one.
   */
  readonly market: MarketFrames;
  /** What the strategy compiler checks against: the fields (keys and aliases) and the number of dates. */
  readonly context: CompileContext;
  readonly options?: BacktestOptions;
}

export interface Setup {
  readonly market: PreparedMarket;
  readonly context: CompileContext;
  readonly options: ResolvedBacktestOptions;
}

export function setupOf(init: BacktestInit): Result<Setup, BacktestConfigError> {
  return resolveBacktestOptions(init.options).andThen((options) =>
    prepareMarket(init.market, init.context).map((market) => ({
      market,
      // under the run's costs a strategy that writes its own does not compile (with its line and column)
      context: { ...init.context, runSetsCosts: options.costs === 'run' },
      options,
    })),
  );
}

/** Thrown by the constructors on a configuration mistake; `create` returns it as a value instead. */
export class BacktestConfigException extends Error {
  constructor(readonly error: BacktestConfigError) {
    super(error.message);
    this.name = 'BacktestConfigException';
  }
}

export function setupOrThrow(init: BacktestInit): Setup {
  const setup = setupOf(init);
  if (setup.isErr()) throw new BacktestConfigException(setup.error);
  return setup.value;
}

/** Runs a constructor that may throw `BacktestConfigException` and returns its outcome as a Result. */
export function construct<T>(build: () => T): Result<T, BacktestConfigError> {
  try {
    return ok(build());
  } catch (e) {
    if (e instanceof BacktestConfigException) return err(e.error);
    throw e;
  }
}

export function outcomeOf(compiled: CompiledStrategy, measured: BacktestMetrics): BacktestOutcome {
  return {
    strategyId: compiled.strategyId,
    canonicalCode: compiled.canonicalSource,
    metrics: measured.metrics,
    folds: measured.folds,
    profile: measured.profile,
    monthlyReturns: measured.monthlyReturns,
    holdoutMetrics: measured.holdoutMetrics,
    dailyReturns: measured.dailyReturns,
    // the family is read off the compiled graph here, in the calling thread: the worker gets and returns plain data
    traits: { family: strategyFamily(compiled), averageHoldings: measured.averageHoldings },
    costs: measured.costs,
  };
}

/** The run settings a backtest needs from the resolved options. */
export function runSettingsOf(options: ResolvedBacktestOptions): RunSettings {
  const { riskFreeRate, holdoutStart, folds, feeRatio, taxRatio, costs } = options;
  return { riskFreeRate, holdoutStart, folds, feeRatio, taxRatio, costs };
}

/** `backtest_duplicate` when the request names the compiled strategy among those already measured. */
export function refuseMeasured(compiled: CompiledStrategy, request: BacktestRequest): Result<CompiledStrategy, BacktestError> {
  if (request.measured?.has(compiled.strategyId) !== true) return ok(compiled);
  return err({
    kind: 'backtest_duplicate',
    strategyId: compiled.strategyId,
    message: `strategy ${compiled.strategyId} was already measured in this run and is not measured again: write a different strategy`,
  });
}

export const askOf = (request: BacktestRequest): BacktestAsk => ({ holdout: request.holdout === true, dailyReturns: request.dailyReturns === true });
