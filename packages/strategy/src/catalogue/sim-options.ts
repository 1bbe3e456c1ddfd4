import type { Resample, SimOptions, TradeAt } from '../graph/types.js';

/** FinLab's defaults (research/finlab.md §2), used when `sim()` omits an option or the strategy returns a bare position. */
export const DEFAULT_SIM_OPTIONS: SimOptions = {
  resample: null,
  stopLoss: null,
  takeProfit: null,
  trailStop: null,
  positionLimit: 1,
  feeRatio: 0.001425,
  taxRatio: 0.003,
  tradeAt: 'close',
  touchedExit: false,
  retainCostWhenRebalance: false,
  stopTradingNextPeriod: true,
};

export const RESAMPLE_VALUES: readonly Resample[] = ['D', 'W', 'M', 'Q'];
export const TRADE_AT_VALUES: readonly TradeAt[] = ['close', 'open', 'high', 'low', 'open_close_avg', 'high_low_avg', 'price_avg'];

export type SimOptionSpec =
  | {
      readonly name: keyof SimOptions;
      readonly type: 'number';
      /** Inclusive bounds; `minExclusive` marks an open lower bound. */
      readonly min: number;
      readonly max: number;
      readonly minExclusive: boolean;
      /** `null` is accepted and means "disabled". */
      readonly nullable: boolean;
      readonly doc: string;
    }
  | { readonly name: keyof SimOptions; readonly type: 'enum'; readonly values: readonly string[]; readonly nullable: boolean; readonly doc: string }
  | { readonly name: keyof SimOptions; readonly type: 'boolean'; readonly nullable: false; readonly doc: string };

/** The options `sim(position, { … })` accepts, in canonical print order. */
export const SIM_OPTION_SPECS: readonly SimOptionSpec[] = [
  { name: 'resample', type: 'enum', values: RESAMPLE_VALUES, nullable: true,
    doc: "rebalance schedule: 'D' daily, 'W' weekly, 'M' month end, 'Q' quarter end, null = whenever the position changes" },
  { name: 'stopLoss', type: 'number', min: 0, max: 1, minExclusive: true, nullable: true, doc: 'exit a holding that lost this fraction since entry (0.1 = −10%)' },
  { name: 'takeProfit', type: 'number', min: 0, max: 10, minExclusive: true, nullable: true, doc: 'exit a holding that gained this fraction since entry' },
  { name: 'trailStop', type: 'number', min: 0, max: 1, minExclusive: true, nullable: true, doc: 'exit when the return falls this much below its peak since entry' },
  { name: 'positionLimit', type: 'number', min: 0, max: 1, minExclusive: true, nullable: false, doc: 'largest weight of one holding (excess stays in cash)' },
  { name: 'feeRatio', type: 'number', min: 0, max: 0.05, minExclusive: false, nullable: false, doc: 'commission per buy and per sell' },
  { name: 'taxRatio', type: 'number', min: 0, max: 0.05, minExclusive: false, nullable: false, doc: 'tax on sells' },
  { name: 'tradeAt', type: 'enum', values: TRADE_AT_VALUES, nullable: false, doc: 'price of the execution day used for fills' },
  { name: 'touchedExit', type: 'boolean', nullable: false, doc: 'check stops intraday and exit at the touched level' },
  { name: 'retainCostWhenRebalance', type: 'boolean', nullable: false, doc: 'keep the stop reference of a continuing holding across rebalances' },
  { name: 'stopTradingNextPeriod', type: 'boolean', nullable: false, doc: 'skip a stopped-out name at the next rebalance' },
];
