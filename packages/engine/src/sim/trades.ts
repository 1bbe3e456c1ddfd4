/** Why a trade ended. */
export type ExitReason = 'open' | 'rebalance' | 'split' | 'stop_loss' | 'take_profit' | 'trail_stop';
export const EXIT_REASONS: readonly ExitReason[] = ['open', 'rebalance', 'split', 'stop_loss', 'take_profit', 'trail_stop'];
/** Numeric codes stored in `TradesTable.exitReason` (index into `EXIT_REASONS`). */
export const ExitCode = {
  Open: 0,
  Rebalance: 1,
  /** A periodic rebalance closed a continuing holding into a new trade (FinLab: no costs). */
  Split: 2,
  StopLoss: 3,
  TakeProfit: 4,
  TrailStop: 5,
} as const;

/**
 * The trades table, column-oriented (a `'D'` rebalance splits every holding into a trade per day, so the
 * table can be large). Indices are into the price calendar (`SimResult.calendar`); −1 = none.
 */
export interface TradesTable {
  readonly count: number;
  readonly symbols: readonly string[];
  /** Column of the price frame (index into `symbols`). */
  readonly symbol: Int32Array;
  readonly entryIndex: Int32Array;
  /** −1 while the trade is open. */
  readonly exitIndex: Int32Array;
  /** Trading day before entry (−1 if none). */
  readonly entrySigIndex: Int32Array;
  /** Trading day before exit; the exit day itself for a touched exit; −1 while open. */
  readonly exitSigIndex: Int32Array;
  /** Target weight at entry (target value / balance), negative for shorts. */
  readonly position: Float64Array;
  /** Adjusted trade prices at entry / exit (NaN when missing or open). */
  readonly entryPrice: Float64Array;
  readonly exitPrice: Float64Array;
  /** Per-trade return incl. the costs of the transactions that opened/closed it (open trades: to the last day). */
  readonly return: Float64Array;
  /** Holding length in trading bars (open trades: to the last day). */
  readonly period: Int32Array;
  /** Excursions of the trade's value path g (FinLab §6.1): min(1, min g) − 1, max(1, max g) − 1, … */
  readonly mae: Float64Array;
  readonly gmfe: Float64Array;
  readonly bmfe: Float64Array;
  readonly mdd: Float64Array;
  readonly pdays: Int32Array;
  /** ExitCode per trade; see `EXIT_REASONS`. */
  readonly exitReason: Uint8Array;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const INT_COLUMNS = ['symbol', 'entryIndex', 'exitIndex', 'entrySigIndex', 'exitSigIndex', 'period', 'pdays'] as const;
const FLOAT_COLUMNS = ['position', 'entryPrice', 'exitPrice', 'return', 'mae', 'gmfe', 'bmfe', 'mdd'] as const;

/** Growable builder of a `TradesTable`. */
export class TradesBuilder {
  private table: Mutable<TradesTable>;
  private capacity: number;

  constructor(symbols: readonly string[], capacity = 64) {
    this.capacity = capacity;
    this.table = {
      count: 0,
      symbols,
      symbol: new Int32Array(capacity),
      entryIndex: new Int32Array(capacity),
      exitIndex: new Int32Array(capacity),
      entrySigIndex: new Int32Array(capacity),
      exitSigIndex: new Int32Array(capacity),
      position: new Float64Array(capacity),
      entryPrice: new Float64Array(capacity),
      exitPrice: new Float64Array(capacity),
      return: new Float64Array(capacity),
      period: new Int32Array(capacity),
      mae: new Float64Array(capacity),
      gmfe: new Float64Array(capacity),
      bmfe: new Float64Array(capacity),
      mdd: new Float64Array(capacity),
      pdays: new Int32Array(capacity),
      exitReason: new Uint8Array(capacity),
    };
  }

  /** Appends a row and returns its index (fields are then set through `t`). */
  push(): number {
    if (this.table.count === this.capacity) this.grow();
    return this.table.count++;
  }

  get t(): Mutable<TradesTable> {
    return this.table;
  }

