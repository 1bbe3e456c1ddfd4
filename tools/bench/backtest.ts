// Engine benchmark: a full backtest (evaluate the factor graph → sim → statistics) of the template strategy
// and a 10-operation strategy on a seeded synthetic market of 2,000 symbols × 4,000 trading days, against
// the plain pandas reference (reference/finlab_sim.py) on the same exported data.
//
// Run (one core):
//   cd tools/bench && taskset -c 0 node --conditions=@alphaloop/source --import tsx backtest.ts [symbols] [days] [runs]
// Options via env: BENCH_NO_PANDAS=1 skips the reference; BENCH_REPEATS (pandas runs, default 2);
// BENCH_WARMUP (uncounted engine runs first, default 6: the JIT compiles the kernels and the evaluator's row-only
// paths during them; a research loop runs thousands of backtests, so the steady state is what it sees);
// BENCH_BLOCK_ROWS (rows per block of the streaming evaluator; default ≈ 65 k cells); BENCH_EXTRA=FILE times
// one more strategy (engine only), e.g. to see what one operation costs.
// Reported: wall-clock and CPU time (process.cpuUsage, all threads) per backtest; on a shared machine the
// CPU time is the steadier figure. Both sides exclude loading the data.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BufferPool,
  backtestGraph,
  evaluateGraphWithReport,
  isoDate,
  positionRowsRead,
  sim,
  simStatistics,
  type Frame,
  type MarketFrames,
} from '@alphaloop/engine';
import { syntheticMarket } from './bench-market.js';
import { compileStrategy, templateStrategy, type CompileContext, type FactorGraph } from '@alphaloop/strategy';

const SYMBOLS = Number(process.argv[2] ?? 2000);
const DAYS = Number(process.argv[3] ?? 4000);
const RUNS = Number(process.argv[4] ?? 5);

const TEN_OP = `
const close = data.get('price:close');
const volume = data.get('price:volume');
const trend = close > close.average(60);
const momentum = close.pctChange(20);
const risk = close.pctChange(1).rolling(20).std();
const liquid = volume.average(20) > 200000;
const score = (momentum / risk).rank();
const position = score.where(trend && liquid).isLargest(20);
return sim(position, { resample: 'W', stopLoss: 0.1 });
`;

const ms = (a: number, b: number): number => Math.round((b - a) * 10) / 10;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const opCount = (g: FactorGraph): number => g.nodes.filter((x) => x.op !== 'data' && x.op !== 'const').length;

/** One pool for the whole run, as the research loop keeps one per market. */
const pool = new BufferPool();

function timeBacktest(name: string, graph: FactorGraph, market: MarketFrames) {
  const totals: number[] = [];
  const evals: number[] = [];
  const sims: number[] = [];
  const cpus: number[] = [];
  let last: ReturnType<typeof backtestGraph> | undefined;
  const warmup = Number(process.env.BENCH_WARMUP ?? 6);
  for (let k = 1 - warmup; k <= RUNS; k++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    // as backtestGraph does: with a resample, only the rows sim reads are evaluated
    const rows = positionRowsRead(market.prices.close.dates, market.prices.close.dates, graph.options.resample);
    const ev = evaluateGraphWithReport(graph, market, {
      pool,
      ...(rows === null ? {} : { rows }),
      ...(process.env.BENCH_BLOCK_ROWS ? { blockRows: Number(process.env.BENCH_BLOCK_ROWS) } : {}),
    });
    const t1 = performance.now();
    if (ev.isErr()) throw new Error(`${name}: ${ev.error.message}`);
    const r = sim(ev.value.frame, market.prices, graph.options);
    if (r.isErr()) throw new Error(`${name}: ${r.error.message}`);
    const stats = simStatistics(r.value);
    pool.release(ev.value.frame.values);
    const t2 = performance.now();
    const c1 = process.cpuUsage(c0);
    if (k > 0) {
      // the first run warms the JIT up and is not counted
      cpus.push((c1.user + c1.system) / 1000);
      totals.push(t2 - t0);
      evals.push(t1 - t0);
      sims.push(t2 - t1);
    }
    void stats;
    if (k === RUNS) {
      const rep = ev.value.report;
      last = backtestGraph(graph, market, { pool }); // the same result through the one-call API
      const s = last._unsafeUnwrap();
      return {
        name,
        ops: opCount(graph),
        nodes: graph.nodes.length,
        totalMedianMs: ms(0, median(totals)),
        cpuMedianMs: ms(0, median(cpus)),
        totalMinMs: ms(0, Math.min(...totals)),
        totalsMs: totals.map((t) => Math.round(t)),
        evaluatesMs: evals.map((t) => Math.round(t)),
        evaluateMedianMs: ms(0, median(evals)),
        simAndStatsMedianMs: ms(0, median(sims)),
        wholeFrameBuffers: rep.fullBuffers,
        blockBuffers: rep.blockBuffers,
        blockRows: rep.blockRows,
        rowOnlyNodes: rep.rowOnlyNodes,
        trades: s.result.trades.count,
        finalEquity: s.result.creturn[s.result.creturn.length - 1],
        cagr: s.statistics.full.cagr,
        sharpe: s.statistics.full.dailySharpe,
        result: s.result,
      };
    }
  }
  throw new Error('unreachable');
}

