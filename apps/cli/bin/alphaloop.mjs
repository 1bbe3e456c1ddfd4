#!/usr/bin/env node
// The alphaloop command. Runs the TypeScript sources directly (tsx), so a fresh clone needs no build.
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

register('./source-conditions.mjs', import.meta.url);
const { register: registerTypeScript } = await import('tsx/esm/api');
registerTypeScript({ tsconfig: fileURLToPath(new URL('../../../tsconfig.base.json', import.meta.url)) });
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
