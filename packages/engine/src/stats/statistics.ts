import { civilFromDays } from '../calendar.js';
import type { Dates } from '../frame.js';
import type { TradesTable } from '../sim/trades.js';

/** One calendar year of the monthly return table; months outside the curve are NaN. */
export interface MonthlyReturnRow {
  readonly year: number;
  /** Jan..Dec; month m's return is M_m / M_{m−1} − 1 with M = the month's last value (first month: vs the first value). */
  readonly months: readonly number[];
  /** Π(1 + m) − 1 over the months with data. */
  readonly ytd: number;
}

/** FinLab/ffn statistics of one period of the equity curve (research/finlab.md §7.1). NaN = not computable. */
export interface PeriodStatistics {
  /** First and last date (epoch days) of the period's curve; NaN when empty. */
  readonly start: number;
  readonly end: number;
  /** Number of curve points. */
  readonly points: number;
  readonly totalReturn: number;
  /** (P_end/P_start)^(1/years) − 1, years = calendar days / 365.25. */
  readonly cagr: number;
  /** min(P / cummax(P) − 1), ≤ 0. */
  readonly maxDrawdown: number;
  /** cagr / |maxDrawdown|. */
  readonly calmar: number;
  /** Arithmetic mean daily return × 252. */
  readonly dailyMean: number;
  /** mean(r − rf_d) / std(r − rf_d, ddof 1) · √252, rf_d = (1+rf)^(1/252) − 1. */
  readonly dailySharpe: number;
  /** mean(r − rf_d) / std(min(r − rf_d, 0), ddof 1) · √252 (old ffn, as FinLab). */
  readonly dailySortino: number;
  /** std(r, ddof 1) · √252. */
  readonly volatility: number;
  readonly bestDay: number;
  readonly worstDay: number;
  /** Mean of each drawdown episode's minimum. */
  readonly avgDrawdown: number;
  /** Mean calendar length of the drawdown episodes. */
  readonly avgDrawdownDays: number;
  /** Share of closed trades (exit in the period) with a positive return. */
  readonly winRatio: number;
  /** Trades entered in the period. */
  readonly trades: number;
  /** Average one-way traded notional per year as a multiple of equity: Σ(buys + sells)/2 / years. */
  readonly turnover: number;
  readonly monthlyReturns: readonly MonthlyReturnRow[];
}

export interface Statistics {
  readonly riskFreeRate: number;
  /** The whole curve. */
  readonly full: PeriodStatistics;
  /** Dates before the split (the whole curve when there is no split). */
  readonly inSample: PeriodStatistics;
  /** Dates on or after the split, measured from the last in-sample value; null without a split. */
  readonly holdout: PeriodStatistics | null;
  readonly splitDate: number | null;
}

export interface StatisticsOptions {
  /** Annual risk-free rate (FinLab: 0.02). */
  readonly riskFreeRate?: number;
  /** First holdout date (epoch day). */
  readonly splitDate?: number;
  /** The trades table and the calendar its indices refer to (for win ratio and trade counts). */
  readonly trades?: { readonly table: TradesTable; readonly calendar: Dates };
  /** Per curve point: traded notional / balance (SimResult.turnover). */
  readonly turnover?: ArrayLike<number>;
}

const YEAR_DAYS = 365.25;

function mean(x: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] as number;
  return to > from ? s / (to - from) : Number.NaN;
}

