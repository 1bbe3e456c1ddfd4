import { describe, expect, it } from 'vitest';
import { computeStatistics, monthlyReturnTable } from './statistics.js';
import { toStrategyMetrics } from './metrics.js';
import { day } from '../../test/support/builders.js';
import { TradesBuilder } from '../sim/trades.js';

const near = (a: number, b: number, tol = 1e-12): void => {
  if (!(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)))) throw new Error(`expected ${b}, got ${a}`);
};

describe('statistics against their formulas (finlab.md §7.1)', () => {
  const dates = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'].map(day);
  const P = [100, 110, 99, 108.9, 120];
  const s = computeStatistics(P, dates, { riskFreeRate: 0.02 }).full;
  const r = [0.1, -0.1, 0.1, 120 / 108.9 - 1];
  const rf = 1.02 ** (1 / 252) - 1;
  const er = r.map((x) => x - rf);
  const mean = (x: number[]): number => x.reduce((a, b) => a + b, 0) / x.length;
  const std = (x: number[]): number => Math.sqrt(x.reduce((a, b) => a + (b - mean(x)) ** 2, 0) / (x.length - 1));

  it('total return, CAGR on 365.25-day years, drawdown, Calmar', () => {
    near(s.totalReturn, 0.2);
    near(s.cagr, 1.2 ** (365.25 / 4) - 1, 1e-9);
    near(s.maxDrawdown, 99 / 110 - 1);
    near(s.calmar, s.cagr / 0.1, 1e-9);
  });

  it('daily Sharpe / Sortino with 2% risk-free, volatility, mean', () => {
    near(s.dailySharpe, (mean(er) / std(er)) * Math.sqrt(252));
    near(s.dailySortino, (mean(er) / std(er.map((x) => Math.min(x, 0)))) * Math.sqrt(252));
    near(s.volatility, std(r) * Math.sqrt(252));
    near(s.dailyMean, mean(r) * 252);
    near(s.bestDay, 120 / 108.9 - 1);
    near(s.worstDay, -0.1);
  });

  it('average drawdown over episodes (start at the first dd ≠ 0, end when dd returns to 0)', () => {
    near(s.avgDrawdown, 99 / 110 - 1);
    expect(s.avgDrawdownDays).toBe(2);
    const two = computeStatistics([1, 0.9, 1, 0.5, 0.8], dates).full;
    near(two.avgDrawdown, (-0.1 + -0.5) / 2);
    expect(two.avgDrawdownDays).toBe((1 + 1) / 2); // 01-02→01-03, and the open episode 01-04→01-05 (last day)
  });

  it('a flat curve: no fake numbers', () => {
    const flat = computeStatistics([1, 1, 1, 1, 1], dates).full;
    expect(flat.totalReturn).toBe(0);
    expect(flat.maxDrawdown).toBe(0);
    expect(flat.calmar).toBeNaN();
    expect(flat.dailySharpe).toBeNaN();
    expect(flat.dailySortino).toBeNaN();
    expect(flat.avgDrawdown).toBeNaN();
    expect(flat.winRatio).toBeNaN();
    const m = toStrategyMetrics(flat);
    expect(m.sharpe).toBeNull();
    expect(m.totalReturn).toBe(0);
  });

  it('one point or none: everything is NaN', () => {
    expect(computeStatistics([1], [dates[0] as number]).full.totalReturn).toBeNaN();
    expect(computeStatistics([], []).full.points).toBe(0);
  });
});

describe('monthly return table', () => {
  it('first month vs the first value, then month end to month end; YTD compounds', () => {
    const d = ['2024-01-30', '2024-01-31', '2024-02-01', '2024-02-29', '2024-03-01'].map(day);
    const t = monthlyReturnTable([1, 1.1, 1.2, 1.32, 1.2], d);
    expect(t.length).toBe(1);
    const row = t[0];
    expect(row?.year).toBe(2024);
    near(row?.months[0] ?? Number.NaN, 0.1);
    near(row?.months[1] ?? Number.NaN, 1.32 / 1.1 - 1);
    near(row?.months[2] ?? Number.NaN, 1.2 / 1.32 - 1);
    expect(row?.months[3]).toBeNaN();
    near(row?.ytd ?? Number.NaN, 0.2);
  });
});

describe('in-sample / holdout split, trades and turnover', () => {
  const d = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-06'].map(day);
  const P = [1, 1.1, 1.21, 1.1, 1.0, 1.2];
  const tb = new TradesBuilder(['A'], 4);
  const add = (entry: number, exit: number, ret: number): void => {
    const i = tb.push();
    tb.t.entryIndex[i] = entry;
    tb.t.exitIndex[i] = exit;
    tb.t.return[i] = ret;
  };
  add(0, 1, 0.1);
  add(1, 2, -0.05);
  add(3, 4, 0.2);
  add(4, -1, 0.3); // open: not in the win ratio
  const table = tb.build();
  const st = computeStatistics(P, d, {
    splitDate: day('2024-01-04'),
    trades: { table, calendar: d },
    turnover: [0, 1, 0, 0.5, 0, 0],
  });

  it('in-sample covers dates before the split, holdout starts from the last in-sample value', () => {
    near(st.inSample.totalReturn, 0.21);
    expect(st.inSample.end).toBe(day('2024-01-03'));
    near(st.holdout?.totalReturn ?? Number.NaN, 1.2 / 1.21 - 1);
    expect(st.holdout?.start).toBe(day('2024-01-03'));
    near(st.full.totalReturn, 0.2);
  });

  it('win ratio over closed trades by exit date, trade counts by entry date', () => {
    near(st.full.winRatio, 2 / 3);
    expect(st.full.trades).toBe(4);
    near(st.inSample.winRatio, 1 / 2);
    expect(st.inSample.trades).toBe(2);
    near(st.holdout?.winRatio ?? Number.NaN, 1);
    expect(st.holdout?.trades).toBe(2);
  });

  it('turnover is one-way per year', () => {
    near(st.full.turnover, 1.5 / 2 / (5 / 365.25));
    near(st.holdout?.turnover ?? Number.NaN, 0.5 / 2 / (3 / 365.25));
  });
});
