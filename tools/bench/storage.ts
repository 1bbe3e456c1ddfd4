// Storage benchmark: append and recent(5) on PGlite (the embedded default, on disk) and PostgreSQL.
// Run: cd tools/bench && node --conditions=@alphaloop/source --import tsx storage.ts [appends=2000] [bigRun=100000]
// PostgreSQL: set ALPHALOOP_PG_URL (or DATABASE_URL); the bench works in a throwaway schema it drops.
// Targets (p50): PostgreSQL append ≤ 2 ms, PGlite append ≤ 1 ms, recent(5) ≤ 5 ms with 100,000 records.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { ResultAsync } from 'neverthrow';
import pg from 'pg';
import { metricsFrom, type Champion, type IterationRecord } from '@alphaloop/domain';
import { openStorage, type Storage, type StorageConfig } from '@alphaloop/adapter-storage-kysely';

const APPENDS = Number(process.argv[2] ?? 2000);
const BIG_RUN = Number(process.argv[3] ?? 100_000);
const WARMUP = 200;
const PG_URL = process.env.ALPHALOOP_PG_URL || process.env.DATABASE_URL || null;

/** A typical record: a factor-graph strategy with full metrics, timings and a 500-character feedback. */
function record(runId: string, iteration: number, strategyId = 'a1b2c3d4e5f60718'): IterationRecord {
  return {
    runId,
    iteration,
    source: 'factor_graph',
    strategyCode: "const close = data.get('price:close');\nconst mom = close.pctChange(20);\nreturn mom.isLargest(10).and(close.gt(close.rolling(60).mean()));",
    strategyId,
    parentId: '00000000feedface',
    mutationOperator: 'perturb_parameter',
    generation: 4,
    metrics: metricsFrom({ sharpe: 1.25, totalReturn: 0.42, cagr: 0.08, maxDrawdown: -0.18, calmar: 0.44, sortino: 1.7, volatility: 0.19, winRate: 0.55, trades: 120, turnover: 6.1 }),
    holdoutMetrics: null,
    evidence: {
      folds: [0, 1, 2, 3].map((i) => ({ start: `201${i * 3}-01-02`, end: `201${i * 3 + 2}-12-31`, sharpe: 1.1 + i / 10 })),
      score: 1.18,
      profile: { observations: 2700, sharpe: 0.079, skewness: -0.3, kurtosis: 5.2 },
      monthlyReturns: Array.from({ length: 132 }, (_, i) => Math.sin(i) / 50),
      suspicious: [],
    },
    level: 3,
    error: null,
    championUpdated: false,
    championDecision: { replace: false, rule: null, reasons: ['robust score 1.1800 below both bars: 1.2600 (+5%) and 1.2200 (+0.02)'] },
    search: { cell: 'momentum/6-15/monthly', family: 'momentum', parentCell: 'momentum/6-15/monthly', mateId: null, parentChoice: 'archive', archive: { kind: 'rejected', cell: 'momentum/6-15/monthly', correlation: { elite: 0.41, parent: 0.88 }, reason: "score 1.1800 not above the elite's 1.2500" } },
    feedbackUsed: 'Iteration 41: improving — Sharpe 1.12 → 1.25 over the last 5 records. '.repeat(7),
    timings: { load_history: 0.4, feedback: 0.1, decide_source: 0.01, generate: 2.3, backtest: 120.5, metrics: 0.3, classify: 0.01, champion: 0.05, build_record: 0.02 },
    llmUsage: null,
    timestamp: '2026-11-25T10:00:00.000Z',
  };
}

interface Stats {
  readonly n: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
}

