export interface LineFit {
  readonly slope: number;
  readonly intercept: number;
}

/** Ordinary least squares y ≈ intercept + slope·x. NaN for both when x does not vary (0/0), or without points. */
export function fitLine(x: readonly number[], y: readonly number[]): LineFit {
  const count = x.length;
  const meanX = x.reduce((sum, value) => sum + value, 0) / count;
  const meanY = y.reduce((sum, value) => sum + value, 0) / count;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < count; i += 1) {
    const dx = (x[i] as number) - meanX;
    sxx += dx * dx;
    sxy += dx * ((y[i] as number) - meanY);
  }
  const slope = sxy / sxx;
  return { slope, intercept: meanY - slope * meanX };
}
