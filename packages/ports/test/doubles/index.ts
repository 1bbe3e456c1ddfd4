export * from './in-memory-history.js';
export * from './in-memory-run-ledger.js';
export * from './runtime-doubles.js';
export * from './scripted-ports.js';
