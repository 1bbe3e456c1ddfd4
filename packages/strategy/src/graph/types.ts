/**
 * The factor graph: what a strategy compiles to and what the engine evaluates.
 *
 * A graph is a hash-consed DAG (equal sub-expressions are one node) stored in topological order:
 * every node's `args` refer to nodes with smaller ids, and `nodes[i].id === i`. The order is canonical
 * (post-order from the root, arguments left to right), so two strategies that mean the same expression
 * tree have equal graphs, equal canonical source and equal ids. Only nodes reachable from `root` appear.
 */

/** What a node evaluates to. Frames are dates × symbols matrices (NaN = missing); scalars are compile-time constants. */
export type ValueType =
  /** Float matrix; NaN marks a missing value. */
  | 'float_frame'
  /** Boolean matrix (the engine may store it as 0/1); never NaN: a missing input yields false. */
  | 'bool_frame'
  /** A finite number known at compile time (a `const` node). */
  | 'number'
  /** A string known at compile time (only used in params, never as a node). */
  | 'string';

/** Types a node can have (strings only ever appear inside `params`). */
export type NodeType = Exclude<ValueType, 'string'>;

/** Index of a node in `FactorGraph.nodes`. */
export type NodeId = number;

/** A compile-time parameter: a window length, a quantile, a data key, … (see the catalogue per op). */
export type ParamValue = number | string;

export interface GraphNode {
  /** Equal to the node's index in `FactorGraph.nodes`. */
  readonly id: NodeId;
  /** An operation name from `OPERATION_CATALOGUE` (e.g. 'data', 'average', 'gt', 'isLargest'). */
  readonly op: string;
  /** Input nodes, in the order the catalogue lists them (for methods the receiver comes first). */
  readonly args: readonly NodeId[];
  /** Compile-time parameters, in the order the catalogue lists them; every default is filled in. */
  readonly params: readonly ParamValue[];
  readonly type: NodeType;
}

/** Rebalance schedule, FinLab `resample`: calendar day / week end (Sunday) / month end / quarter end. */
export type Resample = 'D' | 'W' | 'M' | 'Q';

/** FinLab `trade_at_price`: which adjusted price of the execution day fills orders. */
export type TradeAt = 'close' | 'open' | 'high' | 'low' | 'open_close_avg' | 'high_low_avg' | 'price_avg';

/**
 * Options of `sim(position, options)`, every one resolved (defaults filled in). Semantics are FinLab's
 * `backtest.sim` (research/finlab.md §2–4); `null` disables a stop. See `SIM_OPTION_SPECS` for bounds.
 */
export interface SimOptions {
  /** `null` = FinLab `resample=None`: trade only when the position row changes. */
  readonly resample: Resample | null;
  /** Positive fraction (0.1 = exit at −10%) or null (disabled). */
  readonly stopLoss: number | null;
  /** Positive fraction (0.2 = exit at +20%) or null (disabled). */
  readonly takeProfit: number | null;
  /** Positive fraction, additive in entry-price units (FinLab), or null (disabled). */
  readonly trailStop: number | null;
  /** Cap on any one holding as a fraction of equity (excess stays in cash). */
  readonly positionLimit: number;
  /** Commission on each buy and each sell. */
  readonly feeRatio: number;
  /** Tax on sells (closing side) only. */
  readonly taxRatio: number;
  readonly tradeAt: TradeAt;
  /** Check stops intraday against open/high/low and fill at the touched level. */
  readonly touchedExit: boolean;
  /** A continuing holding keeps its stop reference (entry cost and peak) across rebalances. */
  readonly retainCostWhenRebalance: boolean;
  /** A name stopped out is excluded from the next rebalance's targets. */
  readonly stopTradingNextPeriod: boolean;
}

export interface FactorGraph {
  /** Topological order; `nodes[i].id === i`; args always point to smaller ids. */
  readonly nodes: readonly GraphNode[];
  /**
   * The position node (a frame). A bool frame means equal weight over the true cells; a float frame gives
   * weights (FinLab: NaN → 0, normalised by max(Σ|w|, 1), negative = short).
   */
  readonly root: NodeId;
  readonly options: SimOptions;
}
