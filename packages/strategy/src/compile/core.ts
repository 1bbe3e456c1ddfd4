import type { Node } from 'acorn';
import { err, ok, type Result } from 'neverthrow';
import type { StrategyError, StrategyErrorKind } from '../errors.js';
import type { GraphBuilder } from '../graph/builder.js';
import type { NodeType, ParamValue } from '../graph/types.js';
import { LIMITS } from '../limits.js';
import type { LineIndex } from '../support/source-location.js';
import { suggest } from '../support/suggest.js';
import type { CompileContext, FieldIndex } from './context.js';
import type { NodeValue, Value } from './values.js';

/** A declaration's compiled value; `null` when its initialiser failed (uses then stay silent). */
export interface Binding {
  readonly value: Value | null;
  readonly offset: number;
  used: boolean;
}

/**
 * Marks an expression that failed only because it uses a declaration that already failed: it is not
 * reported again, so one mistake gives one error.
 */
export const POISONED: StrategyError = Object.freeze({ kind: 'unknown_name', line: 0, column: 0, message: '', hint: '' });

export type Compiled = Result<Value, StrategyError>;

/** State and helpers shared by the statement, expression, method and option compilers. */
export class CompilerCore {
  readonly scope = new Map<string, Binding>();
  /**
   * "Did you mean" searches left: each costs candidates × edit distance, and only `LIMITS.maxErrors` errors are
   * reported, so 1,400 unknown names against 1,400 declarations (once ~0.9 s) search only as often as is shown.
   */
  private suggestionsLeft: number = LIMITS.maxErrors;

  constructor(
    readonly builder: GraphBuilder,
    readonly lines: LineIndex,
    readonly context: CompileContext,
    readonly fields: FieldIndex,
  ) {}

  error(at: Node | number, kind: StrategyErrorKind, message: string, hint: string): StrategyError {
    const { line, column } = this.lines.locate(typeof at === 'number' ? at : at.start);
    return { kind, line, column, message, hint };
  }

  fail(at: Node | number, kind: StrategyErrorKind, message: string, hint: string): Result<never, StrategyError> {
    return err(this.error(at, kind, message, hint));
  }

  /** The closest of `candidates` to `wanted` (see `suggest`), within the per-compilation budget; [] once it is spent. */
  suggest(wanted: string, candidates: () => readonly string[], max?: number): string[] {
    if (this.suggestionsLeft <= 0) return [];
    this.suggestionsLeft -= 1;
    return suggest(wanted, candidates(), max);
  }

  /** Adds a node (hash-consed) or reports that the graph outgrew its budget. */
  node(at: Node, op: string, args: readonly number[], params: readonly ParamValue[], type: NodeType): Result<NodeValue, StrategyError> {
    const id = this.builder.add(op, args, params, type);
    if (id === null) {
      return this.fail(at, 'too_many_nodes', `the strategy needs more than ${LIMITS.maxNodes} graph nodes`,
        'simplify it: fewer conditions, and name shared sub-expressions with const');
    }
    return ok({ tag: 'node', id, type });
  }

  /** A number as a `const` node, so it can meet a frame in an elementwise operation. */
  constant(at: Node, value: number): Result<NodeValue, StrategyError> {
    return this.node(at, 'const', [], [value], 'number');
  }
}
