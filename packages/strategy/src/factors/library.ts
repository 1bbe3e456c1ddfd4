/**
 * The factor library: named, parameterised sub-expressions with a category, as data. The original
 * system's factors (research/seed-system.md §8.5) are here in a form that always compiles: stateful exits
 * became sim options or stateless signals. Windows count trading days (monthly and quarterly data are
 * forward-filled onto trading days, so a month is about 21 rows).
 *
 * Templates are strategy source: `@role` is a data field (see DATA_ROLES), `{param}` a parameter. A
 * parameter appears only as a method argument or a bare operand (never inside constant arithmetic), so a
 * factor can be recognised in any compiled graph by its printed form.
 */
import type { DataRole } from './data-roles.js';

export type FactorCategory = 'momentum' | 'value' | 'quality' | 'entry' | 'exit' | 'risk';

/**
 * - score: values to rank by (`score.where(entry).isLargest(n)`)
 * - filter: an entry condition, one conjunct of the entry mask
 * - exit_signal: a condition to leave, added to the entry mask as `&& !signal`
 * - time_exit: leave after n days of the entry condition (`&& !entry.sustain(n)`)
 * - stop_option: a `sim` stop option (stopLoss, takeProfit, trailStop)
 */
export type FactorRole = 'score' | 'filter' | 'exit_signal' | 'time_exit' | 'stop_option';

