import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { GenerateStrategyInput, GeneratedStrategy, RandomPort, StrategyGeneratorError, StrategyGeneratorPort } from '@alphaloop/ports';
import {
  CLASSIC_MUTATION_OPERATORS,
  compileStrategy,
  crossover,
  exploreStrategy,
  formatStrategyError,
  formatStrategyErrors,
  MUTATION_OPERATORS,
  SEARCH_BUDGET,
  type SearchBudget,
  mutate,
  templateStrategy,
  type CompileContext,
  type CompiledStrategy,
  type MutationOperator,
  type RandomSource,
} from '@alphaloop/strategy';

export interface FactorGraphGeneratorOptions {
  /** Relative weight of each operator when choosing which to try first (default DEFAULT_OPERATOR_WEIGHTS); 0 disables one. */
  readonly operatorWeights?: Partial<Record<MutationOperator, number>>;
  /**
   * Which operators mutate: 'all' (default), or 'classic' — the seven one-factor operators with their
   * original weights and no size budget, the search as it was before weighted sums of scores (to compare the two).
   */
  readonly operators?: 'all' | 'classic';
  /** How many generations to remember by strategy id (for the lineage of later children). */
  readonly lineageMemory?: number;
}

/**
 * Default operator weights (relative). perturb_parameter 2: small steps are the cheapest way to improve a
 * good strategy. add_score_term 1.5: the oracle's shape, a weighted sum of ranked scores, is two or three
 * of these steps from the template, so it must come up often enough for a chain to take them.
 * perturb_weights 1, like the other one-step edits (it applies only once a score has two terms).
 * drop_term 0.5: it undoes add_score_term, and as often would stall the growth of scores. swap_field 0.5:
 * most fields have at most one alternative, and raw and adjusted prices seldom differ much. Rebalance
 * and holdings 0.5, as before.
 */
export const DEFAULT_OPERATOR_WEIGHTS: Readonly<Record<MutationOperator, number>> = {
  add_entry_factor: 1,
  add_exit_factor: 1,
  remove_factor: 1,
  replace_factor: 1,
  perturb_parameter: 2,
  change_rebalance: 0.5,
  change_holdings: 0.5,
  add_score_term: 1.5,
  perturb_weights: 1,
  drop_term: 0.5,
  swap_field: 0.5,
};

/**
 * The strategy generator that needs no LLM: it mutates the champion — whoever wrote it — or crosses it
 * with a mate, or builds a new strategy from the factor library (`explore`), or, without a champion,
 * starts from the template strategy. The operator is drawn with the injected random source; when it does
 * not apply to the parent the next one (again drawn at random) is tried, so a generation fails only when no
 * operator applies. A child always differs from its parent (by strategy id).
 */
export class FactorGraphStrategyGenerator implements StrategyGeneratorPort {
  private readonly weights: Readonly<Record<MutationOperator, number>>;
  private readonly operators: readonly MutationOperator[];
  /** The classic search grows strategies without a size budget, as it did before the budget existed. */
  private readonly budget: SearchBudget | null;
  private readonly generations = new Map<string, number>();
  private readonly lineageMemory: number;
  private readonly templateServed = new Set<string>();
  private readonly source: RandomSource;

  constructor(
    private readonly random: RandomPort,
    /** The market the strategies will run on (a MarketDataDescription fits). */
    private readonly market: CompileContext,
    options: FactorGraphGeneratorOptions = {},
  ) {
    this.weights = { ...DEFAULT_OPERATOR_WEIGHTS, ...options.operatorWeights };
    this.operators = options.operators === 'classic' ? CLASSIC_MUTATION_OPERATORS : MUTATION_OPERATORS;
    this.budget = options.operators === 'classic' ? null : SEARCH_BUDGET;
    this.lineageMemory = options.lineageMemory ?? 10_000;
    this.source = { next: () => this.random.next() };
  }

  generate(input: GenerateStrategyInput): ResultAsync<GeneratedStrategy, StrategyGeneratorError> {
    if (input.explore === true) return this.explore();
    const champion = input.champion;
    if (champion === null) return this.fromTemplate(input.runId);
    const parent = compileStrategy(champion.code, this.market);
    if (parent.isErr()) {
      return errAsync({ kind: 'generator_invalid_parent', message: `the champion ${champion.strategyId} does not compile on this market:\n${formatStrategyErrors(parent.error)}` });
    }
    const mate = input.mate ?? null;
    if (mate !== null) {
      const crossed = this.crossParent(parent.value, champion.strategyId, mate);
      if (crossed !== null) return okAsync(crossed);
    }
    return this.mutateParent(parent.value, champion.strategyId);
  }

