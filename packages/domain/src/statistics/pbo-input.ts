/** The paper's suggestion: C(16, 8) = 12,870 splits. */
export const DEFAULT_PBO_SPLITS = 16;
/** C(20, 10) = 184,756 splits; beyond that the run time grows ~4× per step for little gain in precision. */
export const MAX_PBO_SPLITS = 20;

/**
 * What is wrong with a CSCV input, in words that say what to pass instead; null when it is usable.
 * Only the rows CSCV uses (after the T mod S leading rows it drops) are checked for finite values.
 */
export function describePboInputProblem(returns: readonly ArrayLike<number>[], splits: number): string | null {
  if (returns.length < 2) return `PBO needs at least 2 trials (one return stream each), got ${returns.length}`;
  if (!Number.isInteger(splits) || splits < 2 || splits % 2 !== 0) {
    return `splits must be an even integer of at least 2 (the paper suggests ${DEFAULT_PBO_SPLITS}), got ${splits}`;
  }
  if (splits > MAX_PBO_SPLITS) return `splits must be at most ${MAX_PBO_SPLITS} (the paper suggests ${DEFAULT_PBO_SPLITS}), got ${splits}`;
  const rows = (returns[0] as ArrayLike<number>).length;
  for (let trial = 1; trial < returns.length; trial += 1) {
    const length = (returns[trial] as ArrayLike<number>).length;
    if (length !== rows) {
      return `trial ${trial} has ${length} returns but trial 0 has ${rows}; pass return streams of equal length, aligned on the same periods`;
    }
  }
  const blockSize = Math.floor(rows / splits);
  if (blockSize < 2) {
    return `${rows} returns in ${splits} blocks leave ${blockSize} per block, need at least 2; pass at least ${2 * splits} returns per trial or fewer splits`;
  }
  for (let trial = 0; trial < returns.length; trial += 1) {
    const stream = returns[trial] as ArrayLike<number>;
    for (let row = rows % splits; row < rows; row += 1) {
      const value = stream[row] as number;
      if (!Number.isFinite(value)) {
        return `trial ${trial} has a non-finite return (${value}) at row ${row}; pass finite per-period returns (0 for periods without a position)`;
      }
    }
  }
  return null;
}
