// What each whole-frame operation costs on the engine benchmark's market (2,000 symbols × 4,000 days by
// default): every kernel the template and 10-operation strategies use, alone, median of several runs, in
// TypeScript (plain arrays) and, where it exists, in WebAssembly (the same kernel on a BufferPool's arena).
// Run (one core):
//   cd tools/bench && taskset -c 0 node --conditions=@alphaloop/source --import tsx ops.ts [symbols] [days] [runs]
import {
  BufferPool,
  binaryKernel,
  pctChangeKernel,
  rankKernel,
  rollingExtremeKernel,
  rollingStdKernel,
  rollingSumKernel,
  selectKernel,
  shiftKernel,
  whereKernel,
  type KernelMemory,
  type WasmArena,
} from '@alphaloop/engine';
import { syntheticMarket } from './bench-market.js';

const SYMBOLS = Number(process.argv[2] ?? 2000);
const DAYS = Number(process.argv[3] ?? 4000);
const RUNS = Number(process.argv[4] ?? 7);

const market = syntheticMarket(SYMBOLS, DAYS);
const field = (key: string): Float64Array => (market.fields.get(key) as { values: Float64Array }).values;
const size = SYMBOLS * DAYS;

/** The inputs and an output buffer, as plain arrays or in the pool's WebAssembly arena. */
function buffers(memory: KernelMemory | undefined, arena: WasmArena | undefined) {
  const place = (x: Float64Array): Float64Array => (arena === undefined ? x : arena.adopt(x));
  const close = place(field('price:close'));
  const high = place(field('price:high'));
  const fresh = (): Float64Array => arena?.take(size) ?? new Float64Array(size);
  const out = fresh();
  const pct = fresh();
  pctChangeKernel(close, DAYS, SYMBOLS, 1, pct, memory);
  const mask = fresh();
  binaryKernel('gt', close, high, mask, memory);
  return { close, high, out, pct, mask };
}

type Case = [string, (m: KernelMemory | undefined, b: ReturnType<typeof buffers>) => void, boolean];
const cases: Case[] = [
  ['pctChange(1)', (m, b) => pctChangeKernel(b.close, DAYS, SYMBOLS, 1, b.out, m), true],
  ['shift(1)', (_m, b) => shiftKernel(b.close, DAYS, SYMBOLS, 1, false, b.out), false],
  ['average(20) of returns', (m, b) => rollingSumKernel(b.pct, DAYS, SYMBOLS, 20, 10, true, b.out, undefined, m), true],
  ['average(20) of close', (m, b) => rollingSumKernel(b.close, DAYS, SYMBOLS, 20, 10, true, b.out, undefined, m), true],
  ['average(60) of close', (m, b) => rollingSumKernel(b.close, DAYS, SYMBOLS, 60, 30, true, b.out, undefined, m), true],
  ['rolling(20).max() of high', (m, b) => rollingExtremeKernel(b.high, DAYS, SYMBOLS, 20, 'max', b.out, m), true],
  ['rolling(20).std() of returns', (m, b) => rollingStdKernel(b.pct, DAYS, SYMBOLS, 20, 20, b.out, m), true],
  ['close > high', (m, b) => binaryKernel('gt', b.close, b.high, b.out, m), true],
  ['close > 100 (a number)', (m, b) => binaryKernel('gt', b.close, 100, b.out, m), true],
  ['close / high', (m, b) => binaryKernel('div', b.close, b.high, b.out, m), true],
  ['where', (m, b) => whereKernel(b.close, b.mask, b.out, m), true],
  ['rank()', (_m, b) => rankKernel(b.pct, DAYS, SYMBOLS, b.out), false],
  ['isLargest(20)', (_m, b) => selectKernel(b.pct, DAYS, SYMBOLS, 20, 'largest', b.out), false],
];

/** The arena as kernel memory whose state allocations are given back after each run. */
function scoped(arena: WasmArena): { memory: KernelMemory; done(): void } {
  const state: Float64Array[] = [];
  return {
    memory: { wasm: arena.wasm, pointer: (v) => arena.pointer(v), alloc: (n) => {
      const b = arena.alloc(n);
      state.push(b);
      return b;
    } },
    done: () => {
      for (const b of state.splice(0)) arena.release(b);
    },
  };
}

function median(run: () => void): number {
  run();
  const times: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)] as number;
}

const pool = new BufferPool();
const arena = pool.arena;
const plain = buffers(undefined, undefined);
const inArena = arena === undefined ? undefined : buffers(arena, arena);
console.log(`${SYMBOLS} symbols × ${DAYS} days, median of ${RUNS} runs (after one warm-up)`);
console.log(`${'operation'.padEnd(32)} ${'TypeScript'.padStart(11)} ${'WebAssembly'.padStart(12)}`);
for (const [name, run, hasWasm] of cases) {
  const ts = median(() => run(undefined, plain));
  const wasm =
    hasWasm && inArena !== undefined && arena !== undefined
      ? median(() => {
          const scope = scoped(arena);
          run(scope.memory, inArena);
          scope.done();
        })
      : undefined;
  console.log(`${name.padEnd(32)} ${ts.toFixed(1).padStart(8)} ms ${wasm === undefined ? '—'.padStart(12) : `${wasm.toFixed(1).padStart(9)} ms`}`);
}
