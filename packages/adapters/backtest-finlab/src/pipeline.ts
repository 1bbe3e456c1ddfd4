import type { StrategyMetrics } from '@alphaloop/domain';
import { backtestGraph, toStrategyMetrics, type BufferPool, type MarketFrames } from '@alphaloop/engine';
import type { BacktestCosts, BacktestError } from '@alphaloop/ports';
import { compileStrategy, DEFAULT_SIM_OPTIONS, type CompileContext, type CompiledStrategy, type FactorGraph } from '@alphaloop/strategy';
import { inSampleEnd, inSampleEvidence, type InSampleEvidence } from './evidence.js';
import { err, ok, type Result } from 'neverthrow';
import { fromEngineError, fromException, invalidStrategy } from './errors.js';
import { averageHoldings } from './holdings.js';
import { checkMemoryBudget } from './memory.js';

/** In-sample metrics and evidence of one backtest, and the holdout when asked (plain data: what a worker sends back). */
export interface BacktestMetrics extends InSampleEvidence {
  readonly metrics: StrategyMetrics;
  readonly holdoutMetrics: StrategyMetrics | null;
  readonly costs: BacktestCosts;
  /** Mean names held on the in-sample days with a position (null: never held); the family is read off the code by the caller. */
  readonly averageHoldings: number | null;
}

/** The run's settings every backtest of the adapter shares. */
export interface RunSettings {
  readonly riskFreeRate: number;
  /** First holdout date (epoch day), or null for no split. */
  readonly holdoutStart: number | null;
  /** Contiguous in-sample folds the selection score is built from. */
  readonly folds: number;
  readonly feeRatio: number;
  readonly taxRatio: number;
  /** 'run': the run's costs, always (strategies that set their own do not compile); 'strategy': a strategy's own win. */
  readonly costs: 'run' | 'strategy';
}

/** What one backtest is asked for besides the in-sample figures. */
export interface BacktestAsk {
  readonly holdout: boolean;
  readonly dailyReturns: boolean;
}

/** The fee and tax a backtest charges: the run's, or under `costs: 'strategy'` those the strategy wrote itself. */
export function costsOf(graph: FactorGraph, settings: RunSettings): BacktestCosts {
  if (settings.costs === 'strategy') {
    const ownFee = graph.options.feeRatio !== DEFAULT_SIM_OPTIONS.feeRatio;
    const ownTax = graph.options.taxRatio !== DEFAULT_SIM_OPTIONS.taxRatio;
    if (ownFee || ownTax) {
      return {
        feeRatio: ownFee ? graph.options.feeRatio : settings.feeRatio,
        taxRatio: ownTax ? graph.options.taxRatio : settings.taxRatio,
        setBy: 'strategy',
      };
    }
  }
  return { feeRatio: settings.feeRatio, taxRatio: settings.taxRatio, setBy: 'run' };
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
 * Evaluates the graph on the market, simulates it with FinLab's rules (the graph's own `sim` options, with the
 * costs of `costsOf`) and reduces the in-sample statistics to the domain's metrics (NaN → null) and evidence.
 * The holdout's figures leave this function only when `ask.holdout` is set; holdings are counted in-sample only.
 * A strategy that never holds a position gives metrics with nulls, not an error. `pool` keeps whole-frame buffers
 * for the next backtest (one pool per thread; backtests on it run one at a time). Never throws.
 */
export function backtestMetrics(
  graph: FactorGraph,
  market: MarketFrames,
  settings: RunSettings,
  ask: BacktestAsk,
  pool?: BufferPool,
): Result<BacktestMetrics, BacktestError> {
  try {
    const costs = costsOf(graph, settings);
    const run = backtestGraph(graph, market, {
      ...(pool === undefined ? {} : { pool }),
      sim: { feeRatio: costs.feeRatio, taxRatio: costs.taxRatio },
      riskFreeRate: settings.riskFreeRate,
      ...(settings.holdoutStart === null ? {} : { splitDate: settings.holdoutStart }),
    });
    if (run.isErr()) return err(fromEngineError(run.error));
    const { inSample, holdout } = run.value.statistics;
    const { creturn, startIndex, calendar, trades } = run.value.result;
    return ok({
      metrics: toStrategyMetrics(inSample),
      holdoutMetrics: !ask.holdout || settings.holdoutStart === null || holdout === null ? null : toStrategyMetrics(holdout),
      costs,
      averageHoldings: averageHoldings(trades, startIndex + creturn.length - 1, inSampleEnd(calendar, settings.holdoutStart)),
      ...inSampleEvidence({ equity: creturn, startIndex, calendar }, {
        splitDate: settings.holdoutStart,
        folds: settings.folds,
        riskFreeRate: settings.riskFreeRate,
        dailyReturns: ask.dailyReturns,
      }),
    });
  } catch (e) {
    return err(fromException(e, 'backtest'));
  }
}
