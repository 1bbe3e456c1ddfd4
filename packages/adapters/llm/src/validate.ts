import type { MarketDataDescription } from '@alphaloop/ports';
import { compileStrategy, formatStrategyErrors } from '@alphaloop/strategy';
import { err, ok } from 'neverthrow';
import type { StrategyValidator } from './ai-sdk-llm.js';

/**
 * The strategy compiler of @alphaloop/strategy as the adapter's validator: a reply is accepted only if it
 * compiles against the loaded market's fields and date count, under the run's costs (a strategy that sets its
 * own fee or tax is refused, as the backtest would). On failure, every error the compiler found, one per line,
 * as `line:column: message — hint` (the exact text the model is sent back).
 */
export const compilerValidator: StrategyValidator = (source: string, market: MarketDataDescription) => {
  const compiled = compileStrategy(source, { fields: market.fields, dateCount: market.dateCount, runSetsCosts: true });
  return compiled.isOk() ? ok(undefined) : err(formatStrategyErrors(compiled.error));
};
