/** Everything that can be wrong with a strategy's source. Errors are plain values; see `formatStrategyError`. */
export type StrategyErrorKind =
  | 'source_too_large'
  | 'nesting_too_deep'
  | 'too_many_operators'
  | 'expression_too_deep'
  | 'too_many_nodes'
  | 'invalid_character'
  | 'syntax_error'
  /** The source looks like Python (FinLab's examples are Python); the hint gives the strategy language's form. */
  | 'python_syntax'
  | 'forbidden_syntax'
  | 'forbidden_identifier'
  | 'unknown_name'
  | 'duplicate_name'
  | 'reserved_name'
  | 'unknown_data_key'
  | 'unknown_method'
  | 'unknown_option'
  | 'invalid_option'
  | 'wrong_arguments'
  | 'type_mismatch'
  | 'parameter_out_of_range'
  | 'look_ahead'
  | 'missing_return'
  | 'multiple_returns'
  | 'code_after_return'
  | 'invalid_mutation';

export interface StrategyError {
  readonly kind: StrategyErrorKind;
  /** 1-based line of the offending text. */
  readonly line: number;
  /** 1-based column (in UTF-16 code units, as editors count). */
  readonly column: number;
  /** What was wrong. */
  readonly message: string;
  /** What to write instead. */
  readonly hint: string;
}

/** A problem that does not stop compilation (e.g. an unused declaration). Same shape as an error. */
export interface StrategyWarning {
  readonly kind: 'unused_declaration';
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly hint: string;
}

/** `line:column: message — hint`, the form fed back to the LLM. */
export function formatStrategyError(error: StrategyError | StrategyWarning): string {
  return `${error.line}:${error.column}: ${error.message} — ${error.hint}`;
}

/** All errors of one compilation, one per line. */
export function formatStrategyErrors(errors: readonly (StrategyError | StrategyWarning)[]): string {
  return errors.map(formatStrategyError).join('\n');
}
