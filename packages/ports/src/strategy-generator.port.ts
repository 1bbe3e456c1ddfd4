import type { ResultAsync } from 'neverthrow';
import type { Champion } from '@alphaloop/domain';

export interface GenerateStrategyInput {
  readonly runId: string;
  readonly iteration: number;
  /**
   * The strategy to mutate, whoever wrote it (LLM or factor graph): the champion, or while there is none
   * the best strategy of the run so far (as a version-0 champion); `null` → the template strategy.
   */
  readonly champion: Champion | null;
  /** A second parent (an elite of another cell): the generator crosses the two over instead of mutating. */
  readonly mate?: { readonly strategyId: string; readonly code: string } | null;
  /** The search has stagnated: build a new strategy from the factor library instead of deriving one. */
  readonly explore?: boolean;
}

export interface GeneratedStrategy {
  /** Canonical source of the new strategy. */
  readonly code: string;
  readonly strategyId: string;
  /** Id of the strategy it was derived from (`null` for the template itself). */
  readonly parentId: string | null;
  readonly operator: string;
  readonly generation: number;
  /** The mate of a crossover (null otherwise). */
  readonly mateId?: string | null;
}

export type StrategyGeneratorError =
  | { readonly kind: 'generator_invalid_parent'; readonly message: string }
  | { readonly kind: 'generator_exhausted'; readonly message: string };

/** Produces strategies without an LLM: mutations of a parent, crossovers of two, new ones from the factor library, or the template. */
export interface StrategyGeneratorPort {
  generate(input: GenerateStrategyInput): ResultAsync<GeneratedStrategy, StrategyGeneratorError>;
}
