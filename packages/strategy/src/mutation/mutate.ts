import { SEARCH_BUDGET, type SearchBudget } from './budget.js';
import { err, ok, type Result } from 'neverthrow';
import type { StrategyError } from '../errors.js';
import { factorKitOf } from '../factors/factor-kit.js';
import type { CompileContext } from '../compile/context.js';
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
import { addScoreTerm, dropTerm, perturbWeights } from './score-terms.js';
import { swapField } from './swap-field.js';

export type MutationOperator =
  | 'add_entry_factor'
  | 'add_exit_factor'
  | 'remove_factor'
  | 'replace_factor'
  | 'perturb_parameter'
  | 'change_rebalance'
  | 'change_holdings'
  | 'add_score_term'
  | 'perturb_weights'
  | 'drop_term'
  | 'swap_field';

/** The first seven operators: one factor at a time, never more than one score (kept to compare searches with). */
export const CLASSIC_MUTATION_OPERATORS: readonly MutationOperator[] = [
  'add_entry_factor', 'add_exit_factor', 'remove_factor', 'replace_factor', 'perturb_parameter', 'change_rebalance', 'change_holdings',
];

/** Every operator: the classic ones, and those that build, tune and prune weighted sums of ranked scores or swap data fields. */
export const MUTATION_OPERATORS: readonly MutationOperator[] = [
  ...CLASSIC_MUTATION_OPERATORS, 'add_score_term', 'perturb_weights', 'drop_term', 'swap_field',
];

/** What derived a child: one of the mutation operators, or a crossover of two parents. */
export type VariationOperator = MutationOperator | 'crossover';

export type MutationError =
  /** The operator has nothing to work on in this strategy (e.g. change_holdings without isLargest). */
  | { readonly kind: 'mutation_not_applicable'; readonly operator: VariationOperator; readonly message: string }
  /** The child failed to compile: a defect in the operator, never expected (property-tested). */
  | { readonly kind: 'mutation_invalid'; readonly operator: VariationOperator; readonly message: string; readonly errors: readonly StrategyError[] };

export interface MutateOptions {
  /** The parent's generation when it is known outside the strategy (e.g. from stored lineage). */
  readonly parentGeneration?: number;
  /** How large added parts may make the child (default SEARCH_BUDGET; null: unbounded, the search before the budget). */
  readonly budget?: SearchBudget | null;
}

const OPERATORS: Readonly<Record<MutationOperator, (input: MutationInput) => Edit | null>> = {
  add_entry_factor: addEntryFactor,
  add_exit_factor: addExitFactor,
  remove_factor: removeFactor,
  replace_factor: replaceFactor,
  perturb_parameter: perturbParameter,
  change_rebalance: changeRebalance,
  change_holdings: changeHoldings,
  add_score_term: addScoreTerm,
  perturb_weights: perturbWeights,
  drop_term: dropTerm,
  swap_field: swapField,
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
  const budget = options.budget === undefined ? SEARCH_BUDGET : options.budget;
  const edit = OPERATORS[operator]({ graph: parent.graph, kit: factorKitOf(parent.context), random, budget });
  if (edit === null) {
    return err({ kind: 'mutation_not_applicable', operator, message: `${operator} does not apply to strategy ${parent.strategyId}` });
  }
  const compiled = compileEdit(edit, parent.context, operator);
  if (compiled.isErr()) return err(compiled.error);
  if (compiled.value.strategyId === parent.strategyId) {
    return err({ kind: 'mutation_not_applicable', operator, message: `${operator} left strategy ${parent.strategyId} unchanged` });
  }
  const generation = (options.parentGeneration ?? parent.lineage?.generation ?? 0) + 1;
  return ok({ ...compiled.value, lineage: { parentId: parent.strategyId, operator, generation, description: edit.description } });
}

/** Prints the edited graph and compiles it again, so a child is valid by the same rules as hand-written source. */
export function compileEdit(edit: Edit, context: CompileContext, operator: VariationOperator): Result<CompiledStrategy, MutationError> {
  const compiled = compileStrategy(printStrategy(edit.graph), context);
  if (compiled.isErr()) {
    return err({ kind: 'mutation_invalid', operator, message: `${operator} produced an invalid strategy (${edit.description})`, errors: compiled.error });
  }
  return ok(compiled.value);
}
