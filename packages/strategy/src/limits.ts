/** Resource bounds the compiler enforces before and while compiling (STRATEGY-LANGUAGE.md, "Safety"). */
export const LIMITS = {
  /** UTF-8 bytes of source; checked before anything else looks at the text. */
  maxSourceBytes: 64 * 1024,
  /** Depth of nested ( [ {, checked by a linear pre-scan before the parser (which recurses) sees the text. */
  maxBracketDepth: 48,
  /** Operator characters in the whole source: bounds the parser's recursion on long unparenthesised chains. */
  maxOperators: 3_000,
  /**
   * Words and arrows the parser recurses on (void, typeof, if, =>, in, …) in one top-level statement, so the
   * answer to a long chain never depends on how much stack the thread has.
   */
  maxNestingWords: 200,
  /** Depth of the expression tree the compiler walks. */
  maxExpressionDepth: 200,
  /** Distinct graph nodes (after hash-consing), counted while building. */
  maxNodes: 500,
  /** Errors reported for one source (the rest are usually consequences). */
  maxErrors: 10,
} as const;
