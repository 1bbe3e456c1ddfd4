import type { EngineError } from '@alphaloop/engine';
import type { BacktestError } from '@alphaloop/ports';
import { formatStrategyErrors, type StrategyError } from '@alphaloop/strategy';

/** What an allocation failure looks like once the engine has turned the exception into a value. */
const ALLOCATION_FAILURE = /allocation failed|out of memory|invalid (typed )?array length|array buffer/i;

export const invalidStrategy = (errors: readonly StrategyError[]): BacktestError => ({
  kind: 'backtest_invalid_strategy',
  message: errors.length === 0 ? '1:1: the strategy did not compile — check its syntax' : formatStrategyErrors(errors),
});

export const internalError = (message: string): BacktestError => ({ kind: 'backtest_internal', message });

export const outOfMemory = (message: string): BacktestError => ({ kind: 'backtest_out_of_memory', message });

export const timedOut = (limitMs: number): BacktestError => ({
  kind: 'backtest_timeout',
  message: `the backtest did not finish within ${limitMs} ms and was stopped`,
  limitMs,
});

/** Where a node is named, the message says so (the loop feeds it back to the strategy's author). */
function located(e: EngineError): string {
  return e.nodeId === undefined ? e.message : `${e.message} (at ${e.op ?? 'node'} #${e.nodeId})`;
}

/**
 * Engine error → the loop's categories: a missing field or price frame is `data_missing`; a failure while
 * computing (including a parameter the engine rejects) is `calculation`, unless it is an allocation failure
 * (`out_of_memory`); an op without a kernel is a bug of ours (`internal`).
 */
export function fromEngineError(e: EngineError): BacktestError {
  switch (e.kind) {
    case 'data_missing':
      return { kind: 'backtest_data_missing', message: located(e) };
    case 'calculation':
    case 'invalid_input':
      return ALLOCATION_FAILURE.test(e.message) ? outOfMemory(located(e)) : { kind: 'backtest_calculation', message: located(e) };
    case 'unsupported_op':
      return internalError(located(e));
  }
}

/** An exception that escaped (it should not): allocation failures are `out_of_memory`, anything else `internal`. */
export function fromException(e: unknown, where: string): BacktestError {
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  if (e instanceof RangeError && ALLOCATION_FAILURE.test(e.message)) return outOfMemory(`${where}: ${message}`);
  return internalError(`${where}: ${message}`);
}
