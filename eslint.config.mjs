import neverthrow from '@bufferings/eslint-plugin-neverthrow';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// The hexagon (docs/ARCHITECTURE.md), enforced per package by Nx tags.
const testFiles = ['**/*.test.ts', '**/*.contract.ts', '**/test/**/*.ts', '**/contracts/**/*.ts'];
const depConstraints = [
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:strategy', onlyDependOnLibsWithTags: ['type:domain'] },
  { sourceTag: 'type:engine', onlyDependOnLibsWithTags: ['type:domain', 'type:strategy'] },
  { sourceTag: 'type:ports', onlyDependOnLibsWithTags: ['type:domain', 'type:strategy', 'type:engine'] },
  { sourceTag: 'type:application', onlyDependOnLibsWithTags: ['type:ports', 'type:domain'] },
  { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:ports', 'type:domain', 'type:strategy', 'type:engine'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['*'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
  { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: [] },
];
// npm packages the pure rings may import (everything else is I/O or framework and belongs outside).
const allowedExternal = {
  'type:domain': ['neverthrow'],
  'type:strategy': ['neverthrow', 'acorn'],
  'type:engine': ['neverthrow'],
  'type:ports': ['neverthrow'],
  'type:application': ['neverthrow', 'inversify'],
};
const withExternal = depConstraints.map((c) =>
  allowedExternal[c.sourceTag] ? { ...c, allowedExternalImports: allowedExternal[c.sourceTag] } : c,
);

export default [
  { ignores: ['**/dist', '**/node_modules', 'packages/engine/assembly', '**/.stryker-tmp', '**/reports', '**/coverage', '.nx', '**/*.mjs', '**/*.js', '**/*.d.ts'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { depConstraints: withExternal, enforceBuildableLibDependency: false, allow: [] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // type-aware rule: an ignored Result is an ignored error
    files: ['**/src/**/*.ts'],
    ignores: testFiles,
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { neverthrow },
    rules: { 'neverthrow/must-use-result': 'error' },
  },
  // tests may import vitest and fast-check, and test doubles from testing/ folders
  { files: testFiles, rules: { '@nx/enforce-module-boundaries': ['error', { depConstraints, enforceBuildableLibDependency: false }] } },
  { files: ['**/vitest.config.ts', '**/vitest.*.config.ts'], rules: { '@nx/enforce-module-boundaries': 'off' } },
];
