/**
 * Cross-check against the independent pandas implementation in tools/bench/reference/finlab_sim.py:
 * exports a synthetic market and positions, runs both simulations for many option sets and compares the
 * equity curves to 1e-9. Needs Debian's python3-pandas (CI installs it; skipped locally without it).
 */
import type { SimOptions } from '@alphaloop/strategy';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isoDate, sim, type Frame, type PriceFrames } from '../src/index.js';

const PYTHON = '/usr/bin/python3';
/** The reference script, found from this file upwards (the test also runs from Stryker's sandbox copy). */
function findScript(): string {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'tools/bench/reference/finlab_sim.py');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error('tools/bench/reference/finlab_sim.py not found above this test');
  }
}
const SCRIPT = findScript();
const hasPandas = spawnSync(PYTHON, ['-c', 'import pandas'], { encoding: 'utf8' }).status === 0;
if (!hasPandas && process.env.CI) throw new Error('python3-pandas is required in CI (apt-get install python3-pandas)');

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 260 weekdays × 40 symbols: random walks with suspensions, late listings and delistings, OHLC. */
function market(): { prices: Required<PriceFrames>; score: Frame } {
  const rnd = rng(42);
  const rows = 260;
  const cols = 40;
  const dates: number[] = [];
  for (let d = 19_000; dates.length < rows; d++) if ((((d + 3) % 7) + 7) % 7 < 5) dates.push(d);
  const symbols = Array.from({ length: cols }, (_, j) => `S${String(j).padStart(3, '0')}`);
  const mk = (): Float64Array => new Float64Array(rows * cols);
  const [close, open, high, low, score] = [mk(), mk(), mk(), mk(), mk()];
  for (let j = 0; j < cols; j++) {
    let px = 20 + rnd() * 80;
    const listed = j % 7 === 3 ? Math.floor(rnd() * 100) : 0;
    const delisted = j % 11 === 5 ? 120 + Math.floor(rnd() * 100) : rows;
    for (let t = 0; t < rows; t++) {
      const i = t * cols + j;
      const suspended = rnd() < 0.02;
      const prevPx = px;
      px *= 1 + (rnd() - 0.5) * 0.1;
      if (t < listed || t >= delisted || suspended) {
        close[i] = open[i] = high[i] = low[i] = Number.NaN;
        if (suspended) px = prevPx;
      } else {
        const o = prevPx * (1 + (rnd() - 0.5) * 0.04);
        close[i] = px;
        open[i] = o;
        high[i] = Math.max(o, px) * (1 + rnd() * 0.05);
        low[i] = Math.min(o, px) * (1 - rnd() * 0.05);
      }
      score[i] = Number.isNaN(close[i] as number) ? Number.NaN : rnd();
    }
  }
  const f = (values: Float64Array): Frame => ({ dates: Int32Array.from(dates), symbols, values });
  return { prices: { close: f(close), open: f(open), high: f(high), low: f(low) }, score: f(score) };
}

/** Positions: daily top-5 booleans; float long/short weights on weekly rows dated Saturdays; sparse switches. */
function positions(score: Frame): Record<string, Frame> {
  const rows = score.dates.length;
  const cols = score.symbols.length;
  const top = new Float64Array(rows * cols);
  for (let t = 0; t < rows; t++) {
    const order = Array.from({ length: cols }, (_, j) => j)
      .filter((j) => !Number.isNaN(score.values[t * cols + j] as number))
      .sort((a, b) => (score.values[t * cols + b] as number) - (score.values[t * cols + a] as number));
    for (const j of order.slice(0, 5)) top[t * cols + j] = 1;
  }
  const satDates: number[] = [];
  const weights: number[] = [];
  const rnd = rng(7);
  for (let t = 4; t < rows; t += 5) {
    satDates.push((score.dates[t] as number) + 1); // the Saturday after a Friday
    for (let j = 0; j < cols; j++) weights.push(rnd() < 0.15 ? (rnd() - 0.3) * 0.4 : rnd() < 0.05 ? Number.NaN : 0);
  }
  const sparse = new Float64Array(rows * cols);
  for (let t = 0; t < rows; t++) for (let j = 0; j < 6; j++) sparse[t * cols + ((Math.floor(t / 40) + j) % cols)] = 1;
  return {
    top5: { dates: score.dates, symbols: score.symbols, values: top },
    weekly: { dates: Int32Array.from(satDates), symbols: score.symbols, values: Float64Array.from(weights) },
    sparse: { dates: score.dates, symbols: score.symbols, values: sparse },
  };
}