function sampleStd(x: ArrayLike<number>, from: number, to: number): number {
  const n = to - from;
  if (n < 2) return Number.NaN;
  const m = mean(x, from, to);
  let ss = 0;
  for (let i = from; i < to; i++) ss += ((x[i] as number) - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}

const ratio = (a: number, b: number): number => (b > 0 && Number.isFinite(a) ? a / b : Number.NaN);

/** Monthly return table from a curve (values and epoch-day dates, same length ≥ 1). */
export function monthlyReturnTable(values: ArrayLike<number>, dates: ArrayLike<number>): MonthlyReturnRow[] {
  const n = values.length;
  if (n === 0) return [];
  const rows = new Map<number, number[]>();
  let prevMonthValue = values[0] as number;
  let curKey = -1;
  let curYear = 0;
  let curMonth = 0;
  let lastValue = Number.NaN;
  const flush = (): void => {
    if (curKey < 0) return;
    let row = rows.get(curYear);
    if (row === undefined) {
      row = new Array<number>(12).fill(Number.NaN);
      rows.set(curYear, row);
    }
    row[curMonth - 1] = lastValue / prevMonthValue - 1;
    prevMonthValue = lastValue;
  };
  for (let i = 0; i < n; i++) {
    const { year, month } = civilFromDays(dates[i] as number);
    const key = year * 12 + month;
    if (key !== curKey) {
      flush();
      curKey = key;
      curYear = year;
      curMonth = month;
    }
    lastValue = values[i] as number;
  }
  flush();
  return [...rows.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([year, months]) => {
      let g = 1;
      for (const m of months) if (!Number.isNaN(m)) g *= 1 + m;
      return { year, months, ytd: g - 1 };
    });
}

/** Drawdown episodes (ffn drawdown_details): mean of the episode minima and mean calendar length. */
function drawdownEpisodes(values: ArrayLike<number>, dates: ArrayLike<number>): { avg: number; avgDays: number; max: number } {
  const n = values.length;
  let peak = -Infinity;
  let max = 0;
  let inEpisode = false;
  let epStart = 0;
  let epMin = 0;
  let sumMin = 0;
  let sumDays = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (v > peak) peak = v;
    const dd = v / peak - 1;
    if (dd < max) max = dd;
    if (dd !== 0) {
      if (!inEpisode) {
        inEpisode = true;
        epStart = dates[i] as number;
        epMin = dd;
      } else if (dd < epMin) epMin = dd;
    } else if (inEpisode) {
      inEpisode = false;
      sumMin += epMin;
      sumDays += (dates[i] as number) - epStart;
      count++;
    }
  }
  if (inEpisode) {
    sumMin += epMin;
    sumDays += (dates[n - 1] as number) - epStart;
    count++;
  }
  return { avg: count > 0 ? sumMin / count : Number.NaN, avgDays: count > 0 ? sumDays / count : Number.NaN, max };
}

const EMPTY: PeriodStatistics = {
  start: Number.NaN, end: Number.NaN, points: 0,
  totalReturn: Number.NaN, cagr: Number.NaN, maxDrawdown: Number.NaN, calmar: Number.NaN,
  dailyMean: Number.NaN, dailySharpe: Number.NaN, dailySortino: Number.NaN, volatility: Number.NaN,
  bestDay: Number.NaN, worstDay: Number.NaN, avgDrawdown: Number.NaN, avgDrawdownDays: Number.NaN,
  winRatio: Number.NaN, trades: 0, turnover: Number.NaN, monthlyReturns: [],
};

/**
 * Statistics of `values[from..to)` (a curve segment; `from` is the base point). Trade and turnover figures
 * use `periodFrom` (epoch day, inclusive) .. the segment end.
 */
