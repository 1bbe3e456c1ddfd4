import { ok, type Result } from 'neverthrow';
import { DEFAULT_SIM_OPTIONS } from '../catalogue/sim-options.js';
import type { CompileContext } from '../compile/context.js';
import type { StrategyError } from '../errors.js';
import type { FactorInstance, FactorKit } from '../factors/factor-kit.js';
import { factorKitOf } from '../factors/factor-kit.js';
import type { FactorDefinition, FactorParamSpec } from '../factors/library.js';
import { templateStrategy } from '../factors/template.js';
import { GraphBuilder } from '../graph/builder.js';
import type { FactorGraph, NodeId, Resample, SimOptions } from '../graph/types.js';
import { LIMITS } from '../limits.js';
import { printStrategy } from '../print/print.js';
import { compileStrategy, type CompiledStrategy } from '../strategy.js';
import { assemble } from './anatomy.js';
import { addFragment } from './edit.js';
import { roundSignificant } from './perturb.js';
import { pick, randomInt, shuffled, type RandomSource } from './random.js';
import { buildScore, drawShare } from './score-terms.js';

/** Draws before falling back to the template (a draw fails only on a market too small for its windows). */
const EXPLORE_ATTEMPTS = 8;
const SCHEDULES: readonly Resample[] = ['D', 'W', 'M', 'Q'];
export const EXPLORE_HOLDINGS = { min: 5, max: 50 } as const;

/**
 * A new strategy from the factor library, unrelated to any parent (for a search that has stagnated): one or
 * two score factors (two as a weighted sum of their ranks), zero to two entry filters, maybe one exit, all
 * with random parameters within their bounds; top 5–50 names, rebalanced daily, weekly, monthly or
 * quarterly. Always a valid strategy: a draw that does not compile is drawn again, and after a few the
 * template is returned (an error only when the market lacks what even the template needs).
 */
export function exploreStrategy(context: CompileContext, random: RandomSource): Result<CompiledStrategy, StrategyError> {
  const kit = factorKitOf(context);
  for (let attempt = 0; attempt < EXPLORE_ATTEMPTS; attempt += 1) {
    const graph = drawStrategy(kit, random);
    if (graph === null) continue;
    const compiled = compileStrategy(printStrategy(graph), context);
    if (compiled.isOk()) return ok(compiled.value);
  }
  return templateStrategy(context);
}

function drawStrategy(kit: FactorKit, random: RandomSource): FactorGraph | null {
  const byRole = (...roles: string[]): FactorDefinition[] => kit.available.filter((f) => roles.includes(f.role));
  const builder = new GraphBuilder(LIMITS.maxNodes);
  const add = (factor: FactorDefinition): NodeId | null => {
    const fragment = kit.fragment(randomInstance(kit, factor, random));
    return fragment === null ? null : addFragment(builder, fragment);
  };

  const signals = shuffled(random, byRole('score')).slice(0, 1 + randomInt(random, 2)).map(add);
  const [first, second] = signals;
  if (first === undefined || signals.some((s) => s === null)) return null;
  let score: NodeId | null = first;
  if (second !== undefined && first !== null && second !== null) {
    const share = drawShare(random);
    const ranks = [builder.add('rank', [first], [], 'float_frame'), builder.add('rank', [second], [], 'float_frame')];
    const [a, b] = ranks;
    score = a === null || a === undefined || b === null || b === undefined ? null
      : buildScore(builder, [{ node: a, weight: share }, { node: b, weight: roundSignificant(1 - share, 2) }]);
  }

  const filters = shuffled(random, byRole('filter')).slice(0, randomInt(random, 3)).map(add);
  if (score === null || filters.some((f) => f === null)) return null;
  const entry = filters as NodeId[];
  let options: SimOptions = { ...DEFAULT_SIM_OPTIONS, resample: pick(random, SCHEDULES) ?? 'M' };
  if (random.next() < 0.5) {
    // a time exit times the entry filters, so it needs one
    const exit = pick(random, byRole('exit_signal', 'stop_option', ...(entry.length > 0 ? ['time_exit'] : [])));
    if (exit !== undefined) {
      const instance = randomInstance(kit, exit, random);
      if (exit.role === 'stop_option' && exit.option !== undefined) {
        options = { ...options, [exit.option]: instance.params[0] ?? null };
      } else {
        const signal = exit.role === 'time_exit' ? timeExitSignal(builder, entry, instance.params[0] ?? 20) : add(exit);
        const leave = signal === null ? null : builder.add('not', [signal], [], 'bool_frame');
        if (leave === null) return null;
        entry.push(leave);
      }
    }
  }
  const holdings = EXPLORE_HOLDINGS.min + randomInt(random, EXPLORE_HOLDINGS.max - EXPLORE_HOLDINGS.min + 1);
  const root = assemble(builder, { shape: 'ranked', selector: 'isLargest', holdings, score, entry });
  return root === null ? null : builder.finish(root, options);
}

/** `(f1 && f2 && …).sustain(days, days)`: the entry filters have all held for `days` days. */
function timeExitSignal(builder: GraphBuilder, filters: readonly NodeId[], days: number): NodeId | null {
  let mask: NodeId | null = null;
  for (const id of filters) mask = mask === null ? id : builder.add('and', [mask, id], [], 'bool_frame');
  return mask === null ? null : builder.add('sustain', [mask], [days, days], 'bool_frame');
}

/** Each parameter drawn within its bounds on this market. */
export function randomInstance(kit: FactorKit, factor: FactorDefinition, random: RandomSource): FactorInstance {
  return { factor, params: kit.bounds(factor).map((spec) => randomParam(spec, random)) };
}

/**
 * Integers uniformly; reals uniformly, or log-uniformly when the range spans more than a decade (a volume
 * minimum of 10,000–100,000,000 would otherwise almost always be in the tens of millions), at two
 * significant digits.
 */
export function randomParam(spec: FactorParamSpec, random: RandomSource): number {
  if (spec.integer) return spec.min + randomInt(random, spec.max - spec.min + 1);
  const u = random.next();
  const value = spec.min > 0 && spec.max / spec.min > 10
    ? spec.min * (spec.max / spec.min) ** u
    : spec.min + (spec.max - spec.min) * u;
  return Math.min(spec.max, Math.max(spec.min, roundSignificant(value, 2)));
}
