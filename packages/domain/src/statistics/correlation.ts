export interface OverlapCorrelation {
  /** Periods in which both streams have a finite return. */
  readonly overlap: number;
  /** Pearson correlation on those periods; NaN when either stream is flat there (or they share no period). */
  readonly correlation: number;
  /** Each stream takes a single value on the overlap (typically both held nothing): they behave alike. */
  readonly bothFlat: boolean;
}

/** Pearson correlation of two return streams on the periods where both are finite (pairwise deletion). */
export function correlationOnOverlap(a: ArrayLike<number>, b: ArrayLike<number>): OverlapCorrelation {
  const length = Math.min(a.length, b.length);
  let overlap = 0;
  let sumA = 0;
  let sumB = 0;
  let flatA = true;
  let flatB = true;
  let firstA = Number.NaN;
  let firstB = Number.NaN;
  for (let i = 0; i < length; i += 1) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (overlap === 0) {
      firstA = x;
      firstB = y;
    }
    // Flatness is read from the values, not from a variance that rounding keeps a hair above 0.
    flatA &&= x === firstA;
    flatB &&= y === firstB;
    overlap += 1;
    sumA += x;
    sumB += y;
  }
  if (overlap === 0) return { overlap, correlation: Number.NaN, bothFlat: false };
  if (flatA || flatB) return { overlap, correlation: Number.NaN, bothFlat: flatA && flatB };
  const meanA = sumA / overlap;
  const meanB = sumB / overlap;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  for (let i = 0; i < length; i += 1) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    saa += (x - meanA) * (x - meanA);
    sbb += (y - meanB) * (y - meanB);
    sab += (x - meanA) * (y - meanB);
  }
  return { overlap, correlation: sab / Math.sqrt(saa * sbb), bothFlat: false };
}
