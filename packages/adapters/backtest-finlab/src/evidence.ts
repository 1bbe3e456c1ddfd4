import { returnMoments, type FoldSharpe, type ReturnProfile } from '@alphaloop/domain';
import { civilFromDays, isoDate } from '@alphaloop/engine';

/** What selection may know about a backtest beyond its in-sample metrics — all of it from the in-sample period. */
export interface InSampleEvidence {
  readonly folds: readonly FoldSharpe[];
  readonly profile: ReturnProfile | null;
  readonly monthlyReturns: readonly number[];
  readonly dailyReturns: Float64Array | null;
}

/** An equity curve on a calendar: `equity[i]` is the value on `calendar[startIndex + i]` (the engine's SimResult). */
export interface CurveOnCalendar {
  readonly equity: ArrayLike<number>;
  readonly startIndex: number;
  readonly calendar: ArrayLike<number>;
}

export interface EvidenceOptions {
  /** First holdout day (epoch day); null: the whole calendar is in-sample. */
  readonly splitDate: number | null;
  readonly folds: number;
  readonly riskFreeRate: number;
  readonly dailyReturns: boolean;
}

const SQRT_252 = Math.sqrt(252);
/**
 * Monthly returns are kept to 1e-7 (0.00001 %): far below what moves a correlation between trials, and about half
 * the bytes of full precision in every stored record.
 */
const roundReturn = (r: number): number => Math.round(r * 1e7) / 1e7;

/** Annualised Sharpe of the excess returns (mean / sd ddof 1 · √252, the engine's `dailySharpe`); null when undefined. */
function annualisedSharpe(excess: readonly number[]): number | null {
  const sharpe = returnMoments(excess).sharpe * SQRT_252;
  return Number.isFinite(sharpe) ? sharpe : null;
}

/** The first calendar index on or after the split date (the calendar's length without one): in-sample is [0, it). */
export function inSampleEnd(calendar: ArrayLike<number>, splitDate: number | null): number {
  if (splitDate === null) return calendar.length;
  let k = 0;
  while (k < calendar.length && (calendar[k] as number) < splitDate) k++;
  return k;
}

/**
 * The in-sample evidence of a backtest. Everything is placed on the market calendar, so that every strategy of a run
 * is cut at the same dates and their return streams line up:
 * - daily returns on each in-sample trading day after the first; 0 before the strategy's curve starts (it held cash);
 * - folds: the in-sample trading days cut into `folds` contiguous parts of (nearly) equal length; a fold's Sharpe is
 *   that of the curve's own returns inside it (null when the curve has fewer than two there);
 * - the profile (per-day Sharpe, skewness, raw kurtosis) of the curve's in-sample excess returns, so that its Sharpe
 *   times √252 is the in-sample Sharpe;
 * - calendar-month returns of the aligned daily returns (for telling near-identical trials apart).
 */
export function inSampleEvidence(curve: CurveOnCalendar, options: EvidenceOptions): InSampleEvidence {
  const { equity, startIndex, calendar } = curve;
  const k = inSampleEnd(calendar, options.splitDate); // in-sample calendar days [0, k)
  const rfDaily = (1 + options.riskFreeRate) ** (1 / 252) - 1;
  const curveEnd = startIndex + equity.length; // exclusive, in calendar indices
  const m = Math.max(0, k - 1); // returns on calendar days 1 … k − 1
  const aligned = new Float64Array(m);
  const own = new Uint8Array(m); // 1 where the day's return is the curve's own
  const excess: number[] = [];
  for (let c = 1; c < k; c++) {
    if (c <= startIndex || c >= curveEnd) continue;
    const r = (equity[c - startIndex] as number) / (equity[c - startIndex - 1] as number) - 1;
    aligned[c - 1] = r;
    own[c - 1] = 1;
    excess.push(r - rfDaily);
  }
  const folds: FoldSharpe[] = [];
  const count = Math.min(options.folds, m);
  for (let j = 0; j < count; j++) {
    const from = Math.floor((j * m) / count);
    const to = Math.floor(((j + 1) * m) / count);
    const inFold: number[] = [];
    for (let i = from; i < to; i++) if (own[i] === 1) inFold.push((aligned[i] as number) - rfDaily);
    folds.push({ start: isoDate(calendar[from + 1] as number), end: isoDate(calendar[to] as number), sharpe: annualisedSharpe(inFold) });
  }
  const moments = returnMoments(excess);
  const profile: ReturnProfile | null =
    moments.observations >= 2 && [moments.sharpe, moments.skewness, moments.kurtosis].every(Number.isFinite)
      ? { observations: moments.observations, sharpe: moments.sharpe, skewness: moments.skewness, kurtosis: moments.kurtosis }
      : null;
  const monthlyReturns: number[] = [];
  let month = -1;
  let growth = 1;
  for (let c = 1; c < k; c++) {
    const { year, month: mo } = civilFromDays(calendar[c] as number);
    const key = year * 12 + mo;
    if (key !== month) {
      if (month >= 0) monthlyReturns.push(roundReturn(growth - 1));
      month = key;
      growth = 1;
    }
    growth *= 1 + (aligned[c - 1] as number);
  }
  if (month >= 0) monthlyReturns.push(roundReturn(growth - 1));
  return { folds, profile, monthlyReturns, dailyReturns: options.dailyReturns ? aligned : null };
}
