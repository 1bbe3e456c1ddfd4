/**
 * A lookup table without a prototype: a key such as `constructor`, `hasOwnProperty`, `toString` or `__proto__` —
 * names a strategy may well contain — is simply absent, instead of finding `Object.prototype`'s function (whose
 * source, "function hasOwnProperty() { [native code] }", once went back to the LLM as a hint).
 */
export function keyed<T>(entries: Readonly<Record<string, T>>): Readonly<Record<string, T | undefined>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}
