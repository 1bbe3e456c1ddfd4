import type { StrategyMetrics } from '@alphaloop/domain';
import { backtestGraph, toStrategyMetrics, type BufferPool, type MarketFrames } from '@alphaloop/engine';
import type { BacktestError } from '@alphaloop/ports';
import { compileStrategy, type CompileContext, type CompiledStrategy, type FactorGraph } from '@alphaloop/strategy';
import { err, ok, type Result } from 'neverthrow';
import { fromEngineError, fromException, invalidStrategy } from './errors.js';
import { checkMemoryBudget } from './memory.js';

/** In-sample and holdout metrics of one backtest (plain data: this is what a worker sends back). */
export interface BacktestMetrics {
  readonly metrics: StrategyMetrics;
  readonly holdoutMetrics: StrategyMetrics | null;
}

export interface RunSettings {
  readonly riskFreeRate: number;
  /** First holdout date (epoch day), or null for no split. */
  readonly holdoutStart: number | null;
}

/**
 * Parses, validates and compiles strategy source (never executes it). Every compile error is reported, one
 * per line, as `line:column: what is wrong — what to write instead`.
 */
export function compileForBacktest(code: unknown, context: CompileContext): Result<CompiledStrategy, BacktestError> {
  if (typeof code !== 'string') return err({ kind: 'backtest_invalid_strategy', message: `1:1: the strategy must be source text, got ${typeof code} — send the code as a string` });
  try {
    return compileStrategy(code, context).mapErr(invalidStrategy);
  } catch (e) {
    return err(fromException(e, 'compileStrategy'));
  }
}

/** The memory guard for one compiled graph on a market of `rows` × `cols`. */
export function guardMemory(graph: FactorGraph, rows: number, cols: number, memoryLimitMb: number): Result<void, BacktestError> {
  return checkMemoryBudget(graph, rows, cols, memoryLimitMb);
}

/**
 * Evaluates the graph on the market, simulates it with FinLab's rules (the graph's own `sim` options) and
 * reduces the statistics to the domain's metrics (NaN → null). A strategy that never holds a position gives
 * metrics with nulls, not an error. `pool` keeps whole-frame buffers for the next backtest (one pool per
 * thread; backtests on it run one at a time). Never throws.
 */
export function backtestMetrics(
  graph: FactorGraph,
  market: MarketFrames,
  settings: RunSettings,
  pool?: BufferPool,
): Result<BacktestMetrics, BacktestError> {
  try {
    const run = backtestGraph(graph, market, {
      ...(pool === undefined ? {} : { pool }),
      riskFreeRate: settings.riskFreeRate,
      ...(settings.holdoutStart === null ? {} : { splitDate: settings.holdoutStart }),
    });
    if (run.isErr()) return err(fromEngineError(run.error));
    const { inSample, holdout } = run.value.statistics;
    return ok({
      metrics: toStrategyMetrics(inSample),
      holdoutMetrics: settings.holdoutStart === null || holdout === null ? null : toStrategyMetrics(holdout),
    });
  } catch (e) {
    return err(fromException(e, 'backtest'));
  }
}
