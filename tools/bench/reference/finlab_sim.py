#!/usr/bin/env python3
"""Plain pandas reference of FinLab's sim() rules (shared/research/finlab.md §3-4, as implemented by
@alphaloop/engine), used to cross-check the TypeScript engine and as the benchmark baseline.

Written independently of the TypeScript code, in the pandas idiom: schedules from pd.date_range and
DataFrame.reindex(method='ffill'), execution days from DatetimeIndex.searchsorted, and a per-day loop
over the holdings (the simulation is path dependent, so FinLab's own core is a loop too).

Usage
  finlab_sim.py sim DIR     DIR/meta.json + DIR/<field>.f64 (+ DIR/cases.json) -> DIR/result.json
  finlab_sim.py bench DIR   runs the benchmark strategies on the exported market, prints timings (JSON)

Data format: meta.json {"dates": [ISO...], "symbols": [...], "fields": {...}}; each <field>.f64 is a
row-major little-endian float64 matrix dates x symbols (NaN = missing). The position frame may have its
own dates/symbols ("position": {"dates", "symbols", "file"}).
"""
import json
import math
import os
import sys
import time

import numpy as np
import pandas as pd

NAN = float("nan")


def load_matrix(path, dates, symbols):
    values = np.fromfile(path, dtype="<f8").reshape(len(dates), len(symbols))
    return pd.DataFrame(values, index=pd.DatetimeIndex(dates), columns=list(symbols))


def trade_price(prices, trade_at):
    c = prices["close"]
    if trade_at == "close":
        return c
    if trade_at in ("open", "high", "low"):
        return prices[trade_at]
    if trade_at == "open_close_avg":
        return (prices["open"] + c) / 2
    if trade_at == "high_low_avg":
        return (prices["high"] + prices["low"]) / 2
    if trade_at == "price_avg":
        return (prices["open"] + prices["high"] + prices["low"] + c) / 4
    raise ValueError(trade_at)


def rebalance_plan(position, calendar, resample, run_end):
    """{execution day index: weight row (numpy)} by FinLab's T+1 rule."""
    raw_has_value = position.notna().any(axis=1)
    pos = position.fillna(0.0)
    if resample is None:
        changed = pos.diff().abs().sum(axis=1) != 0
        changed.iloc[0] = bool(raw_has_value.iloc[0])
        rows = pos[changed]
    else:
        freq = {"D": "D", "W": "W-SUN", "M": "M", "Q": "Q-DEC"}[resample]
        stamps = pd.date_range(pos.index[0], calendar[-1], freq=freq)
        rows = pos.reindex(stamps, method="ffill").dropna(how="all")
    exec_idx = calendar.searchsorted(rows.index, side="right")
    plan = {}
    for i, e in enumerate(exec_idx):
        if e < len(calendar) and e <= run_end:
            plan[int(e)] = rows.iloc[i].to_numpy(dtype=float)  # later rows overwrite: the last one wins
    return plan


