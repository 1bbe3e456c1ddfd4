import { DEFAULT_SIM_OPTIONS, type SimOptions } from '@alphaloop/strategy';
import { err, ok, type Result } from 'neverthrow';
import { engineError, fromException, type EngineError } from '../errors.js';
import { columnMap, sameGrid, sameSymbols, validateFrame, type Dates, type Frame } from '../frame.js';
import { buildSchedule, runEndIndex, upperBound } from './schedule.js';
import { ExitCode, TradeTracker, type TradesTable } from './trades.js';

/** Adjusted price frames on the trading calendar (one grid). open/high/low are needed for `tradeAt` other
 * than 'close' and for `touchedExit`. */
export interface PriceFrames {
  readonly close: Frame;
  readonly open?: Frame;
  readonly high?: Frame;
  readonly low?: Frame;
}

export interface SimResult {
  /** The price calendar (trading days) the run used. */
  readonly calendar: Dates;
  /** Index in `calendar` of `dates[0]`. */
  readonly startIndex: number;
  /** Trading days of the equity curve: from the last day at 1.0 before the first change to the run end. */
  readonly dates: Int32Array;
  /** Daily equity, starting at 1.0 (FinLab `creturn`). */
  readonly creturn: Float64Array;
  /** Daily returns creturn[t]/creturn[t−1] − 1; returns[0] is NaN. */
  readonly returns: Float64Array;
  /** Per curve day: traded notional (buys + sells) / balance before trading. */
  readonly turnover: Float64Array;
  readonly trades: TradesTable;
  /** Calendar indices of the days a rebalance was executed. */
  readonly rebalanceIndices: Int32Array;
  readonly options: SimOptions;
}

function tradePriceMatrix(prices: PriceFrames, tradeAt: SimOptions['tradeAt']): Result<Float64Array, EngineError> {
  const need = (f: Frame | undefined, name: string): Result<Float64Array, EngineError> =>
    f === undefined ? err(engineError('data_missing', `sim: tradeAt '${tradeAt}' needs the adjusted ${name} price frame`)) : ok(f.values);
  const avg = (parts: Float64Array[]): Float64Array => {
    const out = new Float64Array(prices.close.values.length);
    const k = parts.length;
    for (let i = 0; i < out.length; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += (parts[j] as Float64Array)[i] as number;
      out[i] = s / k;
    }
    return out;
  };
  switch (tradeAt) {
    case 'close':
      return ok(prices.close.values);
    case 'open':
      return need(prices.open, 'open');
    case 'high':
      return need(prices.high, 'high');
    case 'low':
      return need(prices.low, 'low');
    case 'open_close_avg':
      return need(prices.open, 'open').map((o) => avg([o, prices.close.values]));
    case 'high_low_avg':
      return need(prices.high, 'high').andThen((h) => need(prices.low, 'low').map((l) => avg([h, l])));
    case 'price_avg':
      return need(prices.open, 'open').andThen((o) =>
        need(prices.high, 'high').andThen((h) => need(prices.low, 'low').map((l) => avg([o, h, l, prices.close.values]))),
      );
  }
}

function validateOptions(o: SimOptions): Result<SimOptions, EngineError> {
  const bad = (m: string): Result<SimOptions, EngineError> => err(engineError('invalid_input', `sim options: ${m}`));
  const positive = (v: number | null): boolean => v === null || (Number.isFinite(v) && v > 0);
  if (!positive(o.stopLoss)) return bad('stopLoss must be a positive fraction or null');
  if (!positive(o.takeProfit)) return bad('takeProfit must be a positive fraction or null');
  if (!positive(o.trailStop)) return bad('trailStop must be a positive fraction or null');
  if (!(Number.isFinite(o.positionLimit) && o.positionLimit > 0)) return bad('positionLimit must be > 0');
  if (!(Number.isFinite(o.feeRatio) && o.feeRatio >= 0 && o.feeRatio < 1)) return bad('feeRatio must be in [0, 1)');
  if (!(Number.isFinite(o.taxRatio) && o.taxRatio >= 0 && o.taxRatio < 1)) return bad('taxRatio must be in [0, 1)');
  if (o.resample !== null && !['D', 'W', 'M', 'Q'].includes(o.resample)) return bad(`unknown resample '${String(o.resample)}'`);
  return ok(o);
}

