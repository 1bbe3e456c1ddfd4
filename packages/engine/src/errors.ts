/**
 * Engine errors are plain objects (values, not exceptions). `kind` maps onto the loop's error categories:
 * `data_missing` (a field or a price frame is absent) and `calculation` (everything that went wrong while
 * computing); `invalid_input` is a malformed frame or option; `unsupported_op` is an op without a kernel.
 */
export type EngineErrorKind = 'data_missing' | 'calculation' | 'invalid_input' | 'unsupported_op';

export interface EngineError {
  readonly kind: EngineErrorKind;
  readonly message: string;
  /** The graph node that failed, when the error comes from `evaluateGraph`. */
  readonly nodeId?: number;
  /** The op of that node. */
  readonly op?: string;
}

export const engineError = (kind: EngineErrorKind, message: string, at?: { nodeId: number; op: string }): EngineError =>
  at === undefined ? { kind, message } : { kind, message, nodeId: at.nodeId, op: at.op };

/** Turns an unexpected exception (a bug, an allocation failure) into a `calculation` error at the API edge. */
export const fromException = (e: unknown, what: string): EngineError =>
  engineError('calculation', `${what}: ${e instanceof Error ? e.message : String(e)}`);
