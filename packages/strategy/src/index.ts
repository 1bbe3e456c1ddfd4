export type { FactorGraph, GraphNode, NodeId, NodeType, ParamValue, Resample, SimOptions, TradeAt, ValueType } from './graph/types.js';
export {
  OPERATION_CATALOGUE,
  operationSpec,
  resultTypeOf,
  type ArgSpec,
  type OperationCategory,
  type OperationKind,
  type OperationSpec,
  type ParamBound,
  type ParamSpec,
} from './catalogue/operations.js';
export { DEFAULT_SIM_OPTIONS, RESAMPLE_VALUES, SIM_OPTION_SPECS, TRADE_AT_VALUES, type SimOptionSpec } from './catalogue/sim-options.js';
export type { CompileContext, FieldInfo } from './compile/context.js';
export { formatStrategyError, formatStrategyErrors, type StrategyError, type StrategyErrorKind, type StrategyWarning } from './errors.js';
export { LIMITS } from './limits.js';
export { printStrategy } from './print/print.js';
export { compileStrategy, strategyIdOf, type CompiledStrategy, type Lineage } from './strategy.js';
