import { err, ok, type Result } from 'neverthrow';
import { forEachCombination } from './combinations.js';
import { fitLine } from './linear-fit.js';
import { DEFAULT_PBO_SPLITS, describePboInputProblem } from './pbo-input.js';
import { averageRank, indexOfMaximum } from './ranking.js';

/**
 * Probability of backtest overfitting by combinatorially symmetric cross-validation (CSCV; Bailey,
 * Borwein, López de Prado & Zhu 2015, "The Probability of Backtest Overfitting"): how often the trial that
 * looks best in sample ranks in the bottom half out of sample.
 */
export interface OverfittingReport {
  /** Share of splits whose logit λ ≤ 0: the in-sample winner ranked at or below the median out of sample. */
  readonly pbo: number;
  /** λ = ln(ω / (1 − ω)) per split, ω = out-of-sample rank of the in-sample winner / (N + 1); splits in lexicographic order of their in-sample blocks. */
  readonly logits: readonly number[];
  /**
   * OLS slope of the winner's out-of-sample Sharpe on its in-sample Sharpe across splits ("performance
   * degradation"). J and J̄ are complements, so it is negative even for pure noise (about −0.5 for 20 noise
   * trials): read it beside `pbo`, not alone.
   */
  readonly degradationSlope: number;
  readonly degradationIntercept: number;
  /** Share of splits in which the in-sample winner's out-of-sample Sharpe is below 0. */
  readonly probabilityOfLoss: number;
  /** C(S, S/2). */
  readonly splitCount: number;
  readonly trials: number;
  /** Rows used: T minus the T mod S leading rows that are dropped. */
  readonly observations: number;
  /** Rows per block: observations / S. */
  readonly blockSize: number;
}

export interface PboError {
  readonly kind: 'pbo_invalid_input';
  readonly message: string;
}

export interface PboOptions {
  /** S, the number of blocks (even, at most MAX_PBO_SPLITS); default 16. */
  readonly splits?: number;
}

/** Variance below this share of the mean square is rounding noise: the rows were all equal. */
const VARIANCE_NOISE = 1e-10;

/**
 * Per-period Sharpe (mean / sample std) from a sum and a sum of squares. A trial whose returns on these
 * rows are all equal (typically all 0: it held nothing) has no risk-adjusted return to rank: 0.
 */
function sharpeOfSums(sum: number, squares: number, count: number): number {
  const mean = sum / count;
  const variance = (squares - sum * mean) / (count - 1);
  if (variance <= VARIANCE_NOISE * (squares / count)) return 0;
  return mean / Math.sqrt(variance);
}

/** Sums and sums of squares per trial and block, so that each split costs O(S·N) whatever the block size. */
function blockSums(returns: readonly ArrayLike<number>[], firstRow: number, blockSize: number, splits: number) {
  const sums = new Float64Array(returns.length * splits);
  const squares = new Float64Array(returns.length * splits);
  returns.forEach((stream, trial) => {
    for (let block = 0; block < splits; block += 1) {
      let sum = 0;
      let square = 0;
      const start = firstRow + block * blockSize;
      for (let row = start; row < start + blockSize; row += 1) {
        const value = stream[row] as number;
        sum += value;
        square += value * value;
      }
      sums[trial * splits + block] = sum;
      squares[trial * splits + block] = square;
    }
  });
  return { sums, squares };
}

/**
 * CSCV exactly as the paper lays it out: drop T mod S leading rows, cut the rest into S contiguous blocks,
 * and for every choice of S/2 blocks as the in-sample set J (its complement J̄ out of sample) compute each
 * trial's per-period Sharpe on J and on J̄, take the in-sample winner n* (ties: the first), its
 * out-of-sample rank ω among all trials (ties: average rank) / (N + 1), and λ = ln(ω / (1 − ω)).
 */
export function probabilityOfOverfitting(
  returns: readonly ArrayLike<number>[],
  options: PboOptions = {},
): Result<OverfittingReport, PboError> {
  const splits = options.splits ?? DEFAULT_PBO_SPLITS;
  const problem = describePboInputProblem(returns, splits);
  if (problem !== null) return err({ kind: 'pbo_invalid_input', message: problem });

  const trials = returns.length;
  const rows = (returns[0] as ArrayLike<number>).length;
  const blockSize = Math.floor(rows / splits);
  const { sums, squares } = blockSums(returns, rows % splits, blockSize, splits);
  const halfRows = (splits / 2) * blockSize;
  const inSample = new Float64Array(trials);
  const outOfSample = new Float64Array(trials);
  const chosenBlocks = new Uint8Array(splits);
  const logits: number[] = [];
  const winnerIn: number[] = [];
  const winnerOut: number[] = [];

  forEachCombination(splits, splits / 2, (chosen) => {
    chosenBlocks.fill(0);
    for (const block of chosen) chosenBlocks[block] = 1;
    for (let trial = 0; trial < trials; trial += 1) {
      let inSum = 0;
      let inSquares = 0;
      let outSum = 0;
      let outSquares = 0;
      for (let block = 0; block < splits; block += 1) {
        const cell = trial * splits + block;
        // Both halves are summed directly: J̄ as total − J would turn a trial's exact zeros into rounding noise.
        if (chosenBlocks[block] === 1) {
          inSum += sums[cell] as number;
          inSquares += squares[cell] as number;
        } else {
          outSum += sums[cell] as number;
          outSquares += squares[cell] as number;
        }
      }
      inSample[trial] = sharpeOfSums(inSum, inSquares, halfRows);
      outOfSample[trial] = sharpeOfSums(outSum, outSquares, halfRows);
    }
    const winner = indexOfMaximum(inSample);
    const winnerOutOfSample = outOfSample[winner] as number;
    const omega = averageRank(outOfSample, winnerOutOfSample) / (trials + 1);
    logits.push(Math.log(omega / (1 - omega)));
    winnerIn.push(inSample[winner] as number);
    winnerOut.push(winnerOutOfSample);
  });

  const splitCount = logits.length;
  const degradation = fitLine(winnerIn, winnerOut);
  return ok({
    pbo: logits.filter((logit) => logit <= 0).length / splitCount,
    logits,
    degradationSlope: degradation.slope,
    degradationIntercept: degradation.intercept,
    probabilityOfLoss: winnerOut.filter((sharpe) => sharpe < 0).length / splitCount,
    splitCount,
    trials,
    observations: blockSize * splits,
    blockSize,
  });
}