def sim(position, prices, resample=None, stop_loss=None, take_profit=None, trail_stop=None, position_limit=1.0,
        fee_ratio=1.425 / 1000, tax_ratio=3 / 1000, trade_at="close", touched_exit=False,
        retain_cost_when_rebalance=False, stop_trading_next_period=True):
    close_df = prices["close"]
    calendar = close_df.index
    symbols = list(close_df.columns)
    position = position.astype(float)
    position = position[[c for c in position.columns if c in set(symbols)]].reindex(columns=symbols)
    # a column absent from the position is "no weight": NaN in the raw frame, 0 after fillna
    close = close_df.to_numpy()
    trade = trade_price(prices, trade_at).to_numpy()
    opn = prices["open"].to_numpy() if touched_exit else None
    high = prices["high"].to_numpy() if touched_exit else None
    low = prices["low"].to_numpy() if touched_exit else None

    n_days = len(calendar)
    idx = position.index
    if len(idx) >= 3 and not (idx[-1] + (idx[-1] - idx[-3]) > calendar[-1]):
        run_end = int(calendar.searchsorted(idx[-1], side="right")) - 1
    else:
        run_end = n_days - 1
    plan = rebalance_plan(position, calendar, resample, run_end)

    fee, fee_tax = fee_ratio, fee_ratio + tax_ratio
    stops_on = stop_loss is not None or take_profit is not None or trail_stop is not None
    tp_up = 1 + take_profit if take_profit is not None else math.inf
    tp_down = 1 - take_profit if take_profit is not None else -math.inf
    sl_down = 1 - stop_loss if stop_loss is not None else -math.inf
    sl_up = 1 + stop_loss if stop_loss is not None else math.inf
    trail = trail_stop if trail_stop is not None else math.inf
    touched = touched_exit and stops_on

    cash = 1.0
    pos, prev, cr, maxcr = {}, {}, {}, {}
    r_today, prev_today = {}, {}
    pending, stopped = [], []
    creturn = np.ones(n_days)
    first = min(plan) if plan else run_end + 1

    def sell_all(s, value):
        nonlocal cash
        cash += value - abs(value) * fee_tax
        del pos[s]
        cr[s], maxcr[s] = 1.0, 1.0

    for d in range(first, run_end + 1):
        is_reb = d in plan
        if not pos and not pending and not is_reb:
            creturn[d] = cash
            continue
        held = sorted(pos)
        # 1. mark to market
        for s in held:
            p = trade[d, s]
            if p == p:
                pv = prev.get(s, NAN)
                if pv != pv:
                    r_today[s], prev_today[s] = 1.0, NAN
                else:
                    r = p / pv
                    pos[s] *= r
                    cr[s] *= r
                    maxcr[s] = max(maxcr[s], cr[s])
                    r_today[s], prev_today[s] = r, pv
                prev[s] = p
            else:
                r_today[s], prev_today[s] = 1.0, NAN
        # 2. stop detection
        today = []
        if stops_on:
            for s in held:
                v = pos[s]
                long = v > 0
                upper = tp_up if long else min(sl_up, maxcr[s] + trail)
                lower = max(sl_down, maxcr[s] - trail) if long else tp_down
                if touched:
                    o, h, l, c, pv = opn[d, s], high[d, s], low[d, s], close[d, s], prev_today[s]
                    if any(x != x for x in (o, h, l, c, pv)):
                        continue
                    r = r_today[s]
                    c0 = cr[s] / r
                    open_r, high_r, low_r = c0 * (o / pv), c0 * (h / pv), c0 * (l / pv)
                    if open_r >= upper or open_r <= lower:
                        ratio = open_r / r
                    elif high_r >= upper:
                        ratio = upper / cr[s]
                    elif low_r <= lower:
                        ratio = lower / cr[s]
                    else:
                        continue
                    sell_all(s, v * ratio)
                    stopped.append(s)
                else:
                    c, p = close[d, s], trade[d, s]
                    crc = cr[s] * c / p if (c == c and p == p) else cr[s]
                    if long:
                        hit = crc >= upper or crc < lower
                    else:
                        hit = crc >= upper or crc < lower
                    if hit:
                        today.append(s)
        w = plan[d].copy() if is_reb else None
        # 3. yesterday's stops at today's trade price
        for s in pending:
            if s not in pos:
                continue
            if is_reb and not stop_trading_next_period and w[s] != 0:
                continue
            sell_all(s, pos[s])
            stopped.append(s)
        # 4. today's detections wait for tomorrow
        pending = [s for s in today if s in pos]
        # 5. rebalance
        if is_reb:
            if stop_trading_next_period:
                for s in stopped:
                    w[s] = 0.0
            stopped = []
            balance = cash + sum(pos.values())
            ratio = balance / max(np.abs(w).sum(), 1.0)
            cap = balance * position_limit
            for s in sorted(set(np.flatnonzero(w).tolist()) | set(pos)):
                was = s in pos
                v = pos.get(s, 0.0)
                t = min(max(w[s] * ratio, -cap), cap)
                p = trade[d, s]
                if t == 0:
                    if was:
                        sell_all(s, v)
                    continue
                a = t - v
                nv = v
                if a > 0:
                    cost = a * fee if t >= 0 else a * fee_tax
                    cash -= a
                    nv = v + a - cost
                elif a < 0:
                    cost = -a * fee if t <= 0 else -a * fee_tax
                    cash += -a - cost
                    nv = v + a
                flip = was and v * t < 0
                if not was or flip or not retain_cost_when_rebalance:
                    cr[s], maxcr[s] = 1.0, 1.0
                if p == p:
                    prev[s] = p
                elif not was or flip:
                    prev[s] = NAN
                pos[s] = nv
        # 6. equity at the close
        eq = cash
        for s, v in pos.items():
            c, p = close[d, s], trade[d, s]
            eq += v * c / p if (c == c and p == p) else v
        creturn[d] = eq

    curve = pd.Series(creturn[: run_end + 1], index=calendar[: run_end + 1])
    seg = curve.iloc[first:]
    moved = np.flatnonzero(seg.to_numpy() != 1.0)
    if len(moved):
        start = max(0, first + int(moved[0]) - 1)
    else:
        start = min(run_end, max(0, (first - 1) if plan else int(calendar.searchsorted(idx[0], side="right")) - 1))
    return curve.iloc[start:]


