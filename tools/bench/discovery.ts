// Honest discovery: does the loop find the planted edge, and does it say how much to trust its champion?
// Per seed, on the default synthetic market under the default protocol (holdout = the last two calendar years,
// 4 in-sample folds, FinLab Taiwan costs), N factor-graph iterations, then `validate` (top 50, S 16): the champion's
// in-sample and holdout Sharpe, the oracle's holdout Sharpe, their ratio, PSR/DSR, PBO, the share of distinct
// backtests and iterations/s. Then the same on a market with every planted effect set to zero: no champion may
// be labelled significant.
// Both searches side by side, in one run: `champion` (always mutate the champion, the seven classic operators: the
// search before the archive) and `archive` (parents from the quality-diversity archive, multi-factor operators,
// crossover, exploration after stagnation).
// Run: npm run bench -w @alphaloop/bench -- discovery.ts [iterations=1000] [seeds=1,2,3,4,5] [zero-effect seeds=1,2,3] [searches=champion,archive]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORACLE_SOURCE } from '@alphaloop/adapter-market-data';
import { createLogger, openApp } from '@alphaloop/cli/app';
import { loadRunReport } from '@alphaloop/cli/run-report';
import { resolveSettings } from '@alphaloop/cli/settings';
import { validateRun } from '@alphaloop/cli/validate';

const iterations = Number(process.argv[2] ?? 1000);
const seeds = (process.argv[3] ?? '1,2,3,4,5').split(',').filter(Boolean).map(Number);
const zeroSeeds = (process.argv[4] ?? '1,2,3').split(',').filter(Boolean).map(Number);
const searches = (process.argv[5] ?? 'champion,archive').split(',').filter(Boolean) as ('champion' | 'archive')[];
const ratios = new Map<string, number[]>();

const f = (v: number | null | undefined, d = 2): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d));

async function one(seed: number, effects: 'default' | 'none', search: 'champion' | 'archive'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'alphaloop-bench-discovery-'));
  try {
    const run = `discovery-${effects}-${seed}-${search}`;
    const settings = resolveSettings({
      env: {},
      flags: { db: join(dir, 'db'), cacheDir: join(dir, 'cache'), run, seed, search, log: { level: 'silent' }, synthetic: { effects } },
    })._unsafeUnwrap();
    const { logger } = createLogger(settings)._unsafeUnwrap();
    const app = (await openApp(settings, logger))._unsafeUnwrap();
    try {
      const start = performance.now();
      await app.loop.run({ iterations });
      const seconds = (performance.now() - start) / 1000;
      const oracle = await app.backtest.run({ code: ORACLE_SOURCE, holdout: true });
      const report = (await loadRunReport(app.storage, run))._unsafeUnwrap();
      const validation = await validateRun(settings, app.storage, app.market, app.protocol, { top: 50, splits: 16 });
      const c = report.champion;
      const oracleHoldout = oracle.isOk() ? (oracle.value.holdoutMetrics?.sharpe ?? null) : null;
      const oracleInSample = oracle.isOk() ? oracle.value.metrics.sharpe : null;
      const championHoldout = c?.holdout?.sharpe ?? null;
      const ratio = championHoldout !== null && oracleHoldout !== null ? championHoldout / oracleHoldout : null;
      const s = report.significance;
      if (effects === 'default' && ratio !== null) ratios.set(search, [...(ratios.get(search) ?? []), ratio]);
      return [
        effects === 'none' ? `zero-effect ${seed}` : String(seed),
        search,
        f(c?.metrics.sharpe),
        f(c?.evidence?.score),
        f(championHoldout),
        `${f(oracleInSample)} / ${f(oracleHoldout)}`,
        f(ratio),
        s === null ? '—' : `${f(s.dsr, 3)}${s.significant ? ' (significant)' : ''}`,
        s === null ? '—' : `${s.trials} / ${s.effectiveTrials}`,
        validation.isOk() ? f(validation.value.pbo, 3) : `— (${validation.error.message})`,
        `${report.distinctBacktests} / ${report.backtests} = ${((report.distinctBacktests / Math.max(1, report.backtests)) * 100).toFixed(1)} % (${iterations - report.backtests} not backtested)`,
        String(report.holdoutLooks),
        search === 'archive' ? String(report.archive.length) : '—',
        f(iterations / seconds, 1),
      ].join(' | ');
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`${iterations} factor-graph iterations per seed; load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('| seed | search | champion in-sample Sharpe | robust score | champion holdout Sharpe | oracle in-sample / holdout Sharpe | ratio (holdout) | DSR | trials / effective | PBO | distinct backtests | holdout looks | archive cells | iterations/s |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const seed of seeds) for (const search of searches) console.log(`| ${await one(seed, 'default', search)} |`);
for (const seed of zeroSeeds) for (const search of searches) console.log(`| ${await one(seed, 'none', search)} |`);
for (const [search, list] of ratios) {
  const mean = list.reduce((a, b) => a + b, 0) / list.length;
  console.log(`${search}: planted-edge ratio on the holdout mean ${f(mean)}, min ${f(Math.min(...list))} over ${list.length} seeds`);
}
