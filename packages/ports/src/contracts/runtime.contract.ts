import { describe, expect, it } from 'vitest';
import type { ClockPort, RandomPort } from '../runtime.port.js';

/** Seeded random sources: range, integer bounds and reproducibility. */
export function describeRandomContract(name: string, create: (seed: number) => RandomPort): void {
  describe(`RandomPort contract: ${name}`, () => {
    it('draws in [0, 1) and integers in [0, n)', () => {
      const random = create(3);
      for (let i = 0; i < 10_000; i += 1) {
        const x = random.next();
        expect(x >= 0 && x < 1).toBe(true);
        const k = random.int(7);
        expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
      }
    });

    it('repeats itself for equal seeds and differs for different seeds', () => {
      const draw = (seed: number) => {
        const r = create(seed);
        return Array.from({ length: 50 }, () => r.next());
      };
      expect(draw(11)).toEqual(draw(11));
      expect(draw(11)).not.toEqual(draw(12));
    });

    it('is roughly uniform', () => {
      const random = create(5);
      let sum = 0;
      for (let i = 0; i < 20_000; i += 1) sum += random.next();
      expect(Math.abs(sum / 20_000 - 0.5)).toBeLessThan(0.02);
    });
  });
}

export function describeClockContract(name: string, create: () => ClockPort): void {
  describe(`ClockPort contract: ${name}`, () => {
    it('has a monotonic reading that never goes backwards and a plausible wall clock', () => {
      const clock = create();
      let last = clock.monotonic();
      for (let i = 0; i < 1000; i += 1) {
        const now = clock.monotonic();
        expect(now).toBeGreaterThanOrEqual(last);
        last = now;
      }
      expect(Number.isFinite(clock.now())).toBe(true);
    });
  });
}
