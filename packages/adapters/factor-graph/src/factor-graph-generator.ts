import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { GenerateStrategyInput, GeneratedStrategy, RandomPort, StrategyGeneratorError, StrategyGeneratorPort } from '@alphaloop/ports';
import {
  compileStrategy,
  formatStrategyErrors,
  MUTATION_OPERATORS,
  mutate,
  templateStrategy,
  type CompileContext,
  type CompiledStrategy,
  type MutationOperator,
  type RandomSource,
} from '@alphaloop/strategy';

export interface FactorGraphGeneratorOptions {
  /**
   * Relative weight of each operator when choosing which to try first (default 1 each, perturbation 2:
   * small steps are the cheapest way to improve a good strategy). A weight of 0 disables an operator.
   */
  readonly operatorWeights?: Partial<Record<MutationOperator, number>>;
  /** How many generations to remember by strategy id (for the lineage of later children). */
  readonly lineageMemory?: number;
}

const DEFAULT_WEIGHTS: Readonly<Record<MutationOperator, number>> = {
  add_entry_factor: 1,
  add_exit_factor: 1,
  remove_factor: 1,
  replace_factor: 1,
  perturb_parameter: 2,
  change_rebalance: 0.5,
  change_holdings: 0.5,
};

/**
 * The strategy generator that needs no LLM: it mutates the champion — whoever wrote it — or, without a
 * champion, starts from the template strategy. The operator is drawn with the injected random source;
 * when it does not apply to the parent the next one (again drawn at random) is tried, so a generation
 * fails only when no operator applies. A child always differs from its parent (by strategy id).
 */
export class FactorGraphStrategyGenerator implements StrategyGeneratorPort {
  private readonly weights: Readonly<Record<MutationOperator, number>>;
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
    this.weights = { ...DEFAULT_WEIGHTS, ...options.operatorWeights };
    this.lineageMemory = options.lineageMemory ?? 10_000;
    this.source = { next: () => this.random.next() };
  }

  generate(input: GenerateStrategyInput): ResultAsync<GeneratedStrategy, StrategyGeneratorError> {
    const champion = input.champion;
    if (champion === null) return this.fromTemplate(input.runId);
    const parent = compileStrategy(champion.code, this.market);
    if (parent.isErr()) {
      return errAsync({ kind: 'generator_invalid_parent', message: `the champion ${champion.strategyId} does not compile on this market:\n${formatStrategyErrors(parent.error)}` });
    }
    return this.mutateParent(parent.value, champion.strategyId);
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
      return okAsync({ code: template.value.canonicalSource, strategyId: template.value.strategyId, parentId: null, operator: 'template', generation: 0 });
    }
    return this.mutateParent(template.value, template.value.strategyId);
  }

  private mutateParent(parent: CompiledStrategy, parentId: string): ResultAsync<GeneratedStrategy, StrategyGeneratorError> {
    const parentGeneration = this.generations.get(parentId) ?? this.generations.get(parent.strategyId) ?? 0;
    const tried: string[] = [];
    for (const operator of this.operatorOrder()) {
      const child = mutate(parent, operator, this.source, { parentGeneration });
      if (child.isErr()) {
        tried.push(`${operator} (${child.error.kind})`);
        continue;
      }
      const generation = parentGeneration + 1;
      this.remember(child.value.strategyId, generation);
      return okAsync({ code: child.value.canonicalSource, strategyId: child.value.strategyId, parentId, operator, generation });
    }
    return errAsync({ kind: 'generator_exhausted', message: `no mutation applies to strategy ${parentId}; tried ${tried.join(', ')}` });
  }

  /** Every enabled operator once, in a random order weighted by `weights` (weighted sampling without replacement). */
  private operatorOrder(): MutationOperator[] {
    const remaining = MUTATION_OPERATORS.filter((op) => this.weights[op] > 0);
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
