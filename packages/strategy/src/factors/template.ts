import { err, ok, type Result } from 'neverthrow';
import { DEFAULT_SIM_OPTIONS } from '../catalogue/sim-options.js';
import type { CompileContext } from '../compile/context.js';
import type { StrategyError } from '../errors.js';
import { GraphBuilder } from '../graph/builder.js';
import { LIMITS } from '../limits.js';
import { assemble } from '../mutation/anatomy.js';
import { addFragment } from '../mutation/edit.js';
import { fromGraph, type CompiledStrategy } from '../strategy.js';
import { factorKitOf } from './factor-kit.js';
import { factorByName } from './library.js';

/**
 * The starting strategy of a run without a champion (the original's template, research/seed-system.md §8.6):
 * momentum(20) ranked among stocks at a 20-day breakout, top 10, monthly, with a 10% trailing stop.
 */
export function templateStrategy(context: CompileContext): Result<CompiledStrategy, StrategyError> {
  const kit = factorKitOf(context);
  const momentum = factorByName('momentum');
  const breakout = factorByName('breakout');
  const unavailable = [momentum, breakout].find((f) => f === undefined || !kit.available.includes(f));
  if (momentum === undefined || breakout === undefined || unavailable !== undefined) {
    return err({ kind: 'unknown_data_key', line: 1, column: 1, message: 'the template strategy needs close and high prices, which this market data lacks',
      hint: "provide 'price:close' and 'price:high' (or FinLab's 'price:收盤價' and 'price:最高價')" });
  }
  const builder = new GraphBuilder(LIMITS.maxNodes);
  const scoreFragment = kit.fragment({ factor: momentum, params: [Math.min(20, context.dateCount)] });
  const entryFragment = kit.fragment({ factor: breakout, params: [Math.min(20, context.dateCount)] });
  const score = scoreFragment === null ? null : addFragment(builder, scoreFragment);
  const entry = entryFragment === null ? null : addFragment(builder, entryFragment);
  const root = score === null || entry === null ? null
    : assemble(builder, { shape: 'ranked', selector: 'isLargest', holdings: 10, score, entry: [entry] });
  if (root === null) {
    return err({ kind: 'invalid_mutation', line: 1, column: 1, message: 'the template strategy does not compile on this market data', hint: 'check the number of dates' });
  }
  const graph = builder.finish(root, { ...DEFAULT_SIM_OPTIONS, resample: 'M', trailStop: 0.1 });
  return ok(fromGraph(graph, context, [], null));
}
