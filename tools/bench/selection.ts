// Which in-sample figures say anything about the holdout? Research for the champion policy, never part of the loop.
// Per seed: N factor-graph iterations of the default search on the default synthetic market under the default
// protocol, then every distinct level-3 strategy of the run is measured once more WITH its holdout (here only: the
// loop never sees these figures). For each in-sample figure it prints the Spearman rank correlation with the holdout
// Sharpe, and what a champion chosen by that figure alone would have earned on the holdout (the top one, and the
// mean of the top ten); by holdings bucket it prints the holdout Sharpe of the strategies that score in the top
// decile. Use other seeds than the discovery benchmark's 1–5, so a policy chosen here is judged on fresh ones.
// Run: npm run bench -w @alphaloop/bench -- selection.ts [iterations=1000] [seeds=11,12,13]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORACLE_SOURCE } from '@alphaloop/adapter-market-data';
import { createLogger, openApp } from '@alphaloop/cli/app';
import { allRecords } from '@alphaloop/cli/run-report';
import { resolveSettings } from '@alphaloop/cli/settings';
import { correlationOnOverlap, type IterationRecord } from '@alphaloop/domain';

const iterations = Number(process.argv[2] ?? 1000);
const seeds = (process.argv[3] ?? '11,12,13').split(',').filter(Boolean).map(Number);

interface Measured {
  readonly record: IterationRecord;
  readonly holdout: number;
  readonly features: Readonly<Record<string, number>>;
}

const f = (v: number | null | undefined, d = 2): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d));

/** Average ranks (ties share the mean rank), 1-based. */
function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && (order[j + 1] as readonly [number, number])[0] === (order[i] as readonly [number, number])[0]) j++;
    for (let k = i; k <= j; k++) out[(order[k] as readonly [number, number])[1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

const spearman = (a: readonly number[], b: readonly number[]): number => correlationOnOverlap(ranks(a), ranks(b)).correlation;

function foldSpread(record: IterationRecord): number {
  const sharpes = (record.evidence?.folds ?? []).map((fold) => fold.sharpe ?? 0);
  if (sharpes.length < 2) return 0;
  const mean = sharpes.reduce((s, x) => s + x, 0) / sharpes.length;
  return Math.sqrt(sharpes.reduce((s, x) => s + (x - mean) ** 2, 0) / (sharpes.length - 1));
}

const HOLDINGS = ['1-5', '6-15', '16-40', '41+'] as const;
const holdingsOf = (record: IterationRecord): string => record.search?.cell?.split('/')[1] ?? '?';

async function one(seed: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'alphaloop-bench-selection-'));
  try {
    const run = `selection-${seed}`;
    const settings = resolveSettings({ env: {}, flags: { db: join(dir, 'db'), cacheDir: join(dir, 'cache'), run, seed, log: { level: 'silent' } } })._unsafeUnwrap();
    const { logger } = createLogger(settings)._unsafeUnwrap();
    const app = (await openApp(settings, logger))._unsafeUnwrap();
    try {
      await app.loop.run({ iterations });
      const records = (await allRecords(app.storage.history, run))._unsafeUnwrap();
      const champion = (await app.storage.champions.get(run))._unsafeUnwrap();
      const oracle = (await app.backtest.run({ code: ORACLE_SOURCE, holdout: true }))._unsafeUnwrap();
      const seen = new Set<string>();
      const measured: Measured[] = [];
      for (const record of records) {
        if (record.level !== 3 || record.strategyCode === null || record.strategyId === null || seen.has(record.strategyId)) continue;
        if (record.evidence?.score === null || record.evidence?.score === undefined) continue;
        seen.add(record.strategyId);
        const outcome = await app.backtest.run({ code: record.strategyCode, holdout: true });
        const holdout = outcome.isOk() ? (outcome.value.holdoutMetrics?.sharpe ?? null) : null;
        if (holdout === null) continue;
        measured.push({
          record,
          holdout,
          features: {
            'robust score': record.evidence.score,
            'in-sample Sharpe': record.metrics.sharpe ?? 0,
            'mean fold Sharpe': (record.evidence.folds ?? []).reduce((s, fold) => s + (fold.sharpe ?? 0), 0) / Math.max(1, record.evidence.folds.length),
            'minus fold spread': -foldSpread(record),
            'worst fold Sharpe': Math.min(...record.evidence.folds.map((fold) => fold.sharpe ?? 0)),
            'Sortino': record.metrics.sortino ?? 0,
            'Calmar': record.metrics.calmar ?? 0,
            'minus turnover': -(record.metrics.turnover ?? 0),
            'trades': record.metrics.trades ?? 0,
            'minus code length': -record.strategyCode.length,
            'holdings bucket': HOLDINGS.indexOf(holdingsOf(record) as (typeof HOLDINGS)[number]),
          },
        });
      }
      const holdouts = measured.map((m) => m.holdout);
      console.log(`\n### seed ${seed}: ${measured.length} distinct level-3 strategies of ${records.length} iterations; oracle holdout Sharpe ${f(oracle.holdoutMetrics?.sharpe)}; champion holdout Sharpe ${f(champion?.holdout?.sharpe)}; mean holdout of all ${f(holdouts.reduce((s, x) => s + x, 0) / holdouts.length)}; best ${f(Math.max(...holdouts))}`);
      console.log('| chosen by | Spearman with holdout Sharpe | top one: holdout Sharpe | top ten: mean holdout Sharpe |');
      console.log('|---|---|---|---|');
      for (const name of Object.keys(measured[0]?.features ?? {})) {
        const values = measured.map((m) => m.features[name] as number);
        const sorted = [...measured].sort((a, b) => (b.features[name] as number) - (a.features[name] as number));
        const top = sorted.slice(0, 10).map((m) => m.holdout);
        console.log(`| ${name} | ${f(spearman(values, holdouts))} | ${f(sorted[0]?.holdout)} | ${f(top.reduce((s, x) => s + x, 0) / top.length)} |`);
      }
      const byScore = [...measured].sort((a, b) => (b.features['robust score'] as number) - (a.features['robust score'] as number));
      const decile = byScore.slice(0, Math.max(10, Math.round(measured.length / 10)));
      console.log(`top decile by robust score (${decile.length}), holdout Sharpe by holdings: ${HOLDINGS.map((h) => {
        const inBucket = decile.filter((m) => holdingsOf(m.record) === h).map((m) => m.holdout);
        return `${h}: ${inBucket.length === 0 ? '—' : `${f(inBucket.reduce((s, x) => s + x, 0) / inBucket.length)} (${inBucket.length})`}`;
      }).join(', ')}`);
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`${iterations} iterations per seed, seeds ${seeds.join(', ')}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const seed of seeds) await one(seed);
