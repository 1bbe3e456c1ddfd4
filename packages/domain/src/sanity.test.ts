import { describe, expect, it } from 'vitest';
import { metricsFrom, type StrategyMetrics } from './metrics.js';
import { assessBacktest, DEFAULT_SANITY_BOUNDS } from './sanity.js';

const healthy = metricsFrom({ sharpe: 1.2, totalReturn: 25, cagr: 0.28, maxDrawdown: -0.3, calmar: 0.93, sortino: 1.8, volatility: 0.22, winRate: 0.55, trades: 400, turnover: 6 });

describe('assessBacktest', () => {
  it('keeps a long backtest with a huge total return: only annualised figures are judged', () => {
    const verdict = assessBacktest(healthy)._unsafeUnwrap();
    expect(verdict).toEqual({ level: 3, reason: 'profitable: Sharpe 1.200 > 0', coverage: 3, metrics: healthy, suspicious: [] });
  });

  it('flags extraordinary but possible figures and keeps their level', () => {
    const wild: StrategyMetrics = { ...healthy, sharpe: 3.5, cagr: 1.2, volatility: 1.6, sortino: 6 };
    const verdict = assessBacktest(wild)._unsafeUnwrap();
    expect(verdict.level).toBe(3);
    expect(verdict.suspicious).toEqual([
      'Sharpe 3.50 is beyond ±3',
      'CAGR 120.0 % a year is above 100.0 %',
      'volatility 160.0 % a year is above 150.0 %',
      'Sortino 6.00 is above 5',
    ]);
    expect(assessBacktest({ ...healthy, sharpe: -3.01 })._unsafeUnwrap().suspicious).toEqual(['Sharpe -3.01 is beyond ±3']);
  });

  it('does not flag values on the bounds', () => {
    const edge: StrategyMetrics = { ...healthy, sharpe: 3, cagr: 1, volatility: 1.5, sortino: 5 };
    expect(assessBacktest(edge)._unsafeUnwrap().suspicious).toEqual([]);
    expect(DEFAULT_SANITY_BOUNDS).toEqual({ suspiciousSharpe: 3, suspiciousCagr: 1, suspiciousVolatility: 1.5, suspiciousSortino: 5 });
  });

  it.each([
    [{ totalReturn: -1 }, 'totalReturn -1 means equity fell to zero or below'],
    [{ totalReturn: -1.5 }, 'totalReturn -1.500 means equity fell to zero or below'],
    [{ maxDrawdown: 0.01 }, 'maxDrawdown 0.01000 is outside [−100 %, 0]'],
    [{ maxDrawdown: -1.01 }, 'maxDrawdown -1.010 is outside [−100 %, 0]'],
    [{ volatility: -0.1 }, 'volatility -0.1000 is negative'],
    [{ winRate: 1.1 }, 'winRate 1.100 is outside [0, 1]'],
    [{ winRate: -0.1 }, 'winRate -0.1000 is outside [0, 1]'],
    [{ trades: -1 }, 'trades -1 is not a count'],
    [{ trades: 2.5 }, 'trades 2.500 is not a count'],
    [{ turnover: -2 }, 'turnover -2 is negative'],
    [{ maxDrawdown: null }, 'totalReturn is present but maxDrawdown is missing'],
    [{ sharpe: Number.POSITIVE_INFINITY }, 'sharpe is Infinity'],
    [{ cagr: Number.NaN }, 'cagr is NaN'],
  ] as const)('rejects the impossible %j', (patch, violation) => {
    const error = assessBacktest({ ...healthy, ...patch })._unsafeUnwrapErr();
    expect(error.kind).toBe('metrics_impossible');
    expect(error.violations).toEqual([violation]);
    expect(error.message).toBe(`impossible backtest result: ${violation}`);
  });

  it('accepts the limits of the possible: a total loss short of zero, a −100 % drawdown, no trades', () => {
    expect(assessBacktest({ ...healthy, totalReturn: -0.99, maxDrawdown: -1, winRate: 0, trades: 0, volatility: 0, turnover: 0 }).isOk()).toBe(true);
    expect(assessBacktest({ ...healthy, winRate: 1, maxDrawdown: 0 }).isOk()).toBe(true);
  });

  it('classifies empty metrics as executed without a result', () => {
    expect(assessBacktest(metricsFrom({}))._unsafeUnwrap()).toMatchObject({ level: 1, suspicious: [] });
  });
});
