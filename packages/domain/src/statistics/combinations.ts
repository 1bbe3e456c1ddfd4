/**
 * Every way to choose `size` of the indices 0 … count − 1, in lexicographic order ({0, 1, …, size − 1}
 * first), without recursion: each step moves the rightmost index that can still move one place right and
 * packs the ones after it behind it. `visit` receives the same array each time (copy it to keep it).
 */
export function forEachCombination(count: number, size: number, visit: (chosen: readonly number[]) => void): void {
  if (size < 0 || size > count) return;
  const chosen = Array.from({ length: size }, (_, i) => i);
  for (;;) {
    visit(chosen);
    let position = size - 1;
    // Index `position` is at its last possible place when it equals count − size + position.
    while (position >= 0 && chosen[position] === count - size + position) position -= 1;
    if (position < 0) return;
    chosen[position] = (chosen[position] as number) + 1;
    for (let next = position + 1; next < size; next += 1) chosen[next] = (chosen[next - 1] as number) + 1;
  }
}
