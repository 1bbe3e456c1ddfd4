/** Why an iteration failed, as recorded (and as fed back to the LLM). */
export const ERROR_CATEGORIES = ['timeout', 'data_missing', 'calculation', 'syntax', 'llm', 'duplicate', 'interrupted', 'other'] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

/** The ten steps of an iteration, in order; a failure names the step it happened in. */
export const ITERATION_STEPS = [
  'load_history',
  'feedback',
  'decide_source',
  'generate',
  'backtest',
  'metrics',
  'classify',
  'champion',
  'build_record',
  'save',
] as const;
export type IterationStep = (typeof ITERATION_STEPS)[number];

export interface IterationError {
  readonly category: ErrorCategory;
  readonly message: string;
  readonly step: IterationStep;
}

export function isErrorCategory(value: unknown): value is ErrorCategory {
  return typeof value === 'string' && (ERROR_CATEGORIES as readonly string[]).includes(value);
}
