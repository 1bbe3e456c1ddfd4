// The tests Stryker runs for each mutant: the unit tests beside the code and the pandas cross-check of `sim`
// (equity curves over 45 option sets: it kills what hand-computed cases miss). Left out: the cross-package
// property tests (every generated strategy, requested rows under every resample), which take seconds per run
// and cover every mutant, so a mutation run would take hours; `npm test` runs them.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        '**/node_modules/**',
        'src/evaluate/strategy-generator.test.ts',
        'src/evaluate/requested-rows.test.ts',
        'src/evaluate/strategies.test.ts',
      ],
    },
  }),
);
