// Starts run-once.ts the way apps/cli/bin/alphaloop.mjs starts the CLI: module.register + tsx's API, no flags.
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

register('./source-conditions.mjs', import.meta.url);
const { register: registerTypeScript } = await import('tsx/esm/api');
registerTypeScript({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
await import('./run-once.ts');
