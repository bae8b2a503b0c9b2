import type { CqlType } from '@charybdis/schema';
import type { WireValue } from '../protocol/frame-reader';
import type { BoundVariable } from '../execution/execution-types';

/**
 * The contract of prepared terms (values written in a statement: literals, bind markers,
 * collection/tuple/UDT literals, function calls, type hints), shared by modifications,
 * SELECT restrictions and LIMIT/TTL/TIMESTAMP. Implemented in src/terms/.
 */

/** What a term is assigned to or compared with: it decides how a literal converts. */
export interface TermReceiver extends BoundVariable {
  readonly type: CqlType;
}

/** A bound term's value: the receiver type's serialized bytes, null (CQL NULL) or unset (protocol −2). */
export type TermValue = Uint8Array | null | 'unset';

/** A term after preparation against its receiver. */
export interface PreparedTerm {
  readonly receiver: TermReceiver;
  /** Bind markers inside this term, with the receiver each one is checked against (in marker order). */
  readonly markers: readonly { readonly index: number; readonly receiver: TermReceiver }[];
  /** True when the value does not depend on bound values or the clock (it can be computed once). */
  readonly constant: boolean;
  /**
   * The value for these bound values, validated against the receiver's type (a value of
   * the wrong size or invalid bytes is CQL_INVALID naming the receiver). `nowMs` serves
   * now()/currentTimestamp().
   */
  bind(values: readonly WireValue[], nowMs: number): TermValue;
}

/** A prepared IN list: `IN (a, b)` or `IN ?` (a bound list). */
export interface PreparedInValues {
  readonly receiver: TermReceiver;
  readonly markers: readonly { readonly index: number; readonly receiver: TermReceiver }[];
  /** The values, each validated; an `IN ?` list value is split into elements; null elements are CQL_INVALID. */
  bind(values: readonly WireValue[], nowMs: number): Uint8Array[];
}
