export { DEFAULT_OPERATOR_WEIGHTS, FactorGraphStrategyGenerator, type FactorGraphGeneratorOptions } from './factor-graph-generator.js';
