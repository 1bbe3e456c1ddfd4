/** Time, injected so that the pure packages and the tests never read a hidden clock. */
export interface ClockPort {
  /** Wall-clock time in epoch milliseconds (for record timestamps). */
  now(): number;
  /** A monotonic reading in milliseconds (for step timings). */
  monotonic(): number;
}

/** A seeded random source: equal seeds give equal runs. */
export interface RandomPort {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
}

export type LogFields = Readonly<Record<string, unknown>>;

export interface LoggerPort {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}
