export { WorkerBacktest, type WorkerBacktestInit, type WorkerBacktestStats } from './worker-backtest.js';
export { InProcessBacktest } from './in-process-backtest.js';
export { BacktestConfigException, type BacktestInit } from './setup.js';
export {
  DEFAULT_BACKTEST_OPTIONS,
  parseHoldoutStart,
  resolveBacktestOptions,
  type BacktestConfigError,
  type BacktestOptions,
  type ResolvedBacktestOptions,
} from './options.js';
export { estimateBacktestBytes } from './memory.js';
export { fromEngineError } from './errors.js';
export type { BacktestMetrics } from './pipeline.js';
