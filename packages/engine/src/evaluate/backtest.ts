import type { FactorGraph, SimOptions } from '@alphaloop/strategy';
import { err, type Result } from 'neverthrow';
import { fromException, type EngineError } from '../errors.js';
import type { Frame } from '../frame.js';
import { positionRowsRead } from '../sim/schedule.js';
import { sim, type SimResult } from '../sim/sim.js';
import { computeStatistics, type Statistics } from '../stats/statistics.js';
import { evaluateGraph, type MarketFrames } from './evaluate.js';
import type { BufferPool } from './pool.js';

export interface BacktestOptions {
  /** Reuse whole-frame buffers across backtests (the position buffer is returned to it after `sim`). */
  readonly pool?: BufferPool;
  /** Overrides of the graph's sim options. */
  readonly sim?: Partial<SimOptions>;
  readonly riskFreeRate?: number;
  /** First holdout date (epoch day): statistics are reported for in-sample and holdout separately. */
  readonly splitDate?: number;
}

export interface Backtest {
  /**
   * The evaluated position (with a pool, its buffer has been handed back: read it before the next backtest).
   * With a resample, only the rows `sim` reads (its rebalance rows) are computed; the others are NaN.
   */
  readonly position: Frame;
  readonly result: SimResult;
  readonly statistics: Statistics;
}

/** Statistics of a simulation (trades, turnover and the curve), FinLab `report.get_stats()`. */
export function simStatistics(result: SimResult, options: { riskFreeRate?: number; splitDate?: number } = {}): Statistics {
  return computeStatistics(result.creturn, result.dates, {
    riskFreeRate: options.riskFreeRate ?? 0.02,
    ...(options.splitDate === undefined ? {} : { splitDate: options.splitDate }),
    trades: { table: result.trades, calendar: result.calendar },
    turnover: result.turnover,
  });
}

/** evaluateGraph → sim (with the graph's options) → statistics. Never throws. */
export function backtestGraph(graph: FactorGraph, market: MarketFrames, options: BacktestOptions = {}): Result<Backtest, EngineError> {
  try {
    const pool = options.pool;
    const simOptions = { ...graph.options, ...options.sim };
    // a resampled simulation reads only the rebalance rows of the position (on the close frame's dates)
    const calendar = market.prices.close.dates;
    const rows = positionRowsRead(calendar, calendar, simOptions.resample);
    return evaluateGraph(graph, market, { ...(pool === undefined ? {} : { pool }), ...(rows === null ? {} : { rows }) }).andThen((position) =>
      sim(position, market.prices, simOptions).map((result) => {
        if (pool !== undefined) pool.release(position.values);
        return {
          position,
          result,
          statistics: simStatistics(result, {
            ...(options.riskFreeRate === undefined ? {} : { riskFreeRate: options.riskFreeRate }),
            ...(options.splitDate === undefined ? {} : { splitDate: options.splitDate }),
          }),
        };
      }),
    );
  } catch (e) {
    return err(fromException(e, 'backtestGraph'));
  }
}
