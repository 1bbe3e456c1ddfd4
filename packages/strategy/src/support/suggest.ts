import { quoteText } from './quote.js';

/** Levenshtein distance, with an early exit once every cell of a row exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Lower case without `_`, `-`, spaces: `stop_loss`, `StopLoss` and `stop-loss` all become `stoploss`. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[_\-\s]/g, '');
}

/** Longest name (normalised) compared by edit distance; a 30,000-character name against another took 13 s. */
export const MAX_SUGGESTED_LENGTH = 100;

/**
 * Up to `max` candidates closest to `wanted`: exact matches after normalisation first, then by edit
 * distance (at most a third of the longer name, at least 2), then substring matches.
 */
export function suggest(wanted: string, candidates: readonly string[], max = 3): string[] {
  const target = normaliseName(wanted);
  const scored: { name: string; score: number }[] = [];
  for (const name of new Set(candidates)) {
    const normal = normaliseName(name);
    if (normal === target) {
      scored.push({ name, score: 0 });
      continue;
    }
    // edit distance costs length × length: names longer than any real one only match exactly
    if (normal.length > MAX_SUGGESTED_LENGTH || target.length > MAX_SUGGESTED_LENGTH) continue;
    const limit = Math.max(2, Math.floor(Math.max(normal.length, target.length) / 3));
    const distance = editDistance(target, normal, limit);
    if (distance <= limit) scored.push({ name, score: distance });
    else if (target.length >= 3 && (normal.includes(target) || target.includes(normal)) && normal.length >= 3) {
      scored.push({ name, score: limit + 1 });
    }
  }
  scored.sort((x, y) => x.score - y.score || x.name.localeCompare(y.name));
  const best = scored[0]?.score ?? 0;
  // only the closest candidates (ties): a farther second guess is noise
  return scored.filter((s) => s.score === best).slice(0, max).map((s) => s.name);
}

/** `'a', 'b' or 'c'` */
export function quotedList(names: readonly string[], conjunction = 'or'): string {
  const quoted = names.map((n) => quoteText(n));
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted[quoted.length - 1] ?? ''}`;
}
