import { daysFromCivil } from '@alphaloop/engine';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKTEST_OPTIONS, parseHoldoutStart, resolveBacktestOptions } from './options.js';

describe('resolveBacktestOptions', () => {
  it('fills in the defaults', () => {
    expect(resolveBacktestOptions()._unsafeUnwrap()).toEqual({ ...DEFAULT_BACKTEST_OPTIONS, holdoutStart: null });
    expect(DEFAULT_BACKTEST_OPTIONS).toMatchObject({ timeoutMs: 30_000, memoryLimitMb: 1024, workers: 1, riskFreeRate: 0.02, feeRatio: 0.001425, taxRatio: 0.003, costs: 'run', folds: 4 });
  });

  it.each([
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ timeoutMs: Number.NaN }, 'timeoutMs'],
    [{ memoryLimitMb: -1 }, 'memoryLimitMb'],
    [{ workers: 0 }, 'workers'],
    [{ workers: 1.5 }, 'workers'],
    [{ riskFreeRate: 2 }, 'riskFreeRate'],
    [{ startupTimeoutMs: 0 }, 'startupTimeoutMs'],
    [{ holdoutStart: '2024-02-30' }, 'holdoutStart'],
    [{ feeRatio: -0.001 }, 'feeRatio'],
    [{ feeRatio: 0.1 }, 'feeRatio'],
    [{ taxRatio: Number.NaN }, 'taxRatio'],
    [{ taxRatio: 0.051 }, 'taxRatio'],
    [{ costs: 'llm' as 'run' }, 'costs'],
    [{ folds: 0 }, 'folds'],
    [{ folds: 2.5 }, 'folds'],
    [{ folds: 21 }, 'folds'],
  ])('rejects %j naming the option', (options, name) => {
    const error = resolveBacktestOptions(options)._unsafeUnwrapErr();
    expect(error.kind).toBe('backtest_config_invalid');
    expect(error.message).toContain(name);
  });
});

describe('parseHoldoutStart', () => {
  it('accepts an ISO date or an epoch day, and nothing else', () => {
    expect(parseHoldoutStart(undefined)._unsafeUnwrap()).toBeNull();
    expect(parseHoldoutStart('2023-01-02')._unsafeUnwrap()).toBe(daysFromCivil(2023, 1, 2));
    expect(parseHoldoutStart(19_000)._unsafeUnwrap()).toBe(19_000);
    for (const bad of ['2023-1-2', '2023-13-01', 'yesterday', '', 1.5, Number.POSITIVE_INFINITY]) {
      expect(parseHoldoutStart(bad).isErr()).toBe(true);
    }
  });
});