/**
 * FinLab `sim()` (research/finlab.md §3–4): next-trading-day execution, resample schedules, weight
 * normalisation by max(Σ|w|, 1), position limit, fee on every trade and tax on the closing side,
 * close-based and touched stops, retainCostWhenRebalance, stopTradingNextPeriod.
 *
 * `position` may be on any dates (rows on non-trading days execute after their signal day) and any symbols
 * (columns missing from the prices are dropped); bool frames are 1/0 weights; NaN → 0; negative = short.
 * Never throws.
 */
export function sim(position: Frame, prices: PriceFrames, options: Partial<SimOptions> = {}): Result<SimResult, EngineError> {
  const opts: SimOptions = { ...DEFAULT_SIM_OPTIONS, ...options };
  try {
    return validateOptions(opts)
      .andThen(() => validateFrame(position, 'position'))
      .andThen(() => validateFrame(prices.close, 'close'))
      .andThen((): Result<Float64Array, EngineError> => {
        for (const [name, f] of [['open', prices.open], ['high', prices.high], ['low', prices.low]] as const) {
          if (f !== undefined && !sameGrid(f, prices.close)) {
            return err(engineError('invalid_input', `sim: the ${name} price frame is not on the close frame's grid`));
          }
        }
        if (opts.touchedExit && (prices.open === undefined || prices.high === undefined || prices.low === undefined)) {
          return err(engineError('data_missing', 'sim: touchedExit needs the adjusted open, high and low price frames'));
        }
        if (prices.close.dates.length === 0) return err(engineError('data_missing', 'sim: the price calendar is empty'));
        return tradePriceMatrix(prices, opts.tradeAt);
      })
      .andThen((trade) => runSim(position, prices, trade, opts));
  } catch (e) {
    return err(fromException(e, 'sim'));
  }
}

