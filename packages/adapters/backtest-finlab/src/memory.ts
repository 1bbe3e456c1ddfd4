import type { BacktestError } from '@alphaloop/ports';
import { planEvaluation, type EvaluationPlan } from '@alphaloop/engine';
import type { FactorGraph } from '@alphaloop/strategy';
import { err, ok, type Result } from 'neverthrow';
import { outOfMemory } from './errors.js';

/** Frames `sim` allocates beside the position (weights, an averaged trade price for some `tradeAt`): a margin. */
const SIM_FRAMES = 2;
const BYTES = Float64Array.BYTES_PER_ELEMENT;

/**
 * The engine's evaluation plan for the graph as `backtestGraph` runs it (with a resample, only the rows `sim`
 * reads: the row-wise tail is computed on those); null for a graph the engine refuses (its own error says why).
 */
function planFor(graph: FactorGraph, rows: number, cols: number): EvaluationPlan | null {
  const plan = planEvaluation(graph, { rows, cols, someRows: graph.options.resample !== null });
  return plan.isOk() ? plan.value : null;
}

/** Estimated bytes of working memory for one backtest of `graph` on a `rows` × `cols` grid (evaluation + sim). */
export function estimateBacktestBytes(graph: FactorGraph, rows: number, cols: number): number {
  const plan = planFor(graph, rows, cols);
  return (plan?.bytes ?? 0) + SIM_FRAMES * rows * cols * BYTES;
}

const MB = 1024 * 1024;

/** The memory guard: refuses, before running it, a strategy whose working memory would exceed `limitMb`. */
export function checkMemoryBudget(graph: FactorGraph, rows: number, cols: number, limitMb: number): Result<void, BacktestError> {
  const bytes = estimateBacktestBytes(graph, rows, cols);
  if (bytes <= limitMb * MB) return ok(undefined);
  const plan = planFor(graph, rows, cols);
  const series = (plan === null ? 0 : plan.wholeFrames + plan.fields.length) + SIM_FRAMES;
  return err(
    outOfMemory(
      `the strategy needs about ${Math.ceil(bytes / MB)} MB of working memory (${series} whole series of ${rows} dates × ${cols} symbols, ` +
        `plus buffers), over the limit of ${limitMb} MB — apply fewer time-series operations to computed series, or read fewer fields`,
    ),
  );
}
