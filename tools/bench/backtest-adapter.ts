// Backtest adapter benchmark, end to end: BacktestPort.run({ code }) = compile in the calling thread + memory
// guard + worker round trip (post the graph, evaluate + sim + statistics in the worker, post the metrics
// back), on the default synthetic market of the market-data adapter (seed 42, 300 symbols, 2012–2024).
// Compared with the same backtest in process, which gives the per-backtest cost of the worker.
//
// Run: cd tools/bench && node --conditions=@alphaloop/source --import tsx backtest-adapter.ts [runs] [warm-up]
import { InProcessBacktest, WorkerBacktest } from '@alphaloop/adapter-backtest-finlab';
import { generateSyntheticMarket } from '@alphaloop/adapter-market-data';
import { compileStrategy, templateStrategy } from '@alphaloop/strategy';
import { availableParallelism, loadavg } from 'node:os';

const RUNS = Number(process.argv[2] ?? 20);
const WARMUP = Number(process.argv[3] ?? 3);

const t0 = performance.now();
const market = generateSyntheticMarket()._unsafeUnwrap();
const context = market.compileContext();
const generatedMs = performance.now() - t0;

const STRATEGIES: Record<string, string> = {
  template: templateStrategy(context)._unsafeUnwrap().canonicalSource,
  'momentum top 10': `const close = data.get('price:close');
return sim((close / close.shift(20) - 1).isLargest(10), { resample: 'M' });`,
  'revenue growth (monthly field)': `const growth = data.get('monthly_revenue:revenue_yoy');
const close = data.get('price:close');
return sim(growth.where(close > close.average(60)).isLargest(20), { resample: 'M', stopLoss: 0.1 });`,
  '10 ops': `const close = data.get('price:close');
const volume = data.get('price:volume');
const trend = close > close.average(60);
const momentum = close.pctChange(20);
const risk = close.pctChange(1).rolling(20).std();
const liquid = volume.average(20) > 200000;
const score = (momentum / risk).rank();
const position = score.where(trend && liquid).isLargest(20);
return sim(position, { resample: 'W', stopLoss: 0.1 });`,
};

const q = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
};
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const f = (x: number): string => (x < 10 ? x.toFixed(2) : x.toFixed(1));

/** Wall times of RUNS runs after WARMUP runs; `cpu` = the process's CPU time per run (all threads), in ms. */
async function time(run: () => Promise<unknown>): Promise<number[] & { cpu: number }> {
  for (let i = 0; i < WARMUP; i++) await run();
  const out: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    await run();
    out.push(performance.now() - s);
  }
  const c = process.cpuUsage(c0);
  return Object.assign(out, { cpu: (c.user + c.system) / 1000 / RUNS });
}

