export * from './in-memory-history.js';
export * from './runtime-doubles.js';
export * from './scripted-ports.js';
