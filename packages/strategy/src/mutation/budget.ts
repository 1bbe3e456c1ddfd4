/**
 * How large the search lets a strategy grow. Operators that add a part do not apply beyond these (removing still
 * does), so the factor graph stays among strategies a quant would write: every added filter or exit is one more
 * chance to fit in-sample noise, and a strategy twice as long costs twice as long to backtest. The oracle of the
 * synthetic market has three ranked terms and no filter; FinLab's published examples use one to three conditions.
 * A hand- or LLM-written strategy may be larger: the budget only stops the search from making it larger still.
 */
export interface SearchBudget {
  readonly maxScoreTerms: number;
  readonly maxEntryConditions: number;
  readonly maxExits: number;
}

export const SEARCH_BUDGET: SearchBudget = {
  /** Ranked terms of a weighted-sum score. */
  maxScoreTerms: 4,
  /** Entry conditions (filters) in the entry mask. */
  maxEntryConditions: 3,
  /** Exits: exit-signal and time-exit conjuncts plus sim stop options. */
  maxExits: 2,
};
