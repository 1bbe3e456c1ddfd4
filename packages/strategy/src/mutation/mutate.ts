import { err, ok, type Result } from 'neverthrow';
import type { StrategyError } from '../errors.js';
import { factorKitOf } from '../factors/factor-kit.js';
import { printStrategy } from '../print/print.js';
import { compileStrategy, type CompiledStrategy } from '../strategy.js';
import type { Edit } from './edit.js';
import {
  addEntryFactor,
  addExitFactor,
  changeHoldings,
  changeRebalance,
  perturbParameter,
  removeFactor,
  replaceFactor,
  type MutationInput,
} from './operators.js';
import type { RandomSource } from './random.js';

export type MutationOperator =
  | 'add_entry_factor'
  | 'add_exit_factor'
  | 'remove_factor'
  | 'replace_factor'
  | 'perturb_parameter'
  | 'change_rebalance'
  | 'change_holdings';

export const MUTATION_OPERATORS: readonly MutationOperator[] = [
  'add_entry_factor', 'add_exit_factor', 'remove_factor', 'replace_factor', 'perturb_parameter', 'change_rebalance', 'change_holdings',
];

export type MutationError =
  /** The operator has nothing to work on in this strategy (e.g. change_holdings without isLargest). */
  | { readonly kind: 'mutation_not_applicable'; readonly operator: MutationOperator; readonly message: string }
  /** The child failed to compile: a defect in the operator, never expected (property-tested). */
  | { readonly kind: 'mutation_invalid'; readonly operator: MutationOperator; readonly message: string; readonly errors: readonly StrategyError[] };

export interface MutateOptions {
  /** The parent's generation when it is known outside the strategy (e.g. from stored lineage). */
  readonly parentGeneration?: number;
}

const OPERATORS: Readonly<Record<MutationOperator, (input: MutationInput) => Edit | null>> = {
  add_entry_factor: addEntryFactor,
  add_exit_factor: addExitFactor,
  remove_factor: removeFactor,
  replace_factor: replaceFactor,
  perturb_parameter: perturbParameter,
  change_rebalance: changeRebalance,
  change_holdings: changeHoldings,
};

/**
 * Applies one mutation operator to any valid strategy. The child is printed and compiled again (so it is
 * valid by the same rules as hand-written source), differs from the parent, and records its lineage.
 */
export function mutate(
  parent: CompiledStrategy,
  operator: MutationOperator,
  random: RandomSource,
  options: MutateOptions = {},
): Result<CompiledStrategy, MutationError> {
  const edit = OPERATORS[operator]({ graph: parent.graph, kit: factorKitOf(parent.context), random });
  if (edit === null) {
    return err({ kind: 'mutation_not_applicable', operator, message: `${operator} does not apply to strategy ${parent.strategyId}` });
  }
  const source = printStrategy(edit.graph);
  const compiled = compileStrategy(source, parent.context);
  if (compiled.isErr()) {
    return err({ kind: 'mutation_invalid', operator, message: `${operator} produced an invalid strategy (${edit.description})`, errors: compiled.error });
  }
  if (compiled.value.strategyId === parent.strategyId) {
    return err({ kind: 'mutation_not_applicable', operator, message: `${operator} left strategy ${parent.strategyId} unchanged` });
  }
  const generation = (options.parentGeneration ?? parent.lineage?.generation ?? 0) + 1;
  return ok({ ...compiled.value, lineage: { parentId: parent.strategyId, operator, generation, description: edit.description } });
}