function runSim(position: Frame, prices: PriceFrames, trade: Float64Array, opts: SimOptions): Result<SimResult, EngineError> {
  const calendar = prices.close.dates;
  const symbols = prices.close.symbols;
  const close = prices.close.values;
  const S = symbols.length;
  const N = calendar.length;
  const fee = opts.feeRatio;
  const feeTax = opts.feeRatio + opts.taxRatio;

  // position weights on price columns: the position's own values when it has the prices' symbols (NaN read
  // as 0), otherwise a copy mapped onto the price columns (columns missing from the prices are dropped first)
  const P = position.dates.length;
  const pc = position.symbols.length;
  let weights: Float64Array;
  let firstRowHasValue = false;
  if (sameSymbols(position.symbols, symbols)) {
    weights = position.values;
    for (let j = 0; j < Math.min(S, weights.length); j++) if (weights[j] === weights[j]) firstRowHasValue = true;
  } else {
    const toPrice = columnMap(symbols, position.symbols); // position col → price col
    weights = new Float64Array(P * S).fill(Number.NaN);
    for (let r = 0; r < P; r++) {
      for (let j = 0; j < pc; j++) {
        const c = toPrice[j] as number;
        if (c >= 0) weights[r * S + c] = position.values[r * pc + j] as number;
      }
    }
    for (let j = 0; j < Math.min(S, weights.length); j++) if (weights[j] === weights[j]) firstRowHasValue = true;
  }

  const runEnd = P === 0 ? N - 1 : runEndIndex(position, calendar);
  if (runEnd < 0) return err(engineError('invalid_input', 'sim: the position ends before the price data starts'));
  const schedule = buildSchedule(position.dates, weights, S, firstRowHasValue, calendar, opts.resample).filter((r) => r.execIndex <= runEnd);

  // stop thresholds (null = disabled)
  const stopsOn = opts.stopLoss !== null || opts.takeProfit !== null || opts.trailStop !== null;
  const tpUpper = opts.takeProfit === null ? Infinity : 1 + opts.takeProfit;
  const tpLower = opts.takeProfit === null ? -Infinity : 1 - opts.takeProfit;
  const slLower = opts.stopLoss === null ? -Infinity : 1 - opts.stopLoss;
  const slUpper = opts.stopLoss === null ? Infinity : 1 + opts.stopLoss;
  const trail = opts.trailStop === null ? Infinity : opts.trailStop;
  const touched = opts.touchedExit && stopsOn;
  const open = prices.open?.values;
  const high = prices.high?.values;
  const low = prices.low?.values;
  const periodic = opts.resample !== null;

  // portfolio state
  let cash = 1;
  const held = new Uint8Array(S);
  let heldList = new Int32Array(S);
  let heldCount = 0;
  const pos = new Float64Array(S);
  const prev = new Float64Array(S).fill(Number.NaN);
  const cr = new Float64Array(S).fill(1);
  const maxcr = new Float64Array(S).fill(1);
  const rToday = new Float64Array(S).fill(1);
  const prevToday = new Float64Array(S).fill(Number.NaN);
  // stops
  let pending = new Int32Array(S);
  let pendingReason = new Uint8Array(S);
  let pendingCount = 0;
  let today = new Int32Array(S);
  let todayReason = new Uint8Array(S);
  const stopped = new Uint8Array(S);
  const stoppedList = new Int32Array(S);
  let stoppedCount = 0;
  const tracker = new TradeTracker(symbols, close, trade, fee, feeTax);
  // today's targets: w[s] for the symbols in `targets` (ascending), 0 elsewhere (NaN and −0 read as 0)
  const w = new Float64Array(S);
  const targets = new Int32Array(S);
  let targetCount = 0;
  let nextHeld = new Int32Array(S);
  const creturnFull = new Float64Array(N).fill(1);
  const turnoverFull = new Float64Array(N);
  const rebalanceIndices = new Int32Array(schedule.length);
  let rebalanceCount = 0;

  const firstDay = schedule.length > 0 ? (schedule[0]?.execIndex as number) : runEnd + 1;
  let next = 0;
  for (let d = firstDay; d <= runEnd; d++) {
    const o = d * S;
    const reb = next < schedule.length ? schedule[next] : undefined;
    const isRebalance = reb !== undefined && reb.execIndex === d;
    if (heldCount === 0 && pendingCount === 0 && !isRebalance) {
      creturnFull[d] = cash;
      continue;
    }

    // 1. mark to market at the trade price; the trade path at the close
    for (let i = 0; i < heldCount; i++) {
      const s = heldList[i] as number;
      const p = trade[o + s] as number;
      if (p === p) {
        const pv = prev[s] as number;
        if (pv !== pv) {
          rToday[s] = 1;
          prevToday[s] = Number.NaN;
        } else {
          const r = p / pv;
          pos[s] = (pos[s] as number) * r;
          const c1 = (cr[s] as number) * r;
          cr[s] = c1;
          if (c1 > (maxcr[s] as number)) maxcr[s] = c1;
          rToday[s] = r;
          prevToday[s] = pv;
        }
        prev[s] = p;
      } else {
        rToday[s] = 1;
        prevToday[s] = Number.NaN;
      }
      tracker.mark(s, close[o + s] as number);
    }
    let balance = cash;
    for (let i = 0; i < heldCount; i++) balance += pos[heldList[i] as number] as number;
    let traded = 0;
    let removed = false;

    // 2. stop detection (touched: exit now; close-based: queue for tomorrow)
    let todayCount = 0;
    if (stopsOn && heldCount > 0) {
      for (let i = 0; i < heldCount; i++) {
        const s = heldList[i] as number;
        const long = (pos[s] as number) > 0;
        const mc = maxcr[s] as number;
        const upper = long ? tpUpper : Math.min(slUpper, mc + trail);
        const lower = long ? Math.max(slLower, mc - trail) : tpLower;
        if (touched) {
          const op = (open as Float64Array)[o + s] as number;
          const hi = (high as Float64Array)[o + s] as number;
          const lo = (low as Float64Array)[o + s] as number;
          const pv = prevToday[s] as number;
          const c = close[o + s] as number;
          if (op !== op || hi !== hi || lo !== lo || pv !== pv || c !== c) continue;
          const r = rToday[s] as number;
          const c0 = (cr[s] as number) / r;
          const openR = c0 * (op / pv);
          const highR = c0 * (hi / pv);
          const lowR = c0 * (lo / pv);
          let ratio: number;
          let reason: number;
          if (openR >= upper || openR <= lower) {
            ratio = openR / r;
            const tp = long ? openR >= upper : openR <= lower;
            reason = tp ? ExitCode.TakeProfit : stopKind(long, mc, trail, slLower, slUpper);
          } else if (highR >= upper) {
            ratio = upper / (cr[s] as number);
            reason = long ? ExitCode.TakeProfit : stopKind(long, mc, trail, slLower, slUpper);
          } else if (lowR <= lower) {
            ratio = lower / (cr[s] as number);
            reason = long ? stopKind(long, mc, trail, slLower, slUpper) : ExitCode.TakeProfit;
          } else continue;
          const v = (pos[s] as number) * ratio;
          cash += v - Math.abs(v) * feeTax;
          traded += Math.abs(v);
          tracker.close(s, d, d, (trade[o + s] as number) * ratio, true, reason);
          held[s] = 0;
          pos[s] = 0;
          cr[s] = 1;
          maxcr[s] = 1;
          removed = true;
          if (stopped[s] === 0) {
            stopped[s] = 1;
            stoppedList[stoppedCount++] = s;
          }
        } else {
          const c = close[o + s] as number;
          const p = trade[o + s] as number;
          const crc = c === c && p === p ? ((cr[s] as number) * c) / p : (cr[s] as number);
          let reason = -1;
          if (long) {
            if (crc >= upper) reason = ExitCode.TakeProfit;
            else if (crc < lower) reason = stopKind(long, mc, trail, slLower, slUpper);
          } else if (crc >= upper) reason = stopKind(long, mc, trail, slLower, slUpper);
          else if (crc < lower) reason = ExitCode.TakeProfit;
          if (reason >= 0) {
            today[todayCount] = s;
            todayReason[todayCount++] = reason;
          }
        }
      }
    }

    // the raw target row of today's rebalance (needed to know which stops a rebalance overrides)
    if (isRebalance) {
      for (let k = 0; k < targetCount; k++) w[targets[k] as number] = 0;
      targetCount = 0;
      const base = reb.row * S;
      for (let s = 0; s < S; s++) {
        const v = weights[base + s] as number;
        if (v !== 0 && v === v) {
          w[s] = v;
          targets[targetCount++] = s;
        }
      }
    }

    // 3. execute yesterday's close-based stops at today's trade price
    for (let i = 0; i < pendingCount; i++) {
      const s = pending[i] as number;
      if (held[s] === 0) continue;
      if (isRebalance && !opts.stopTradingNextPeriod && w[s] !== 0) continue;
      const v = pos[s] as number;
      cash += v - Math.abs(v) * feeTax;
      traded += Math.abs(v);
      tracker.close(s, d, d - 1, trade[o + s] as number, true, pendingReason[i] as number);
      held[s] = 0;
      pos[s] = 0;
      cr[s] = 1;
      maxcr[s] = 1;
      removed = true;
      if (stopped[s] === 0) {
        stopped[s] = 1;
        stoppedList[stoppedCount++] = s;
      }
    }
    // 4. today's detections (still held) become tomorrow's queue
    {
      let k = 0;
      for (let i = 0; i < todayCount; i++) {
        const s = today[i] as number;
        if (held[s] === 1) {
          today[k] = s;
          todayReason[k++] = todayReason[i] as number;
        }
      }
      const a = pending;
      const ar = pendingReason;
      pending = today;
      pendingReason = todayReason;
      pendingCount = k;
      today = a;
      todayReason = ar;
    }
    if (removed) {
      let k = 0;
      for (let i = 0; i < heldCount; i++) {
        const s = heldList[i] as number;
        if (held[s] === 1) heldList[k++] = s;
      }
      heldCount = k;
    }

    // 5. rebalance
    if (isRebalance) {
      next++;
      rebalanceIndices[rebalanceCount++] = d;
      if (opts.stopTradingNextPeriod) for (let i = 0; i < stoppedCount; i++) w[stoppedList[i] as number] = 0;
      for (let i = 0; i < stoppedCount; i++) stopped[stoppedList[i] as number] = 0;
      stoppedCount = 0;
      // (zeros add nothing to the sum; the symbols with a target or a holding are all the loop below can touch)
      let sumAbs = 0;
      for (let k = 0; k < targetCount; k++) sumAbs += Math.abs(w[targets[k] as number] as number);
      let B = cash;
      for (let i = 0; i < heldCount; i++) B += pos[heldList[i] as number] as number;
      const ratio = B / Math.max(sumAbs, 1);
      const cap = B * opts.positionLimit;
      // the targets and the holdings merged in ascending symbol order (the order trades and cash add up in)
      let nextCount = 0;
      for (let a = 0, h = 0; a < targetCount || h < heldCount; ) {
        const ta = a < targetCount ? (targets[a] as number) : S;
        const th = h < heldCount ? (heldList[h] as number) : S;
        const s = ta < th ? ta : th;
        if (ta === s) a++;
        if (th === s) h++;
        const ws = w[s] as number;
        const wasHeld = held[s] === 1;
        if (ws === 0 && !wasHeld) continue;
        const V = wasHeld ? (pos[s] as number) : 0;
        let T = ws * ratio;
        if (T > cap) T = cap;
        else if (T < -cap) T = -cap;
        const p = trade[o + s] as number;
        if (T === 0) {
          if (wasHeld) {
            cash += V - Math.abs(V) * feeTax;
            traded += Math.abs(V);
            tracker.close(s, d, d - 1, p, true, ExitCode.Rebalance);
            held[s] = 0;
            pos[s] = 0;
            cr[s] = 1;
            maxcr[s] = 1;
          }
          continue;
        }
        const A = T - V;
        let nv = V;
        if (A > 0) {
          const cost = T >= 0 ? A * fee : A * feeTax;
          cash -= A;
          nv = V + A - cost;
          traded += A;
        } else if (A < 0) {
          const cost = T <= 0 ? -A * fee : -A * feeTax;
          cash += -A - cost;
          nv = V + A;
          traded -= A;
        }
        const flip = wasHeld && V * T < 0;
        if (!wasHeld) tracker.open(s, d, T / B, true);
        else if (flip) {
          tracker.close(s, d, d - 1, p, true, ExitCode.Rebalance);
          tracker.open(s, d, T / B, true);
        } else if (periodic && !opts.retainCostWhenRebalance) {
          tracker.close(s, d, d - 1, p, false, ExitCode.Split);
          tracker.open(s, d, T / B, false);
        }
        if (!wasHeld || flip || !opts.retainCostWhenRebalance) {
          cr[s] = 1;
          maxcr[s] = 1;
        }
        if (p === p) prev[s] = p;
        else if (!wasHeld || flip) prev[s] = Number.NaN;
        pos[s] = nv;
        held[s] = 1;
        nextHeld[nextCount++] = s;
      }
      const previous = heldList;
      heldList = nextHeld;
      nextHeld = previous;
      heldCount = nextCount;
    }

    // 6. equity valued at the close
    let eq = cash;
    for (let i = 0; i < heldCount; i++) {
      const s = heldList[i] as number;
      const c = close[o + s] as number;
      const p = trade[o + s] as number;
      const v = pos[s] as number;
      eq += c === c && p === p ? (v * c) / p : v;
    }
    creturnFull[d] = eq;
    if (traded > 0) turnoverFull[d] = balance !== 0 ? traded / Math.abs(balance) : Number.NaN;
  }

  // open trades: marked to the last day, no exit costs
  for (let i = 0; i < heldCount; i++) tracker.finishOpen(heldList[i] as number, runEnd);

  // the curve starts on the last 1.0 before the first change (FinLab post-processing)
  let start = -1;
  for (let d = firstDay; d <= runEnd; d++) {
    if (creturnFull[d] !== 1) {
      start = Math.max(0, d - 1);
      break;
    }
  }
  if (start < 0) {
    const p0 = P > 0 ? (position.dates[0] as number) : (calendar[0] as number);
    start = Math.min(runEnd, Math.max(0, schedule.length > 0 ? firstDay - 1 : upperBound(calendar, p0) - 1));
  }
  const len = runEnd - start + 1;
  const dates = new Int32Array(len);
  for (let i = 0; i < len; i++) dates[i] = calendar[start + i] as number;
  const creturn = creturnFull.slice(start, runEnd + 1);
  const returns = new Float64Array(len);
  returns[0] = Number.NaN;
  for (let i = 1; i < len; i++) returns[i] = (creturn[i] as number) / (creturn[i - 1] as number) - 1;
  return ok({
    calendar,
    startIndex: start,
    dates,
    creturn,
    returns,
    turnover: turnoverFull.slice(start, runEnd + 1),
    trades: tracker.build(),
    rebalanceIndices: rebalanceIndices.slice(0, rebalanceCount),
    options: opts,
  });
}

/** Which stop fired on the losing side: the trailing stop when its level is the binding one. */
function stopKind(long: boolean, maxcr: number, trail: number, slLower: number, slUpper: number): number {
  if (long) return maxcr - trail > slLower ? ExitCode.TrailStop : ExitCode.StopLoss;
  return maxcr + trail < slUpper ? ExitCode.TrailStop : ExitCode.StopLoss;
}
