import type { MarketFrames } from '@alphaloop/engine';
import type { BacktestOutcome } from '@alphaloop/ports';
import type { CompileContext, CompiledStrategy } from '@alphaloop/strategy';
import { err, ok, type Result } from 'neverthrow';
import { prepareMarket, type PreparedMarket } from './market.js';
import { resolveBacktestOptions, type BacktestConfigError, type BacktestOptions, type ResolvedBacktestOptions } from './options.js';
import type { BacktestMetrics } from './pipeline.js';

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
    prepareMarket(init.market, init.context).map((market) => ({ market, context: init.context, options })),
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

export function outcomeOf(compiled: CompiledStrategy, metrics: BacktestMetrics): BacktestOutcome {
  return {
    strategyId: compiled.strategyId,
    canonicalCode: compiled.canonicalSource,
    metrics: metrics.metrics,
    holdoutMetrics: metrics.holdoutMetrics,
  };
}
