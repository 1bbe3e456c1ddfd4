import type { ErrorCategory, IterationError, IterationStep } from '@alphaloop/domain';
import type { BacktestError, ChampionConflict, LlmError, StorageError, StrategyGeneratorError } from '@alphaloop/ports';

/** An adapter broke its contract by throwing or rejecting instead of returning an error value. */
export interface AdapterThrew {
  readonly kind: 'adapter_threw';
  readonly message: string;
}

export type PortError = LlmError | StrategyGeneratorError | BacktestError | StorageError | ChampionConflict | AdapterThrew;

const CATEGORY_BY_KIND: Readonly<Record<PortError['kind'], ErrorCategory>> = {
  llm_not_configured: 'llm',
  llm_timeout: 'llm',
  llm_rate_limited: 'llm',
  llm_api: 'llm',
  llm_empty: 'llm',
  llm_invalid_strategy: 'syntax',
  llm_budget_exceeded: 'llm',
  generator_invalid_parent: 'syntax',
  generator_exhausted: 'other',
  backtest_invalid_strategy: 'syntax',
  backtest_duplicate: 'duplicate',
  backtest_data_missing: 'data_missing',
  backtest_calculation: 'calculation',
  backtest_timeout: 'timeout',
  backtest_out_of_memory: 'calculation',
  backtest_internal: 'other',
  storage_unavailable: 'other',
  storage_corrupt_row: 'other',
  storage_duplicate: 'other',
  storage_schema_too_new: 'other',
  storage_failure: 'other',
  champion_conflict: 'other',
  adapter_threw: 'other',
};

export function toIterationError(error: PortError, step: IterationStep): IterationError {
  return { category: CATEGORY_BY_KIND[error.kind], message: error.message, step };
}

export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`;
  return `non-error thrown: ${String(thrown)}`;
}
