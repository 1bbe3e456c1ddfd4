export * from './normal.js';
export * from './moments.js';
export * from './sharpe-inference.js';
export { DEFAULT_PBO_SPLITS, MAX_PBO_SPLITS } from './pbo-input.js';
export * from './pbo.js';
export * from './correlation.js';
export * from './trial-clusters.js';
