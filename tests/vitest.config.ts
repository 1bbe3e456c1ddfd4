import shared from '@alphaloop/vitest-config';
import { defineConfig, mergeConfig } from 'vitest/config';

// End-to-end tests spawn the real `alphaloop` command: long timeouts, one file at a time (2-core machines).
export default mergeConfig(
  shared,
  defineConfig({ test: { include: ['e2e/**/*.test.ts', 'lint/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 120_000, fileParallelism: false } }),
);