  /** A new strategy from the factor library, with no parent (generation 0). */
  private explore(): ResultAsync<GeneratedStrategy, StrategyGeneratorError> {
    const made = exploreStrategy(this.market, this.source);
    if (made.isErr()) {
      return errAsync({ kind: 'generator_invalid_parent', message: `no strategy can be built from the factor library on this market: ${formatStrategyError(made.error)}` });
    }
    this.remember(made.value.strategyId, 0);
    return okAsync({ code: made.value.canonicalSource, strategyId: made.value.strategyId, parentId: null, operator: 'explore', generation: 0, mateId: null });
  }

  /**
   * The crossover of the parent with its mate, or null when there is none to make (the mate does not
   * compile here, or no recipe gives a new strategy): the caller then mutates the parent instead.
   */
  private crossParent(parent: CompiledStrategy, parentId: string, mate: { readonly strategyId: string; readonly code: string }): GeneratedStrategy | null {
    const compiledMate = compileStrategy(mate.code, this.market);
    if (compiledMate.isErr()) return null;
    const parentGeneration = this.generationOf(parentId, parent.strategyId);
    const mateGeneration = this.generationOf(mate.strategyId, compiledMate.value.strategyId);
    const child = crossover(parent, compiledMate.value, this.source, { parentGeneration, mateGeneration });
    if (child.isErr()) return null;
    const generation = Math.max(parentGeneration, mateGeneration) + 1;
    this.remember(child.value.strategyId, generation);
    return { code: child.value.canonicalSource, strategyId: child.value.strategyId, parentId, operator: 'crossover', generation, mateId: mate.strategyId };
  }

  private generationOf(storedId: string, compiledId: string): number {
    return this.generations.get(storedId) ?? this.generations.get(compiledId) ?? 0;
  }

  /** The template itself the first time in a run, mutations of it afterwards (never the same strategy twice in a row). */
  private fromTemplate(runId: string): ResultAsync<GeneratedStrategy, StrategyGeneratorError> {
    const template = templateStrategy(this.market);
    if (template.isErr()) {
      return errAsync({ kind: 'generator_invalid_parent', message: `the template strategy does not compile on this market: ${template.error.message}` });
    }
    if (!this.templateServed.has(runId)) {
      this.templateServed.add(runId);
      this.remember(template.value.strategyId, 0);
      return okAsync({ code: template.value.canonicalSource, strategyId: template.value.strategyId, parentId: null, operator: 'template', generation: 0, mateId: null });
    }
    return this.mutateParent(template.value, template.value.strategyId);
  }

  private mutateParent(parent: CompiledStrategy, parentId: string): ResultAsync<GeneratedStrategy, StrategyGeneratorError> {
    const parentGeneration = this.generationOf(parentId, parent.strategyId);
    const tried: string[] = [];
    for (const operator of this.operatorOrder()) {
      const child = mutate(parent, operator, this.source, { parentGeneration, budget: this.budget });
      if (child.isErr()) {
        tried.push(`${operator} (${child.error.kind})`);
        continue;
      }
      const generation = parentGeneration + 1;
      this.remember(child.value.strategyId, generation);
      return okAsync({ code: child.value.canonicalSource, strategyId: child.value.strategyId, parentId, operator, generation, mateId: null });
    }
    return errAsync({ kind: 'generator_exhausted', message: `no mutation applies to strategy ${parentId}; tried ${tried.join(', ')}` });
  }

  /** Every enabled operator once, in a random order weighted by `weights` (weighted sampling without replacement). */
  private operatorOrder(): MutationOperator[] {
    const remaining = this.operators.filter((op) => this.weights[op] > 0);
    const order: MutationOperator[] = [];
    while (remaining.length > 0) {
      const total = remaining.reduce((sum, op) => sum + this.weights[op], 0);
      let draw = this.random.next() * total;
      let index = remaining.length - 1;
      for (let i = 0; i < remaining.length; i += 1) {
        draw -= this.weights[remaining[i] as MutationOperator];
        if (draw < 0) {
          index = i;
          break;
        }
      }
      order.push(...remaining.splice(index, 1));
    }
    return order;
  }

  private remember(strategyId: string, generation: number): void {
    this.generations.delete(strategyId);
    this.generations.set(strategyId, generation);
    if (this.generations.size > this.lineageMemory) {
      const oldest = this.generations.keys().next().value;
      if (oldest !== undefined) this.generations.delete(oldest);
    }
  }
}