function periodStatistics(
  values: ArrayLike<number>,
  dates: ArrayLike<number>,
  from: number,
  to: number,
  rf: number,
  periodFrom: number,
  options: StatisticsOptions,
): PeriodStatistics {
  const n = to - from;
  if (n <= 0) return EMPTY;
  const v = Array.prototype.slice.call(values, from, to) as number[];
  const d = Array.prototype.slice.call(dates, from, to) as number[];
  const start = d[0] as number;
  const end = d[n - 1] as number;

  // trades: entered in [periodFrom, end]; win ratio over closed trades exiting in it
  let trades = 0;
  let closed = 0;
  let wins = 0;
  if (options.trades !== undefined) {
    const { table, calendar } = options.trades;
    for (let i = 0; i < table.count; i++) {
      const e = calendar[table.entryIndex[i] as number] as number;
      if (e >= periodFrom && e <= end) trades++;
      const xi = table.exitIndex[i] as number;
      const r = table.return[i] as number;
      if (xi < 0 || r !== r) continue;
      const x = calendar[xi] as number;
      if (x >= periodFrom && x <= end) {
        closed++;
        if (r > 0) wins++;
      }
    }
  }
  const winRatio = closed > 0 ? wins / closed : Number.NaN;
  const years = (end - start) / YEAR_DAYS;
  let turnover = Number.NaN;
  if (options.turnover !== undefined && years > 0) {
    let s = 0;
    for (let i = from; i < to; i++) {
      if ((dates[i] as number) < periodFrom) continue;
      const t = options.turnover[i] as number;
      if (t === t) s += t;
    }
    turnover = s / 2 / years;
  }
  const base = { start, end, points: n, winRatio, trades: options.trades === undefined ? Number.NaN : trades, turnover };
  if (n < 2) return { ...EMPTY, ...base, monthlyReturns: monthlyReturnTable(v, d) };

  const r = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) r[i - 1] = (v[i] as number) / (v[i - 1] as number) - 1;
  const rfd = (1 + rf) ** (1 / 252) - 1;
  const er = r.map((x) => x - rfd);
  const down = er.map((x) => Math.min(x, 0));
  const sqrt252 = Math.sqrt(252);
  const erMean = mean(er, 0, er.length);
  const totalReturn = (v[n - 1] as number) / (v[0] as number) - 1;
  const cagr = years > 0 ? ((v[n - 1] as number) / (v[0] as number)) ** (1 / years) - 1 : Number.NaN;
  const dd = drawdownEpisodes(v, d);
  let best = -Infinity;
  let worst = Infinity;
  for (const x of r) {
    if (x > best) best = x;
    if (x < worst) worst = x;
  }
  const vol = sampleStd(r, 0, r.length);
  return {
    ...base,
    totalReturn: Number.isFinite(totalReturn) ? totalReturn : Number.NaN,
    cagr: Number.isFinite(cagr) ? cagr : Number.NaN,
    maxDrawdown: dd.max,
    calmar: dd.max < 0 && Number.isFinite(cagr) ? cagr / Math.abs(dd.max) : Number.NaN,
    dailyMean: mean(r, 0, r.length) * 252,
    dailySharpe: ratio(erMean, sampleStd(er, 0, er.length)) * sqrt252,
    dailySortino: ratio(erMean, sampleStd(down, 0, down.length)) * sqrt252,
    volatility: vol * sqrt252,
    bestDay: best,
    worstDay: worst,
    avgDrawdown: dd.avg,
    avgDrawdownDays: dd.avgDays,
    monthlyReturns: monthlyReturnTable(v, d),
  };
}

/**
 * FinLab `get_stats` figures (old-ffn formulas, research/finlab.md §7.1) of an equity curve, for the whole
 * curve, the in-sample part (dates < splitDate) and the holdout part (dates ≥ splitDate, measured from the
 * last in-sample value so no day's return is lost). Missing figures are NaN, never made up.
 */
export function computeStatistics(equity: ArrayLike<number>, dates: ArrayLike<number>, options: StatisticsOptions = {}): Statistics {
  const rf = options.riskFreeRate ?? 0.02;
  const n = Math.min(equity.length, dates.length);
  const first = n > 0 ? (dates[0] as number) : Number.NaN;
  const full = periodStatistics(equity, dates, 0, n, rf, first, options);
  if (options.splitDate === undefined) return { riskFreeRate: rf, full, inSample: full, holdout: null, splitDate: null };
  const split = options.splitDate;
  let k = 0; // first index with date ≥ split
  while (k < n && (dates[k] as number) < split) k++;
  const inSample = periodStatistics(equity, dates, 0, k, rf, first, options);
  const holdout = k >= n ? EMPTY : periodStatistics(equity, dates, Math.max(0, k - 1), n, rf, split, options);
  return { riskFreeRate: rf, full, inSample, holdout, splitDate: split };
}