OPTION_NAMES = {
    "resample": "resample", "stopLoss": "stop_loss", "takeProfit": "take_profit", "trailStop": "trail_stop",
    "positionLimit": "position_limit", "feeRatio": "fee_ratio", "taxRatio": "tax_ratio", "tradeAt": "trade_at",
    "touchedExit": "touched_exit", "retainCostWhenRebalance": "retain_cost_when_rebalance",
    "stopTradingNextPeriod": "stop_trading_next_period",
}


def load_market(directory):
    with open(os.path.join(directory, "meta.json")) as f:
        meta = json.load(f)
    frames = {name: load_matrix(os.path.join(directory, file), meta["dates"], meta["symbols"])
              for name, file in meta["fields"].items()}
    return meta, frames


def run_cases(directory):
    meta, frames = load_market(directory)
    prices = {k: frames[k] for k in ("close", "open", "high", "low") if k in frames}
    p = meta["position"]
    position = load_matrix(os.path.join(directory, p["file"]), p["dates"], p["symbols"])
    with open(os.path.join(directory, "cases.json")) as f:
        cases = json.load(f)
    out = {}
    for case in cases:
        kwargs = {OPTION_NAMES[k]: v for k, v in case["options"].items()}
        curve = sim(position, prices, **kwargs)
        out[case["name"]] = {"dates": [d.strftime("%Y-%m-%d") for d in curve.index], "creturn": curve.tolist()}
    with open(os.path.join(directory, "result.json"), "w") as f:
        json.dump(out, f)


# --- benchmark strategies, written the way a pandas/FinLab user would --------------------------------------

def is_largest(score, n):
    """FinLab is_largest: the n largest valid values per row, ties to the earlier column."""
    return score.rank(axis=1, ascending=False, method="first") <= n


def template_strategy(f):
    close, high = f["close"], f["high"]
    momentum = close.pct_change(1, fill_method=None).rolling(20, min_periods=10).mean()
    breakout = close > high.rolling(20).max().shift(1)
    return is_largest(momentum.where(breakout), 10), {"resample": "M", "trail_stop": 0.1}


def ten_op_strategy(f):
    close, volume = f["close"], f["volume"]
    ma = close.rolling(60, min_periods=30).mean()
    momentum = close.pct_change(20, fill_method=None)
    vol = close.pct_change(1, fill_method=None).rolling(20).std()
    liquid = volume.rolling(20, min_periods=10).mean() > 200_000
    score = (momentum / vol).rank(axis=1, pct=True)
    return is_largest(score.where((close > ma) & liquid), 20), {"resample": "W", "stop_loss": 0.1}


def bench(directory):
    t0 = time.perf_counter()
    meta, frames = load_market(directory)
    load_s = time.perf_counter() - t0
    prices = {k: frames[k] for k in ("close", "open", "high", "low") if k in frames}
    results = {"load_seconds": load_s, "pandas": pd.__version__, "numpy": np.__version__, "strategies": {}}
    repeats = int(os.environ.get("BENCH_REPEATS", "2"))
    for name, strategy in (("template", template_strategy), ("tenOp", ten_op_strategy)):
        times_eval, times_sim, cpu = [], [], []
        curve = None
        for _ in range(repeats):
            c0 = time.process_time()
            t1 = time.perf_counter()
            position, options = strategy(frames)
            t2 = time.perf_counter()
            curve = sim(position, prices, **options)
            t3 = time.perf_counter()
            cpu.append(time.process_time() - c0)
            times_eval.append(t2 - t1)
            times_sim.append(t3 - t2)
        results["strategies"][name] = {
            "evaluate_seconds": min(times_eval), "sim_seconds": min(times_sim),
            "total_seconds": min(e + s for e, s in zip(times_eval, times_sim)), "cpu_seconds": min(cpu),
            "dates": [d.strftime("%Y-%m-%d") for d in curve.index], "creturn": curve.tolist(),
        }
    with open(os.path.join(directory, "bench-result.json"), "w") as f:
        json.dump(results, f)
    print(json.dumps({k: {kk: vv for kk, vv in v.items() if kk not in ("dates", "creturn")}
                      for k, v in results["strategies"].items()}))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("sim", "bench"):
        print(__doc__)
        sys.exit(2)
    run_cases(sys.argv[2]) if sys.argv[1] == "sim" else bench(sys.argv[2])
