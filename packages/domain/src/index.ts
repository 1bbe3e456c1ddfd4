export * from './metrics.js';
export * from './errors.js';
export * from './levels.js';
export * from './iteration-record.js';
export * from './champion.js';
export * from './staleness.js';
export * from './source-decision.js';
export * from './feedback.js';
