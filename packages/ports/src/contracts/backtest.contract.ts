import { describe, expect, it } from 'vitest';
import type { BacktestPort } from '../backtest.port.js';

export interface BacktestFixture {
  readonly backtest: BacktestPort;
  /** A strategy that trades on the adapter's data. */
  readonly validCode: string;
  /** A strategy with an error at a known place. */
  readonly invalidCode: string;
  readonly teardown?: () => Promise<void>;
}

/** The behaviour every backtest adapter must have. */
export function describeBacktestContract(name: string, setup: () => Promise<BacktestFixture>): void {
  describe(`BacktestPort contract: ${name}`, () => {
    it('backtests a valid strategy into metrics with a stable strategy id', async () => {
      const { backtest, validCode, teardown } = await setup();
      try {
        const first = (await backtest.run({ code: validCode }))._unsafeUnwrap();
        const again = (await backtest.run({ code: validCode }))._unsafeUnwrap();
        expect(first.strategyId).toMatch(/^[0-9a-f]{8,}$/);
        expect(again.strategyId).toBe(first.strategyId);
        expect(again.metrics).toEqual(first.metrics);
        expect(first.metrics.sharpe === null || Number.isFinite(first.metrics.sharpe)).toBe(true);
        expect(first.metrics.maxDrawdown === null || first.metrics.maxDrawdown <= 0).toBe(true);
      } finally {
        await teardown?.();
      }
    });

    it('keeps the holdout locked unless asked, refuses a strategy already measured, and reports its folds', async () => {
      const { backtest, validCode, teardown } = await setup();
      try {
        const first = (await backtest.run({ code: validCode }))._unsafeUnwrap();
        expect(first.holdoutMetrics).toBeNull();
        expect(first.dailyReturns).toBeNull();
        expect(first.folds.length).toBeGreaterThan(0);
        for (const [i, fold] of first.folds.entries()) {
          expect(fold.start <= fold.end).toBe(true);
          if (i > 0) expect(fold.start > (first.folds[i - 1]?.end ?? '')).toBe(true);
          expect(fold.sharpe === null || Number.isFinite(fold.sharpe)).toBe(true);
        }
        expect(first.costs.setBy).toBe('run');
        const duplicate = (await backtest.run({ code: validCode, measured: new Set([first.strategyId]) }))._unsafeUnwrapErr();
        expect(duplicate).toMatchObject({ kind: 'backtest_duplicate', strategyId: first.strategyId });
        const other = (await backtest.run({ code: validCode, measured: new Set(['0000000000000000']) }))._unsafeUnwrap();
        expect(other.metrics).toEqual(first.metrics);
        const withReturns = (await backtest.run({ code: validCode, dailyReturns: true }))._unsafeUnwrap();
        expect(withReturns.dailyReturns).toBeInstanceOf(Float64Array);
        expect(withReturns.dailyReturns?.every((r) => Number.isFinite(r))).toBe(true);
      } finally {
        await teardown?.();
      }
    });

    it('reports an invalid strategy as a typed error naming line and column, without rejecting', async () => {
      const { backtest, invalidCode, teardown } = await setup();
      try {
        const error = (await backtest.run({ code: invalidCode }))._unsafeUnwrapErr();
        expect(error.kind).toBe('backtest_invalid_strategy');
        expect(error.message).toMatch(/\d+:\d+/);
      } finally {
        await teardown?.();
      }
    });

    it('answers garbage with an error value, never an exception', async () => {
      const { backtest, teardown } = await setup();
      try {
        for (const code of ['', 'while(true){}', 'return process.exit(1);', '\u0000'.repeat(10)]) {
          const result = await backtest.run({ code });
          expect(result.isErr()).toBe(true);
        }
      } finally {
        await teardown?.();
      }
    });
  });
}
