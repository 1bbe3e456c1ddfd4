import { performance } from 'node:perf_hooks';
import type { ClockPort } from '@alphaloop/ports';

export class SystemClock implements ClockPort {
  now(): number {
    return Date.now();
  }

  monotonic(): number {
    return performance.now();
  }
}