  private grow(): void {
    const cap = this.capacity * 2;
    const t = this.table;
    for (const k of INT_COLUMNS) {
      const a = new Int32Array(cap);
      a.set(t[k]);
      t[k] = a;
    }
    for (const k of FLOAT_COLUMNS) {
      const a = new Float64Array(cap);
      a.set(t[k]);
      t[k] = a;
    }
    const r = new Uint8Array(cap);
    r.set(t.exitReason);
    t.exitReason = r;
    this.capacity = cap;
  }

  /** The table trimmed to its row count. */
  build(): TradesTable {
    const t = this.table;
    const n = t.count;
    const out: Mutable<TradesTable> = { ...t };
    for (const k of INT_COLUMNS) out[k] = t[k].slice(0, n);
    for (const k of FLOAT_COLUMNS) out[k] = t[k].slice(0, n);
    out.exitReason = t.exitReason.slice(0, n);
    return out;
  }
}

/** One trade as a plain object (for reports and tests). Dates are epoch days (NaN when none). */
export interface TradeRecord {
  readonly symbol: string;
  readonly entryDate: number;
  readonly exitDate: number;
  readonly entrySigDate: number;
  readonly exitSigDate: number;
  readonly position: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  readonly return: number;
  readonly period: number;
  readonly mae: number;
  readonly gmfe: number;
  readonly bmfe: number;
  readonly mdd: number;
  readonly pdays: number;
  readonly exitReason: ExitReason;
}

/** Materialises trade rows (use sparingly on large tables). */
export function tradeRecords(trades: TradesTable, calendar: ArrayLike<number>): TradeRecord[] {
  const at = (i: number): number => (i >= 0 ? (calendar[i] as number) : Number.NaN);
  const out: TradeRecord[] = [];
  for (let i = 0; i < trades.count; i++) {
    out.push({
      symbol: trades.symbols[trades.symbol[i] as number] as string,
      entryDate: at(trades.entryIndex[i] as number),
      exitDate: at(trades.exitIndex[i] as number),
      entrySigDate: at(trades.entrySigIndex[i] as number),
      exitSigDate: at(trades.exitSigIndex[i] as number),
      position: trades.position[i] as number,
      entryPrice: trades.entryPrice[i] as number,
      exitPrice: trades.exitPrice[i] as number,
      return: trades.return[i] as number,
      period: trades.period[i] as number,
      mae: trades.mae[i] as number,
      gmfe: trades.gmfe[i] as number,
      bmfe: trades.bmfe[i] as number,
      mdd: trades.mdd[i] as number,
      pdays: trades.pdays[i] as number,
      exitReason: EXIT_REASONS[trades.exitReason[i] as number] ?? 'open',
    });
  }
  return out;
}

/**
 * The open trade of every symbol during a simulation and the table of finished ones (FinLab §6.1): the
 * value path g of a trade follows the close from the entry (g₀ = close/trade price, times 1 − fee when the
 * entry was a transaction); shorts mirror it as 2 − ratio; an exit multiplies by exit price / close and by
 * 1 − fee − tax when it is a transaction. A class (not closures) so the simulation loop stays monomorphic.
 */
export class TradeTracker {
  private readonly tb: TradesBuilder;
  private readonly entry: Int32Array;
  private readonly weight: Float64Array;
  private readonly entryPrice: Float64Array;
  private readonly rho: Float64Array;
  private readonly cost: Float64Array;
  private readonly sign: Float64Array;
  private readonly lastClose: Float64Array;
  private readonly minG: Float64Array;
  private readonly maxG: Float64Array;
  private readonly bmfe: Float64Array;
  private readonly peak: Float64Array;
  private readonly mdd: Float64Array;
  private readonly pdays: Int32Array;
  private readonly cols: number;

  constructor(
    symbols: readonly string[],
    private readonly closes: Float64Array,
    private readonly trades: Float64Array,
    private readonly fee: number,
    private readonly feeTax: number,
  ) {
    const n = symbols.length;
    this.cols = n;
    this.tb = new TradesBuilder(symbols, 256);
    this.entry = new Int32Array(n);
    this.weight = new Float64Array(n);
    this.entryPrice = new Float64Array(n);
    this.rho = new Float64Array(n);
    this.cost = new Float64Array(n);
    this.sign = new Float64Array(n);
    this.lastClose = new Float64Array(n);
    this.minG = new Float64Array(n);
    this.maxG = new Float64Array(n);
    this.bmfe = new Float64Array(n);
    this.peak = new Float64Array(n);
    this.mdd = new Float64Array(n);
    this.pdays = new Int32Array(n);
  }

