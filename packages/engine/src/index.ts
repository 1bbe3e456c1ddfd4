export { engineError, type EngineError, type EngineErrorKind } from './errors.js';
export { civilFromDays, daysFromCivil, epochDayOf, isoDate, monthEnd, quarterEnd, weekday, type CivilDate } from './calendar.js';
export {
  alignFrames,
  asOfRows,
  colCount,
  columnMap,
  frameColumn,
  frameFromRows,
  frameRow,
  reindexFfill,
  rowCount,
  sameDates,
  sameGrid,
  sameSymbols,
  validateFrame,
  type Alignment,
  type Dates,
  type Frame,
} from './frame.js';
export {
  BINARY_OPS,
  binaryFrame,
  binaryKernel,
  clipKernel,
  fillnaKernel,
  unaryKernel,
  whereKernel,
  type BinaryOp,
  type Operand,
  type UnaryOp,
} from './kernels/elementwise.js';
export { rollingExtremeKernel, rollingStdKernel, rollingSumKernel, sustainKernel } from './kernels/rolling.js';
export { diffKernel, emaKernel, entryExitKernel, pctChangeKernel, riseFallKernel, rsiKernel, shiftKernel } from './kernels/timeseries.js';
export { quantileRowKernel, rankKernel, selectKernel, zscoreKernel } from './kernels/cross-section.js';
export { holdUntilKernel } from './kernels/hold-until.js';
export { PLAIN_MEMORY, WasmArena, type KernelMemory, type WasmKernels } from './wasm/arena.js';
export { evaluateGraph, evaluateGraphWithReport, type EvaluateOptions, type EvaluationReport, type MarketFrames } from './evaluate/evaluate.js';
export { evaluateGraphReference } from './evaluate/reference.js';
export { BufferPool } from './evaluate/pool.js';
export { planEvaluation, type EvaluationPlan, type PlanShape } from './evaluate/plan.js';
export { backtestGraph, simStatistics, type Backtest, type BacktestOptions } from './evaluate/backtest.js';
export { sim, type PriceFrames, type SimResult } from './sim/sim.js';
export { buildSchedule, positionRowsRead, resampleTimestamps, runEndIndex, upperBound, type Rebalance } from './sim/schedule.js';
export { EXIT_REASONS, ExitCode, tradeRecords, type ExitReason, type TradeRecord, type TradesTable } from './sim/trades.js';
export {
  computeStatistics,
  monthlyReturnTable,
  type MonthlyReturnRow,
  type PeriodStatistics,
  type Statistics,
  type StatisticsOptions,
} from './stats/statistics.js';
export { toStrategyMetrics } from './stats/metrics.js';