async function main(): Promise<void> {
  console.log(
    `Node ${process.version}, ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ` +
      `market ${market.description.dateCount} dates × ${market.description.symbolCount} symbols, ${[...market.frames.keys()].length} fields ` +
      `(generated in ${f(generatedMs)} ms); ${RUNS} timed runs after ${WARMUP} warm-up runs per figure`,
  );
  const rssBefore = process.memoryUsage().rss;
  let s = performance.now();
  const inProcess = new InProcessBacktest({ market, context });
  const prepareMs = performance.now() - s;
  s = performance.now();
  const backtest = new WorkerBacktest({ market, context });
  const constructMs = performance.now() - s;
  (await backtest.ready())._unsafeUnwrap();
  const readyMs = performance.now() - s;
  console.log(
    `set-up: InProcessBacktest ${f(prepareMs)} ms (validate, align monthly fields once); WorkerBacktest constructor ${f(constructMs)} ms ` +
      `(same + copy ${Math.round(backtest.stats().sharedMarketBytes / 2 ** 20)} MB into shared memory); worker ready after ${f(readyMs)} ms ` +
      `(tsx + modules); RSS +${Math.round((process.memoryUsage().rss - rssBefore) / 2 ** 20)} MB`,
  );

  // the bare messaging cost: an empty job (the test hook with 0 ms) through the same queue and worker
  const pinger = new WorkerBacktest({ market, context, testHooks: true });
  (await pinger.ready())._unsafeUnwrap();
  const ping = await time(async () => void (await pinger.runTestJob({ type: 'test:stall', ms: 0 })));
  await pinger.close();
  console.log(`empty job round trip (post → worker → reply → settle): p50 ${f(q(ping, 0.5))} / mean ${f(mean(ping))} / p95 ${f(q(ping, 0.95))} ms`);

  console.log(
    '\n| strategy | compile (main thread) | in process: run() | worker: run() end to end | worker: time in worker | worker round-trip overhead | CPU per run: in process / worker |',
  );
  console.log('|---|---|---|---|---|---|---|');
  const overheads: number[] = [];
  for (const [name, code] of Object.entries(STRATEGIES)) {
    const compile = await time(() => Promise.resolve(compileStrategy(code, context)._unsafeUnwrap()));
    const local = await time(async () => (await inProcess.run({ code }))._unsafeUnwrap());
    const perRun: { inWorker: number; overhead: number }[] = [];
    const remote = await time(async () => {
      const a = backtest.stats();
      (await backtest.run({ code }))._unsafeUnwrap();
      const b = backtest.stats();
      perRun.push({ inWorker: b.workerMs - a.workerMs, overhead: b.roundTripMs - a.roundTripMs - (b.workerMs - a.workerMs) });
    });
    const timed = perRun.slice(WARMUP);
    const over = timed.map((r) => r.overhead);
    overheads.push(...over);
    const inWorker = timed.map((r) => r.inWorker);
    const row = (xs: number[]): string => `${f(q(xs, 0.5))} / ${f(mean(xs))} / ${f(q(xs, 0.95))}`;
    console.log(`| ${name} | ${row(compile)} | ${row(local)} | ${row(remote)} | ${row(inWorker)} | ${row(over)} | ${f(local.cpu)} / ${f(remote.cpu)} |`);
  }
  console.log('(wall-clock cells: p50 / mean / p95 in ms; CPU: mean process CPU time per run, all threads, in ms)');
  console.log(
    `\nworker round-trip overhead (end to end − time in worker) over all strategies: min ${f(Math.min(...overheads))} ms, ` +
      `p50 ${f(q(overheads, 0.5))} ms, mean ${f(mean(overheads))} ms, p95 ${f(q(overheads, 0.95))} ms`,
  );

  // concurrency: two workers sharing the market, 2 × RUNS backtests submitted at once
  const two = new WorkerBacktest({ market, context, options: { workers: 2 } });
  (await two.ready())._unsafeUnwrap();
  const codes = Object.values(STRATEGIES);
  for (const w of [backtest, two]) {
    for (let i = 0; i < WARMUP; i++) await Promise.all([...codes, ...codes].map((code) => w.run({ code }))); // warm every worker's JIT
    const batch = Array.from({ length: 2 * RUNS }, (_, i) => codes[i % codes.length] as string);
    s = performance.now();
    const c0 = process.cpuUsage();
    const results = await Promise.all(batch.map((code) => w.run({ code })));
    const wall = performance.now() - s;
    const c = process.cpuUsage(c0);
    if (results.some((r) => r.isErr())) throw new Error('a concurrent backtest failed');
    console.log(
      `${w === two ? 2 : 1} worker(s): ${batch.length} concurrent backtests in ${f(wall)} ms = ${f(wall / batch.length)} ms each ` +
        `(process CPU ${f((c.user + c.system) / 1000 / batch.length)} ms each, ${f((c.user + c.system) / 1000 / wall)} cores busy)`,
    );
  }

  // a timeout: the worker is terminated and replaced (same shared buffers); how long until the pool is ready again
  const tight = new WorkerBacktest({ market, context, options: { timeoutMs: 5 } });
  (await tight.ready())._unsafeUnwrap();
  s = performance.now();
  const timedOut = await tight.run({ code: STRATEGIES['10 ops'] as string });
  const stopped = performance.now() - s;
  (await tight.ready())._unsafeUnwrap();
  console.log(
    `timeout (5 ms limit): answered ${timedOut.isErr() ? timedOut.error.kind : 'ok?'} after ${f(stopped)} ms; replacement worker ready ${f(performance.now() - s)} ms after the run started`,
  );
  await Promise.all([backtest.close(), two.close(), tight.close()]);
}

await main();