  /** Records today's point of the value path of s's open trade. */
  observe(s: number): void {
    const rho = this.rho[s] as number;
    const g = ((this.sign[s] as number) > 0 ? rho : 2 - rho) * (this.cost[s] as number);
    if (g < (this.minG[s] as number)) {
      this.minG[s] = g;
      this.bmfe[s] = this.maxG[s] as number;
    }
    if (g > (this.maxG[s] as number)) this.maxG[s] = g;
    if (g > (this.peak[s] as number)) this.peak[s] = g;
    const dd = g / (this.peak[s] as number) - 1;
    if (dd < (this.mdd[s] as number)) this.mdd[s] = dd;
    if (g > 1) this.pdays[s] = (this.pdays[s] as number) + 1;
  }

  /** Moves s's open trade to today's close `c` (a NaN close is skipped). */
  mark(s: number, c: number): void {
    if (c !== c) return;
    const lc = this.lastClose[s] as number;
    if (lc === lc) {
      this.rho[s] = ((this.rho[s] as number) * c) / lc;
      this.observe(s);
    }
    this.lastClose[s] = c;
  }

  open(s: number, d: number, weight: number, withCost: boolean): void {
    const i = d * this.cols + s;
    const p = this.trades[i] as number;
    const c = this.closes[i] as number;
    this.entry[s] = d;
    this.weight[s] = weight;
    this.entryPrice[s] = p;
    this.rho[s] = p === p && c === c ? c / p : 1;
    this.cost[s] = withCost ? 1 - this.fee : 1;
    this.sign[s] = weight >= 0 ? 1 : -1;
    this.lastClose[s] = c;
    this.minG[s] = 1;
    this.maxG[s] = 1;
    this.bmfe[s] = 1;
    this.peak[s] = 1;
    this.mdd[s] = 0;
    this.pdays[s] = 0;
    this.observe(s);
  }

  /** Closes s's open trade on day d; `exitPrice` = the effective adjusted trade price of the exit. */
  close(s: number, d: number, sigIndex: number, exitPrice: number, withCost: boolean, reason: number): void {
    const c = this.closes[d * this.cols + s] as number;
    let rho = this.rho[s] as number;
    if (exitPrice === exitPrice && c === c) rho = (rho * exitPrice) / c;
    const g = ((this.sign[s] as number) > 0 ? rho : 2 - rho) * (this.cost[s] as number) * (withCost ? 1 - this.feeTax : 1);
    this.row(s, d, sigIndex, exitPrice, g - 1, d - (this.entry[s] as number), reason);
  }

  /** Writes s's still open trade: marked to the last day, no exit costs. */
  finishOpen(s: number, lastDay: number): void {
    const rho = this.rho[s] as number;
    const g = ((this.sign[s] as number) > 0 ? rho : 2 - rho) * (this.cost[s] as number);
    this.row(s, -1, -1, Number.NaN, g - 1, lastDay - (this.entry[s] as number), ExitCode.Open);
  }

  build(): TradesTable {
    return this.tb.build();
  }

  private row(s: number, exit: number, sig: number, exitPrice: number, ret: number, period: number, reason: number): void {
    const i = this.tb.push();
    const t = this.tb.t;
    t.symbol[i] = s;
    t.entryIndex[i] = this.entry[s] as number;
    t.exitIndex[i] = exit;
    t.entrySigIndex[i] = (this.entry[s] as number) - 1;
    t.exitSigIndex[i] = sig;
    t.position[i] = this.weight[s] as number;
    t.entryPrice[i] = this.entryPrice[s] as number;
    t.exitPrice[i] = exitPrice;
    t.return[i] = ret;
    t.period[i] = period;
    t.mae[i] = Math.min(1, this.minG[s] as number) - 1;
    t.gmfe[i] = Math.max(1, this.maxG[s] as number) - 1;
    t.bmfe[i] = Math.max(1, this.bmfe[s] as number) - 1;
    t.mdd[i] = this.mdd[s] as number;
    t.pdays[i] = this.pdays[s] as number;
    t.exitReason[i] = reason;
  }
}
