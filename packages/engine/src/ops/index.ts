import { isOpName, type OpName } from '@alphaloop/strategy';
import { CROSS_SECTION_OPS } from './cross-section.js';
import { ELEMENTWISE_OPS } from './elementwise.js';
import { LEAF_OPS } from './leaves.js';
import type { OpRecord, OpTraits } from './op.js';
import { ROLLING_OPS } from './rolling.js';
import { STATE_OPS } from './state.js';
import { TIMESERIES_OPS } from './timeseries.js';

/**
 * The engine's operation registry: one record per catalogue operation (its kernel, stream and traits). Keyed
 * by the catalogue's `OpName`, so an operation added to the catalogue without a record here does not compile.
 */
export const OPS: Readonly<Record<OpName, OpRecord>> = {
  ...LEAF_OPS,
  ...ELEMENTWISE_OPS,
  ...ROLLING_OPS,
  ...TIMESERIES_OPS,
  ...STATE_OPS,
  ...CROSS_SECTION_OPS,
};

/** The record of a graph op, or undefined for a name outside the catalogue. */
export function opRecord(op: string): OpRecord | undefined {
  return isOpName(op) ? OPS[op] : undefined;
}

/** The traits of a graph op (undefined for the leaves and for names outside the catalogue). */
export function opTraits(op: string): OpTraits | undefined {
  return opRecord(op)?.traits ?? undefined;
}

export type { KernelContext, OpRecord, OpTraits, PreparedOp, StreamArg, StreamContext, StreamRun, Value } from './op.js';
