// The product's own speed: factor-graph iterations per second on the default synthetic market (PGlite,
// worker backtests, the real container), `alphaloop --help` start-up time, and RSS growth over a long run.
// Run: npm run bench -w @alphaloop/bench -- loop.ts [iterations=5000] [help-runs=10]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, openApp } from '@alphaloop/cli/app';
import { resolveSettings } from '@alphaloop/cli/settings';
// @ts-expect-error -- the launcher's plain ES module, without type declarations
import { buildIsCurrent } from '@alphaloop/cli/build-freshness';

const iterations = Number(process.argv[2] ?? 5000);
const helpRuns = Number(process.argv[3] ?? 10);
const bin = fileURLToPath(new URL('../../apps/cli/bin/alphaloop.mjs', import.meta.url));
const fromBuild = buildIsCurrent(
  fileURLToPath(new URL('../../', import.meta.url)),
  fileURLToPath(new URL('../../apps/cli/dist/sources.json', import.meta.url)),
);

// 1. start-up: `alphaloop --help`, as a user types it
const helpTimes: number[] = [];
for (let i = 0; i < helpRuns + 1; i += 1) {
  const start = performance.now();
  execFileSync(process.execPath, [bin, '--help'], { stdio: 'ignore' });
  if (i > 0) helpTimes.push(performance.now() - start); // the first run fills tsx's transform cache
}
helpTimes.sort((a, b) => a - b);
console.log(`alphaloop --help: median ${helpTimes[Math.floor(helpTimes.length / 2)]?.toFixed(0)} ms, min ${helpTimes[0]?.toFixed(0)} ms (${helpRuns} runs, ${fromBuild ? 'from the build in apps/cli/dist' : 'from the sources through tsx: run `node apps/cli/build.mjs` first'})`);

// 2. the loop, in process, exactly as `alphaloop run` wires it
const dir = mkdtempSync(join(tmpdir(), 'alphaloop-bench-loop-'));
const settings = resolveSettings({ env: {}, flags: { db: join(dir, 'db'), log: { level: 'silent' } } })._unsafeUnwrap();
const { logger } = createLogger(settings)._unsafeUnwrap();
const app = (await openApp(settings, logger))._unsafeUnwrap();
const warmup = Math.min(50, Math.floor(iterations / 10));
await app.loop.run({ iterations: warmup });
global.gc?.();
const rssBefore = process.memoryUsage().rss;
const checkpoints: string[] = [];
const start = performance.now();
let done = 0;
await app.loop.run({
  iterations,
  onEvent: (event) => {
    if (event.type !== 'iteration') return;
    done += 1;
    if (done % 1000 === 0) checkpoints.push(`${done}: ${((process.memoryUsage().rss - rssBefore) / 2 ** 20).toFixed(1)} MB`);
  },
});
const seconds = (performance.now() - start) / 1000;
global.gc?.();
const rssAfter = process.memoryUsage().rss;
console.log(`factor-graph iterations: ${iterations} in ${seconds.toFixed(1)} s = ${(iterations / seconds).toFixed(1)} iterations/s (after ${warmup} warm-up)`);
console.log(`RSS growth over ${iterations} iterations: ${((rssAfter - rssBefore) / 2 ** 20).toFixed(1)} MB${checkpoints.length ? ` (${checkpoints.join(', ')})` : ''}`);
await app.close();
rmSync(dir, { recursive: true, force: true });
