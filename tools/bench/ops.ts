// What each whole-frame operation costs on the engine benchmark's market (2,000 symbols × 4,000 days by
// default): every kernel the template and 10-operation strategies use, alone, median of several runs.
// Run (one core):
//   cd tools/bench && taskset -c 0 node --conditions=@alphaloop/source --import tsx ops.ts [symbols] [days] [runs]
import {
  binaryKernel,
  pctChangeKernel,
  rankKernel,
  rollingExtremeKernel,
  rollingStdKernel,
  rollingSumKernel,
  selectKernel,
  shiftKernel,
  whereKernel,
} from '@alphaloop/engine';
import { syntheticMarket } from './bench-market.js';

const SYMBOLS = Number(process.argv[2] ?? 2000);
const DAYS = Number(process.argv[3] ?? 4000);
const RUNS = Number(process.argv[4] ?? 7);

const market = syntheticMarket(SYMBOLS, DAYS);
const field = (key: string): Float64Array => (market.fields.get(key) as { values: Float64Array }).values;
const close = field('price:close');
const high = field('price:high');
const size = SYMBOLS * DAYS;
const out = new Float64Array(size);
const pct = new Float64Array(size);
pctChangeKernel(close, DAYS, SYMBOLS, 1, pct);
const mask = new Float64Array(size);
binaryKernel('gt', close, high, mask);

const cases: [string, () => void][] = [
  ['pctChange(1)', () => pctChangeKernel(close, DAYS, SYMBOLS, 1, out)],
  ['shift(1)', () => shiftKernel(close, DAYS, SYMBOLS, 1, false, out)],
  ['average(20) of returns', () => rollingSumKernel(pct, DAYS, SYMBOLS, 20, 10, true, out)],
  ['average(20) of close', () => rollingSumKernel(close, DAYS, SYMBOLS, 20, 10, true, out)],
  ['average(60) of close', () => rollingSumKernel(close, DAYS, SYMBOLS, 60, 30, true, out)],
  ['rolling(20).max() of high', () => rollingExtremeKernel(high, DAYS, SYMBOLS, 20, 'max', out)],
  ['rolling(20).std() of returns', () => rollingStdKernel(pct, DAYS, SYMBOLS, 20, 20, out)],
  ['close > high', () => binaryKernel('gt', close, high, out)],
  ['close / high', () => binaryKernel('div', close, high, out)],
  ['where', () => whereKernel(close, mask, out)],
  ['rank()', () => rankKernel(pct, DAYS, SYMBOLS, out)],
  ['isLargest(20)', () => selectKernel(pct, DAYS, SYMBOLS, 20, 'largest', out)],
];

console.log(`${SYMBOLS} symbols × ${DAYS} days, median of ${RUNS} runs (after one warm-up)`);
for (const [name, run] of cases) {
  run();
  const times: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(32)} ${(times[Math.floor(RUNS / 2)] as number).toFixed(1).padStart(7)} ms`);
}
