#!/usr/bin/env node
// The alphaloop command. Starts from the build in `dist/` (made by `node apps/cli/build.mjs`, which `npm ci`
// runs through the root `prepare` script) while that build is current; otherwise (no build yet, or a source
// edited since) it runs the TypeScript sources directly through tsx: slower to start, never stale.
// ALPHALOOP_FROM_SOURCE=1 forces the sources.
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { buildIsCurrent } from './build-freshness.mjs';

const fromBuild =
  process.env.ALPHALOOP_FROM_SOURCE !== '1' &&
  buildIsCurrent(fileURLToPath(new URL('../../../', import.meta.url)), fileURLToPath(new URL('../dist/sources.json', import.meta.url)));

let main;
if (fromBuild) {
  ({ main } = await import('../dist/alphaloop.js'));
} else {
  register('./source-conditions.mjs', import.meta.url);
  const { register: registerTypeScript } = await import('tsx/esm/api');
  registerTypeScript({ tsconfig: fileURLToPath(new URL('../../../tsconfig.base.json', import.meta.url)) });
  ({ main } = await import('../src/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
