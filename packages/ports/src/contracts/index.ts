export * from './fixtures.js';
export * from './history-repository.contract.js';
export * from './backtest.contract.js';
export * from './llm.contract.js';
export * from './strategy-generator.contract.js';
export * from './market-data.contract.js';
export * from './runtime.contract.js';
export * from './run-ledger.contract.js';
