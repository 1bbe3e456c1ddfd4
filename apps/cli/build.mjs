// Builds the alphaloop command into ES modules under `dist/`: two entries, the command (`alphaloop.js`) and the
// backtest worker (`worker/backtest-worker.js`), plus the chunks they share and load lazily.
// Only our workspace sources are bundled (resolved to their TypeScript through the `@alphaloop/source`
// condition); every npm dependency stays an import from node_modules, so PGlite finds its WebAssembly next
// to its own module. Why: starting from one bundled module skips tsx's per-file transform at every start
// (`alphaloop --help` 480 ms from the sources, about 140 ms from the build). `bin/alphaloop.mjs` uses the
// build only while every source it was made from keeps its recorded modification time, so an edited
// checkout never runs stale code.
// Run: node apps/cli/build.mjs (the root `prepare` script runs it after `npm ci`).
import { build } from 'esbuild';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = fileURLToPath(new URL('.', import.meta.url));
const dist = fileURLToPath(new URL('./dist/', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

/** Bare imports other than our own `@alphaloop/*` packages stay external. */
const externalDependencies = {
  name: 'external-dependencies',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@alphaloop/')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

rmSync(dist, { recursive: true, force: true });
const started = performance.now();
const result = await build({
  absWorkingDir: cliDir,
  entryPoints: {
    alphaloop: 'src/main.ts',
    'worker/backtest-worker': '../../packages/adapters/backtest-finlab/src/worker/backtest-worker.ts',
  },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  conditions: ['@alphaloop/source'],
  tsconfig: fileURLToPath(new URL('../../tsconfig.base.json', import.meta.url)),
  plugins: [externalDependencies],
  sourcemap: true,
  logLevel: 'warning',
  metafile: true,
});

// The sources this build was made from, with their modification times: the launcher compares them to decide
// whether the build is still current (see bin/alphaloop.mjs).
const sources = Object.keys(result.metafile.inputs)
  .map((input) => resolve(cliDir, input))
  .filter((file) => !file.includes('/node_modules/'))
  .map((file) => [relative(root, file), statSync(file).mtimeMs]);
writeFileSync(`${dist}sources.json`, `${JSON.stringify(Object.fromEntries(sources))}\n`);
console.log(`alphaloop: built apps/cli/dist from ${sources.length} sources in ${(performance.now() - started).toFixed(0)} ms`);