function writeF64(path: string, values: Float64Array): void {
  writeFileSync(path, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

function main(): void {
  const t0 = performance.now();
  const market = syntheticMarket(SYMBOLS, DAYS);
  const t1 = performance.now();
  const context: CompileContext = {
    fields: [...(market.fields as Map<string, Frame>).keys()].map((key) => ({ key, aliases: [] })),
    dateCount: DAYS,
  };
  const template = templateStrategy(context)._unsafeUnwrap();
  const tenOp = compileStrategy(TEN_OP, context)._unsafeUnwrap();
  console.log(`market ${SYMBOLS} symbols × ${DAYS} days generated in ${ms(t0, t1)} ms; Node ${process.version}`);
  console.log(`template strategy:\n${template.canonicalSource}\n10-operation strategy:\n${tenOp.canonicalSource}`);
  const results = [timeBacktest('template', template.graph, market), timeBacktest('tenOp', tenOp.graph, market)];
  const extraFile = process.env.BENCH_EXTRA;
  if (extraFile !== undefined) {
    const extra = compileStrategy(readFileSync(extraFile, 'utf8'), context);
    if (extra.isErr()) throw new Error(`${extraFile}: ${extra.error.map((e) => e.message).join('; ')}`);
    results.push(timeBacktest('extra', extra.value.graph, market));
  }
  const rss = process.memoryUsage().rss;
  for (const r of results) {
    const { result: _r, ...row } = r;
    console.log(JSON.stringify(row));
  }
  console.log(`peak RSS so far: ${Math.round(rss / 2 ** 20)} MiB`);

  if (process.env.BENCH_NO_PANDAS) return;
  const python = '/usr/bin/python3';
  if (spawnSync(python, ['-c', 'import pandas'], { encoding: 'utf8' }).status !== 0) {
    console.log('pandas reference skipped: install Debian python3-pandas');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'alphaloop-bench-'));
  try {
    const fields: Record<string, string> = {};
    for (const [key, f] of market.fields as Map<string, Frame>) {
      const name = key.replace('price:', '');
      fields[name] = `${name}.f64`;
      writeF64(join(dir, `${name}.f64`), f.values);
    }
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({
      dates: Array.from(market.prices.close.dates, isoDate),
      symbols: market.prices.close.symbols,
      fields,
    }));
    const taskset = spawnSync('taskset', ['--version'], { encoding: 'utf8' }).status === 0;
    const script = join(import.meta.dirname, 'reference', 'finlab_sim.py');
    const cmd = taskset ? 'taskset' : python;
    const args = taskset ? ['-c', '0', python, script, 'bench', dir] : [script, 'bench', dir];
    const py = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, BENCH_REPEATS: process.env.BENCH_REPEATS ?? '2' } });
    if (py.status !== 0) throw new Error(`pandas reference failed: ${py.stderr}`);
    const ref = JSON.parse(readFileSync(join(dir, 'bench-result.json'), 'utf8')) as {
      pandas: string;
      load_seconds: number;
      strategies: Record<string, { evaluate_seconds: number; sim_seconds: number; total_seconds: number; cpu_seconds: number; dates: string[]; creturn: number[] }>;
    };
    console.log(`pandas ${ref.pandas} (data load ${Math.round(ref.load_seconds * 1000)} ms, not counted)`);
    for (const r of results) {
      const p = ref.strategies[r.name];
      if (p === undefined) continue;
      const engineDates = Array.from(r.result.dates, isoDate);
      let maxDiff = Number.NaN;
      if (engineDates.length === p.dates.length && engineDates.every((d, i) => d === p.dates[i])) {
        maxDiff = 0;
        for (let i = 0; i < p.creturn.length; i++) maxDiff = Math.max(maxDiff, Math.abs((r.result.creturn[i] as number) - (p.creturn[i] as number)));
      }
      console.log(JSON.stringify({
        name: r.name,
        pandasTotalMs: Math.round(p.total_seconds * 1000),
        pandasCpuMs: Math.round(p.cpu_seconds * 1000),
        pandasEvaluateMs: Math.round(p.evaluate_seconds * 1000),
        pandasSimMs: Math.round(p.sim_seconds * 1000),
        engineTotalMedianMs: r.totalMedianMs,
        engineCpuMedianMs: r.cpuMedianMs,
        speedupWall: Math.round((p.total_seconds * 1000) / r.totalMedianMs * 10) / 10,
        speedupCpu: Math.round((p.cpu_seconds * 1000) / r.cpuMedianMs * 10) / 10,
        equityMaxAbsDiff: maxDiff,
      }));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
