export { MarketData, canonicalKey, reindexExact, type MarketDataInit, type MarketMetadata, type MarketSource } from './market-data.js';
export { FIELD_CATALOGUE, INDUSTRY_KEY, PRICE_KEYS, fieldSpecOf, isPriceField, keyOfColumn, fileStemOfKey, keyOfFileStem, type FieldSpec } from './fields.js';
export type { Alignment, MarketDataWarning, Sample } from './warnings.js';
export { malformed, malformedFile, unavailable, type MarketDataError } from './errors.js';
export {
  DEFAULT_EFFECTS,
  DEFAULT_PARAMETERS,
  GENERATOR,
  PLANTED_SIGNALS,
  generateSyntheticMarket,
  plantedEffects,
  resolveParameters,
  syntheticDataVersion,
  type SyntheticMarketOptions,
} from './synthetic/generate.js';
export type { Benchmarks, EffectStrengths, PlantedEffect, StrategyBenchmark, SyntheticMetadata, SyntheticParameters } from './synthetic/metadata.js';
export { Prng } from './synthetic/prng.js';
export { MARKET_SOURCE, ORACLE_SOURCE, createSyntheticMarket, measureBenchmarks, oracleStrategy, withBenchmarks, type BacktestFn } from './synthetic/benchmarks.js';
export { measureEffects, type MeasuredEffect } from './synthetic/effects.js';
export { CATEGORIES_FILE, METADATA_FILE, loadLongCsv, loadLongParquet, loadMarketData, loadWideCsvDirectory, type LoadOptions } from './loaders/load.js';
export { writeMarketCsv, type WrittenMarket } from './loaders/write.js';
export { parseWideCsv } from './loaders/wide-csv.js';
export { parseDateCell, parseNumberCell } from './loaders/cells.js';
