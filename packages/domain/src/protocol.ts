/**
 * The settings that make a run one experiment: results measured under different data, seed, split, folds or
 * costs cannot be compared or counted as trials of the same search, so a run keeps them from its first iteration.
 */
export interface RunProtocol {
  readonly dataVersion: string;
  readonly seed: number;
  /** First and last in-sample trading day, ISO. */
  readonly inSampleStart: string;
  readonly inSampleEnd: string;
  /** First holdout day, ISO; null when the run opted out of a holdout. */
  readonly holdoutStart: string | null;
  /** Number of contiguous in-sample folds the selection score is built from. */
  readonly folds: number;
  readonly feeRatio: number;
  readonly taxRatio: number;
  readonly riskFreeRate: number;
}

export const PROTOCOL_FIELDS = [
  'dataVersion',
  'seed',
  'inSampleStart',
  'inSampleEnd',
  'holdoutStart',
  'folds',
  'feeRatio',
  'taxRatio',
  'riskFreeRate',
] as const satisfies readonly (keyof RunProtocol)[];

const shown = (value: unknown): string => (value === null ? 'none' : String(value));

/** One sentence per setting that differs, naming the stored and the requested value. */
export function protocolDifferences(stored: RunProtocol, requested: RunProtocol): string[] {
  return PROTOCOL_FIELDS.filter((field) => stored[field] !== requested[field]).map(
    (field) => `${field}: the run has ${shown(stored[field])}, this start asks for ${shown(requested[field])}`,
  );
}
