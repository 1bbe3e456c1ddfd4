// Plain JS on purpose: Vite loads node_modules-resolved config files with Node, which cannot load .ts on Node 20.
import { defineConfig } from 'vitest/config';

const conditions = ['@alphaloop/source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000, // PGlite start-up takes 3-5 s on a 2-core machine
    reporters: [process.env.CI ? 'dot' : 'default', 'json'],
    outputFile: { json: 'reports/vitest.json' }, // summed by tools/scripts/test-summary.mjs
  },
});