function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
  return { n: s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

async function timeEach(n: number, fn: (i: number) => Promise<void>): Promise<Stats> {
  for (let i = 0; i < Math.min(WARMUP, n); i += 1) await fn(-1 - i);
  const samples: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  return stats(samples);
}

const unwrap = async <T, E>(r: ResultAsync<T, E>): Promise<T> => {
  const result = await r;
  if (result.isErr()) throw new Error(JSON.stringify(result.error));
  return result.value;
};

interface Row {
  readonly backend: string;
  readonly measure: string;
  readonly stats: Stats;
  readonly target?: number;
}

async function bench(name: string, config: StorageConfig): Promise<Row[]> {
  const openStart = performance.now();
  const storage: Storage = await unwrap(openStorage(config));
  const openMs = performance.now() - openStart;
  const rows: Row[] = [];
  try {
    const { history, champions } = storage;
    const run = `bench-${randomUUID()}`;
    // warm-up appends use their own run, so the measured run starts empty
    const warm = `${run}-warm`;
    let warmNext = 0;
    const appendTarget = config.kind === 'pglite' ? 1 : 2;

    // The floor: the cheapest durable write this backend can do (a one-integer INSERT, committed).
    await sql`create table bench_floor (id integer)`.execute(storage.db);
    rows.push({
      backend: name,
      measure: 'floor: INSERT of one integer (autocommit)',
      stats: await timeEach(APPENDS, async (i) => {
        await sql`insert into bench_floor values (${i})`.execute(storage.db);
      }),
    });
    rows.push({
      backend: name,
      measure: 'allocateIteration',
      stats: await timeEach(APPENDS, async (i) => {
        await unwrap(history.allocateIteration(i < 0 ? warm : `${run}-alloc`));
      }),
    });
    let next = 0;
    rows.push({
      backend: name,
      measure: 'append (same strategy each time)',
      target: appendTarget,
      stats: await timeEach(APPENDS, async (i) => {
        await unwrap(history.append(i < 0 ? record(warm, warmNext++) : record(run, next++)));
      }),
    });
    const fresh = `${run}-fresh`;
    let freshNext = 0;
    rows.push({
      backend: name,
      measure: 'append (new strategy each time)',
      target: appendTarget,
      stats: await timeEach(APPENDS, async (i) => {
        const it = i < 0 ? warmNext++ : freshNext++;
        await unwrap(history.append(record(i < 0 ? warm : fresh, it, `s-${fresh}-${it}`)));
      }),
    });
    const both = `${run}-both`;
    rows.push({
      backend: name,
      measure: 'allocate + append',
      stats: await timeEach(APPENDS, async (i) => {
        const runId = i < 0 ? `${both}-warm` : both;
        const iteration = await unwrap(history.allocateIteration(runId));
        await unwrap(history.append(record(runId, iteration)));
      }),
    });
    const champ = `${run}-champion`;
    let version = 0;
    rows.push({
      backend: name,
      measure: 'append + champion compare-and-set (one transaction)',
      stats: await timeEach(Math.min(APPENDS, 1000), async (i) => {
        const runId = i < 0 ? `${champ}-warm-${i}` : champ;
        const expectedVersion = i < 0 ? 0 : version;
        const iteration = i < 0 ? 0 : version;
        const next: Champion = { runId, strategyId: `c-${runId}-${iteration}`, code: 'return 1;', source: 'factor_graph', metrics: record(runId, 0).metrics, evidence: record(runId, 0).evidence, holdout: null, iteration, version: expectedVersion + 1 };
        await unwrap(history.append({ ...record(runId, iteration), championUpdated: true }, { expectedVersion, next }));
        if (i >= 0) version += 1;
      }),
    });
    rows.push({
      backend: name,
      measure: `recent(5), ${APPENDS.toLocaleString('en')} records in the run`,
      stats: await timeEach(1000, async () => {
        await unwrap(history.recent(run, 5));
      }),
    });
    rows.push({
      backend: name,
      measure: 'champions.get',
      stats: await timeEach(1000, async () => {
        await unwrap(champions.get(champ));
      }),
    });

    // One run with BIG_RUN records, loaded in bulk with the same row shape append writes.
    const big = `${run}-big`;
    const loadStart = performance.now();
    const sample = record(big, 0);
    const { strategyCode, ...withoutCode } = sample;
    await storage.db.transaction().execute(async (trx) => {
      await sql`insert into runs (run_id, next_iteration) values (${big}, ${BIG_RUN})`.execute(trx);
      await sql`insert into strategies (strategy_id, code, source) values (${sample.strategyId}, ${strategyCode}, 'factor_graph') on conflict do nothing`.execute(trx);
      await sql`
        insert into iterations (run_id, iteration, source, level, strategy_id, champion_updated, record)
        select ${big}, g, 'factor_graph', 3, ${sample.strategyId}, false, jsonb_set(cast(${JSON.stringify(withoutCode)} as jsonb), '{iteration}', to_jsonb(g))
        from generate_series(0, ${BIG_RUN - 1}) as g`.execute(trx);
    });
    await sql`analyze iterations`.execute(storage.db);
    const loadMs = performance.now() - loadStart;
    const check = await unwrap(history.recent(big, 5));
    if (check.map((r) => r.iteration).join() !== [1, 2, 3, 4, 5].map((k) => BIG_RUN - 6 + k).join() || check[0]?.strategyCode !== strategyCode) {
      throw new Error(`recent(5) on the big run returned ${check.map((r) => r.iteration).join()}`);
    }
    rows.push({
      backend: name,
      measure: `recent(5), ${BIG_RUN.toLocaleString('en')} records in the run`,
      target: 5,
      stats: await timeEach(1000, async () => {
        await unwrap(history.recent(big, 5));
      }),
    });
    let bigNext = BIG_RUN;
    rows.push({
      backend: name,
      measure: `allocate + append, ${BIG_RUN.toLocaleString('en')} records in the run`,
      stats: await timeEach(Math.min(APPENDS, 1000), async (i) => {
        const runId = i < 0 ? `${big}-warm` : big;
        const iteration = i < 0 ? await unwrap(history.allocateIteration(runId)) : bigNext++;
        if (i >= 0) await unwrap(history.allocateIteration(runId));
        await unwrap(history.append(record(runId, iteration)));
      }),
    });
    const plan = await sql<{ 'QUERY PLAN': string }>`explain select i.record, s.code from iterations i left join strategies s on s.strategy_id = i.strategy_id where i.run_id = ${big} order by i.iteration desc limit 5`.execute(storage.db);
    console.log(`\n${name}: opened in ${openMs.toFixed(0)} ms; bulk-loaded ${BIG_RUN.toLocaleString('en')} records in ${(loadMs / 1000).toFixed(1)} s; recent(5) plan:`);
    for (const line of plan.rows) console.log(`    ${line['QUERY PLAN']}`);
  } finally {
    await storage.close();
  }
  return rows;
}

const ms = (v: number) => (v < 1 ? v.toFixed(3) : v.toFixed(2));
const load = () => ` (load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')})`;

async function main(): Promise<void> {
  console.log(`storage bench: ${APPENDS} appends per measure, recent(5) at ${BIG_RUN.toLocaleString('en')} records; node ${process.version}, ${os.cpus().length} cores${load()}`);
  const rows: Row[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'alphaloop-bench-'));
  try {
    rows.push(...(await bench('PGlite (on disk)', { kind: 'pglite', dataDir: join(dir, 'db') })));
    rows.push(...(await bench('PGlite (in memory)', { kind: 'pglite' })));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (PG_URL) {
    const schema = `bench_${randomUUID().replace(/-/g, '')}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      const settings = await admin.query<{ name: string; setting: string }>(`select name, setting from pg_settings where name in ('synchronous_commit', 'fsync', 'server_version')`);
      console.log(`\nPostgreSQL: ${settings.rows.map((r) => `${r.name}=${r.setting}`).join(', ')}`);
      rows.push(...(await bench('PostgreSQL (pg, local)', { kind: 'postgres', connectionString: PG_URL, schema })));
      await admin.query(`drop schema if exists ${schema} cascade`);
      rows.push(...(await bench('PostgreSQL, synchronousCommit: false', { kind: 'postgres', connectionString: PG_URL, schema, synchronousCommit: false })));
    } finally {
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    }
  } else {
    console.log('\n[skipped] PostgreSQL: set ALPHALOOP_PG_URL (or DATABASE_URL) to benchmark it');
  }

  console.log(`\nfinished${load()}`);
  console.log('\n| backend | measure | n | p50 ms | p90 ms | p99 ms | mean ms | target p50 |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const target = r.target === undefined ? '' : `≤ ${r.target} ms ${r.stats.p50 <= r.target ? 'met' : 'MISSED'}`;
    console.log(`| ${r.backend} | ${r.measure} | ${r.stats.n} | ${ms(r.stats.p50)} | ${ms(r.stats.p90)} | ${ms(r.stats.p99)} | ${ms(r.stats.mean)} | ${target} |`);
  }
  const missed = rows.filter((r) => r.target !== undefined && r.stats.p50 > r.target && !r.backend.includes('in memory') && !r.backend.includes('synchronousCommit'));
  console.log(`\ntargets (p50, on-disk PGlite and PostgreSQL with durable commits): ${missed.length === 0 ? 'all met' : `missed: ${missed.map((r) => `${r.backend} ${r.measure}`).join('; ')}`}`);
  if (missed.length > 0) process.exitCode = 1;
}

await main();
