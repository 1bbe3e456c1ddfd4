export * from './seeded-random.js';
export * from './system-clock.js';
export * from './pino-logger.js';
export * from './log-file.js';
