// Entry of a backtest worker running from the TypeScript sources (no build step): registers tsx in this
// thread, then loads the worker module. The `@alphaloop/source` export condition (workspace packages resolve
// to their `src/index.ts`) comes from the worker's execArgv (`--conditions=@alphaloop/source`).
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
await import('./backtest-worker.ts');
