/** Index of the largest value; ties go to the first (CSCV's n*, Bailey, Borwein, López de Prado & Zhu 2015). */
export function indexOfMaximum(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i += 1) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/** Rank of `value` among `values`: 1 = lowest … n = highest; equal values share the average of their ranks. */
export function averageRank(values: ArrayLike<number>, value: number): number {
  let below = 0;
  let equal = 0;
  for (let i = 0; i < values.length; i += 1) {
    const other = values[i] as number;
    if (other < value) below += 1;
    else if (other === value) equal += 1;
  }
  return below + (equal + 1) / 2;
}