export interface FactorParamSpec {
  readonly name: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

export interface FactorDefinition {
  readonly name: string;
  readonly category: FactorCategory;
  readonly role: FactorRole;
  readonly doc: string;
  readonly params: readonly FactorParamSpec[];
  readonly data: readonly DataRole[];
  /** Strategy source for score, filter and exit_signal factors ('' for the others). */
  readonly template: string;
  /** The sim option a stop_option factor sets. */
  readonly option?: 'stopLoss' | 'takeProfit' | 'trailStop';
}

const int = (name: string, value: number, min: number, max: number): FactorParamSpec => ({ name, default: value, min, max, integer: true });
const real = (name: string, value: number, min: number, max: number): FactorParamSpec => ({ name, default: value, min, max, integer: false });

/** True range (Wilder): max(high − low, |high − previous close|, |low − previous close|). */
const TRUE_RANGE = '(@high - @low).max((@high - @close.shift(1)).abs()).max((@low - @close.shift(1)).abs())';

export const FACTOR_LIBRARY: readonly FactorDefinition[] = [
  // scores
  { name: 'momentum', category: 'momentum', role: 'score', data: ['close'], params: [int('period', 20, 5, 100)],
    template: '@close.pctChange(1).average({period})', doc: 'average daily return over the period (the original momentum factor)' },
  { name: 'price_momentum', category: 'momentum', role: 'score', data: ['close'], params: [int('period', 60, 5, 250)],
    template: '@close.pctChange({period})', doc: 'return over the period' },
  { name: 'revenue_growth', category: 'value', role: 'score', data: ['revenue'], params: [int('period', 252, 21, 504)],
    template: '@revenue.pctChange({period})', doc: 'growth of monthly revenue over the period (252 days ≈ year over year)' },
  { name: 'earnings_yield', category: 'value', role: 'score', data: ['pe'], params: [],
    template: '1 / @pe', doc: 'earnings yield 1 / PE (high = cheap)' },
  { name: 'roe_level', category: 'quality', role: 'score', data: ['roe'], params: [int('period', 63, 1, 252)],
    template: '@roe.average({period})', doc: 'return on equity, smoothed' },
  { name: 'low_volatility', category: 'risk', role: 'score', data: ['close'], params: [int('period', 60, 10, 250)],
    template: '-@close.pctChange(1).rolling({period}).std()', doc: 'negative volatility of daily returns (calm stocks rank high)' },

  // entry filters
  { name: 'ma_filter', category: 'momentum', role: 'filter', data: ['close'], params: [int('period', 60, 10, 200)],
    template: '@close > @close.average({period})', doc: 'close above its moving average' },
  { name: 'dual_ma', category: 'momentum', role: 'filter', data: ['close'], params: [int('fast', 20, 5, 100), int('slow', 60, 10, 250)],
    template: '@close.average({fast}) > @close.average({slow})', doc: 'fast moving average above the slow one' },
  { name: 'rsi_strength', category: 'momentum', role: 'filter', data: ['close'], params: [int('period', 14, 2, 50), real('level', 50, 10, 90)],
    template: '@close.rsi({period}) > {level}', doc: 'RSI above a level' },
  { name: 'breakout', category: 'entry', role: 'filter', data: ['close', 'high'], params: [int('window', 20, 5, 100)],
    template: '@close > @high.rolling({window}).max().shift(1)', doc: "close above the previous window's highest high" },
  { name: 'new_high', category: 'entry', role: 'filter', data: ['close'], params: [int('window', 250, 20, 500)],
    template: '@close >= @close.rolling({window}).max()', doc: 'close at its highest of the window' },
  { name: 'liquidity', category: 'entry', role: 'filter', data: ['volume'], params: [int('period', 20, 5, 60), real('minimum', 1_000_000, 10_000, 100_000_000)],
    template: '@volume.average({period}) > {minimum}', doc: 'average volume above a minimum' },
  { name: 'revenue_catalyst', category: 'value', role: 'filter', data: ['revenue'], params: [int('recent', 63, 21, 126), int('base', 252, 126, 504)],
    template: '@revenue.average({recent}) > @revenue.average({base})', doc: 'recent revenue above its longer average (the original revenue catalyst)' },
  { name: 'low_pe', category: 'value', role: 'filter', data: ['pe'], params: [real('maximum', 15, 3, 60)],
    template: '@pe < {maximum}', doc: 'PE below a maximum' },
  { name: 'earnings_catalyst', category: 'quality', role: 'filter', data: ['roe'], params: [int('recent', 189, 63, 252), int('base', 504, 252, 1000)],
    template: '@roe.average({recent}) > @roe.average({base})', doc: 'recent ROE above its longer average (the original earnings catalyst)' },
  { name: 'atr_filter', category: 'risk', role: 'filter', data: ['close', 'high', 'low'], params: [int('period', 20, 5, 100), real('maximum', 0.05, 0.005, 0.2)],
    template: `${TRUE_RANGE}.average({period}) / @close < {maximum}`, doc: 'average true range (ATR) relative to price below a maximum' },
  { name: 'volatility_filter', category: 'risk', role: 'filter', data: ['close'], params: [int('period', 20, 5, 100), real('maximum', 0.03, 0.005, 0.1)],
    template: '@close.pctChange(1).rolling({period}).std() < {maximum}', doc: 'volatility of daily returns below a maximum' },

  // exit signals (stateless forms of the original's exits)
  { name: 'rolling_trailing_stop', category: 'exit', role: 'exit_signal', data: ['close'], params: [int('lookback', 20, 5, 100), real('trail', 0.1, 0.01, 0.5)],
    template: '1 - @close / @close.rolling({lookback}).max() > {trail}', doc: 'leave when the close is more than trail below its recent high' },
  { name: 'rolling_profit_target', category: 'exit', role: 'exit_signal', data: ['close'], params: [int('lookback', 20, 5, 100), real('target', 0.3, 0.05, 2)],
    template: '@close / @close.rolling({lookback}).min() - 1 > {target}', doc: 'leave when the close is more than target above its recent low' },
  { name: 'volatility_stop', category: 'exit', role: 'exit_signal', data: ['close'], params: [int('period', 20, 5, 100), real('multiplier', 2, 0.5, 5)],
    template: '-@close.pctChange(1) > @close.pctChange(1).rolling({period}).std() * {multiplier}', doc: 'leave after a daily drop larger than multiplier standard deviations' },
  { name: 'atr_stop', category: 'exit', role: 'exit_signal', data: ['close', 'high', 'low'], params: [int('period', 14, 5, 100), real('multiplier', 2, 0.5, 5)],
    template: `@close.shift(1) - @close > ${TRUE_RANGE}.average({period}) * {multiplier}`, doc: 'leave after a daily drop larger than multiplier ATRs' },
  { name: 'time_exit', category: 'exit', role: 'time_exit', data: [], params: [int('days', 20, 2, 120)],
    template: '', doc: 'leave once the entry condition has held for this many days' },

  // stop options of sim
  { name: 'trailing_stop', category: 'exit', role: 'stop_option', data: [], params: [real('fraction', 0.1, 0.01, 0.5)], option: 'trailStop',
    template: '', doc: 'sim trailStop: leave when the return falls this far below its peak' },
  { name: 'stop_loss', category: 'exit', role: 'stop_option', data: [], params: [real('fraction', 0.08, 0.01, 0.5)], option: 'stopLoss',
    template: '', doc: 'sim stopLoss: leave after this loss since entry' },
  { name: 'profit_target', category: 'exit', role: 'stop_option', data: [], params: [real('fraction', 0.3, 0.05, 2)], option: 'takeProfit',
    template: '', doc: 'sim takeProfit: leave after this gain since entry' },
];

const BY_NAME: ReadonlyMap<string, FactorDefinition> = new Map(FACTOR_LIBRARY.map((f) => [f.name, f]));

export function factorByName(name: string): FactorDefinition | undefined {
  return BY_NAME.get(name);
}
