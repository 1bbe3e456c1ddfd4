/**
 * The outcome of `alphaloop validate`: the probability of backtest overfitting of a run's top strategies by
 * combinatorially symmetric cross-validation over their in-sample daily returns (Bailey, Borwein, López de
 * Prado & Zhu 2015), stored with the run.
 */
export interface RunValidation {
  readonly runId: string;
  /** ISO time of the validation, from the injected clock. */
  readonly createdAt: string;
  /** The distinct strategies validated, best robust score first. */
  readonly strategyIds: readonly string[];
  /** Number of contiguous blocks S (C(S, S/2) splits). */
  readonly blocks: number;
  readonly splitCount: number;
  readonly observations: number;
  readonly pbo: number;
  /** OLS slope of the chosen strategy's out-of-sample Sharpe on its in-sample Sharpe, across splits. */
  readonly degradationSlope: number;
  readonly degradationIntercept: number;
  /** Share of splits whose chosen strategy loses money out of sample. */
  readonly probabilityOfLoss: number;
}
