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
// The pure rings (domain, strategy, engine) take I/O, the clock and randomness as parameters: their sources may not
// reach for them (docs/ARCHITECTURE.md). Tests of those packages may.
const pureSources = ['packages/domain/src/**/*.ts', 'packages/strategy/src/**/*.ts', 'packages/engine/src/**/*.ts'];
const impure = (what) => `${what} is I/O, the clock or randomness: a pure package (domain, strategy, engine) takes it as a parameter from its caller`;
const NODE_BUILTINS = ['assert', 'async_hooks', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises',
  'http', 'http2', 'https', 'inspector', 'module', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers', 'tls',
  'tty', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib'];
const purityRules = {
  'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', ...NODE_BUILTINS, ...NODE_BUILTINS.map((m) => `${m}/*`)], message: impure('a Node.js module') }] }],
  'no-restricted-globals': ['error',
    ...['process', 'performance', 'crypto', 'setTimeout', 'setInterval', 'setImmediate', 'fetch', 'require'].map((name) => ({ name, message: impure(`'${name}'`) }))],
  'no-restricted-properties': ['error',
    { object: 'Date', property: 'now', message: impure('Date.now()') },
    { object: 'Math', property: 'random', message: impure('Math.random()') },
    { object: 'globalThis', message: impure('globalThis') }],
  'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: impure('new Date() without arguments') }],
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
  { files: pureSources, ignores: testFiles, rules: purityRules },
  // tests may import vitest and fast-check, and test doubles from testing/ folders
  { files: testFiles, rules: { '@nx/enforce-module-boundaries': ['error', { depConstraints, enforceBuildableLibDependency: false }] } },
  { files: ['**/vitest.config.ts', '**/vitest.*.config.ts'], rules: { '@nx/enforce-module-boundaries': 'off' } },
];
