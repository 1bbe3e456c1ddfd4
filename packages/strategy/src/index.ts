export type { FactorGraph, GraphNode, NodeId, NodeType, ParamValue, Resample, SimOptions, TradeAt, ValueType } from './graph/types.js';
export {
  OPERATION_CATALOGUE,
  isOpName,
  operationSpec,
  resultTypeOf,
  type ArgSpec,
  type OperationCategory,
  type OperationKind,
  type OpName,
  type OperationSpec,
  type ParamBound,
  type ParamSpec,
} from './catalogue/operations.js';
export { DEFAULT_SIM_OPTIONS, RESAMPLE_VALUES, SIM_OPTION_SPECS, TRADE_AT_VALUES, type SimOptionSpec } from './catalogue/sim-options.js';
export type { CompileContext, FieldInfo } from './compile/context.js';
export { RUN_COST_OPTIONS } from './compile/context.js';
export { formatStrategyError, formatStrategyErrors, type StrategyError, type StrategyErrorKind, type StrategyWarning } from './errors.js';
export { LIMITS } from './limits.js';
export { MAX_QUOTED_CHARS, quoteText } from './support/quote.js';
export { printStrategy } from './print/print.js';
export { compileStrategy, strategyIdOf, type CompiledStrategy, type Lineage } from './strategy.js';
export { DATA_ROLES, resolveRole, type DataRole } from './factors/data-roles.js';
export { FACTOR_LIBRARY, factorByName, type FactorCategory, type FactorDefinition, type FactorParamSpec, type FactorRole } from './factors/library.js';
export { FactorKit, factorKitOf, type FactorInstance } from './factors/factor-kit.js';
export { templateStrategy } from './factors/template.js';
export { strategyFamily } from './factors/family.js';
export {
  CLASSIC_MUTATION_OPERATORS,
  MUTATION_OPERATORS,
  mutate,
  type MutateOptions,
  type MutationError,
  type MutationOperator,
  type VariationOperator,
} from './mutation/mutate.js';
export { crossover, type CrossoverOptions } from './mutation/crossover.js';
export { exploreStrategy } from './mutation/explore.js';
export { SEARCH_BUDGET, type SearchBudget } from './mutation/budget.js';
export { scoreTerms, type ScoreTerm } from './mutation/score-terms.js';
export { seededRandom, type RandomSource } from './mutation/random.js';