const CASES: { name: string; options: Partial<SimOptions> }[] = [
  { name: 'none', options: { resample: null } },
  { name: 'D', options: { resample: 'D' } },
  { name: 'W', options: { resample: 'W' } },
  { name: 'M', options: { resample: 'M' } },
  { name: 'Q', options: { resample: 'Q' } },
  { name: 'M-limit', options: { resample: 'M', positionLimit: 0.1 } },
  { name: 'none-sl', options: { resample: null, stopLoss: 0.05 } },
  { name: 'W-sl-tp-trail', options: { resample: 'W', stopLoss: 0.08, takeProfit: 0.1, trailStop: 0.05 } },
  { name: 'D-sl-nostop', options: { resample: 'D', stopLoss: 0.03, stopTradingNextPeriod: false } },
  { name: 'M-trail-retain', options: { resample: 'M', trailStop: 0.06, retainCostWhenRebalance: true } },
  { name: 'W-touched', options: { resample: 'W', stopLoss: 0.05, takeProfit: 0.08, touchedExit: true } },
  { name: 'none-touched-trail', options: { resample: null, trailStop: 0.04, touchedExit: true } },
  { name: 'open', options: { resample: 'W', tradeAt: 'open', stopLoss: 0.06 } },
  { name: 'price_avg', options: { resample: 'M', tradeAt: 'price_avg', takeProfit: 0.1 } },
  { name: 'no-costs', options: { resample: 'W', feeRatio: 0, taxRatio: 0 } },
];

function writeF64(path: string, values: Float64Array): void {
  writeFileSync(path, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

describe.skipIf(!hasPandas)('engine sim vs the pandas reference (tools/bench/reference)', () => {
  const { prices, score } = market();
  const dir = mkdtempSync(join(tmpdir(), 'alphaloop-ref-'));
  const meta = {
    dates: Array.from(prices.close.dates, isoDate),
    symbols: prices.close.symbols,
    fields: { close: 'close.f64', open: 'open.f64', high: 'high.f64', low: 'low.f64' },
  };
  for (const k of ['close', 'open', 'high', 'low'] as const) writeF64(join(dir, `${k}.f64`), prices[k].values);

  for (const [pname, position] of Object.entries(positions(score))) {
    it(`equity curves agree to 1e-9 for the ${pname} position in ${CASES.length} option sets`, () => {
      writeF64(join(dir, 'position.f64'), position.values);
      writeFileSync(join(dir, 'meta.json'), JSON.stringify({
        ...meta,
        position: { dates: Array.from(position.dates, isoDate), symbols: position.symbols, file: 'position.f64' },
      }));
      writeFileSync(join(dir, 'cases.json'), JSON.stringify(CASES));
      const py = spawnSync(PYTHON, [SCRIPT, 'sim', dir], { encoding: 'utf8' });
      expect(py.status, py.stderr).toBe(0);
      const ref = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as Record<string, { dates: string[]; creturn: number[] }>;
      let worst = 0;
      let trades = 0;
      for (const c of CASES) {
        const r = sim(position, prices, c.options)._unsafeUnwrap();
        trades += r.trades.count;
        const expected = ref[c.name];
        expect(expected, c.name).toBeDefined();
        expect(Array.from(r.dates, isoDate), c.name).toEqual(expected?.dates);
        for (let i = 0; i < r.creturn.length; i++) {
          const diff = Math.abs((r.creturn[i] as number) - (expected?.creturn[i] as number));
          worst = Math.max(worst, diff);
          if (!(diff <= 1e-9)) throw new Error(`${pname}/${c.name}: day ${i} engine ${r.creturn[i]} vs pandas ${expected?.creturn[i]}`);
        }
      }
      expect(worst).toBeLessThanOrEqual(1e-9);
      expect(trades).toBeGreaterThan(100);
    });
  }

  it('cleans up', () => {
    rmSync(dir, { recursive: true, force: true });
  });
});
