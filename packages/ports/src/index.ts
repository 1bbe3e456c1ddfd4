export * from './llm.port.js';
export * from './strategy-generator.port.js';
export * from './backtest.port.js';
export * from './storage-error.js';
export * from './history-repository.port.js';
export * from './market-data.port.js';
export * from './runtime.port.js';
export * from './tokens.js';
