import type { RandomSource } from './random.js';

export interface NumericBounds {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

/**
 * A new value near `value` (scaled by a factor in [0.5, 1.5)), inside the bounds and different from
 * `value`; null when the bounds leave no other value.
 */
export function perturbValue(random: RandomSource, value: number, bounds: NumericBounds): number | null {
  const clamp = (x: number): number => Math.min(bounds.max, Math.max(bounds.min, x));
  const factor = 0.5 + random.next();
  let next: number;
  if (bounds.integer) {
    next = clamp(Math.round(value * factor));
    if (next === value) next = clamp(value + (random.next() < 0.5 ? -1 : 1));
    if (next === value) next = clamp(value + (value > bounds.min ? -1 : 1));
  } else {
    const base = value === 0 ? (bounds.max - bounds.min) * 0.1 * (random.next() < 0.5 ? -1 : 1) : value * factor;
    next = clamp(roundSignificant(base, 3));
    if (next === value) next = clamp(roundSignificant(value === 0 ? bounds.max / 2 : value * (factor < 1 ? 0.9 : 1.1), 3));
  }
  return next === value || !Number.isFinite(next) ? null : next;
}

export function roundSignificant(value: number, digits: number): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  const rounded = Number(value.toPrecision(digits));
  return rounded === 0 ? 0 : rounded;
}
