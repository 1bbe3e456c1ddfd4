export { FactorGraphStrategyGenerator, type FactorGraphGeneratorOptions } from './factor-graph-generator.js';
