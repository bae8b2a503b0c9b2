import { tupleType } from '@charybdis/schema';
import type { ColumnMetadata, TableMetadata } from '@charybdis/schema';
import type { Term } from '../parser/ast-common';
import type { InValues } from '../parser/ast-dml';
import type { WireValue } from '../protocol/frame-reader';
import type { PreparedTerm, TermReceiver } from '../terms/term-types';
import type { TermScope } from '../terms/term-scope';
import { splitComponents } from '../terms/collection-bytes';
import { prepareInValues } from '../terms/prepare-in-values';
import { prepareTerm } from '../terms/prepare-term';
import { invalidRequest } from '../terms/term-errors';
import { checkKeyComponentLength } from './partition-key';

/**
 * The values of a multi-column relation `(a, b) op …` in UPDATE/DELETE WHERE clauses
 * (Cassandra's MultiColumnRelation): a tuple literal's elements are prepared against the
 * columns themselves (their markers are named after the columns), a bare marker against
 * `tuple<a's type, b's type>` named `(a,b)`; bind splits and checks the components.
 */

type Markers = PreparedTerm['markers'];

/** One tuple of clustering values: a value per column. */
export interface PreparedTupleValues {
  readonly markers: Markers;
  bind(values: readonly WireValue[], nowMs: number): Uint8Array[];
}

/** A list of tuples (`IN`). */
export interface PreparedTupleList {
  readonly markers: Markers;
  bind(values: readonly WireValue[], nowMs: number): Uint8Array[][];
}

function columnReceiver(table: TableMetadata, column: ColumnMetadata): TermReceiver {
  return { keyspace: table.keyspace, table: table.name, name: column.name, type: column.type };
}

function tupleReceiver(table: TableMetadata, columns: readonly ColumnMetadata[]): TermReceiver {
  return { keyspace: table.keyspace, table: table.name, name: `(${columns.map((c) => c.name).join(',')})`, type: tupleType(columns.map((c) => c.type)) };
}

function checkComponent(v: Uint8Array | null | 'unset', column: ColumnMetadata): Uint8Array {
  if (v === null) throw invalidRequest(`Invalid null value in condition for column ${column.name}`);
  if (v === 'unset') throw invalidRequest(`Invalid unset value for column ${column.name}`);
  checkKeyComponentLength(v);
  return v;
}

/** Splits a bound tuple into checked components, one per column. */
function splitTuple(bytes: Uint8Array | null | 'unset', columns: readonly ColumnMetadata[], name: string): Uint8Array[] {
  if (bytes === null) throw invalidRequest(`Invalid null value for column ${name}`);
  if (bytes === 'unset') throw invalidRequest(`Invalid unset value for column ${name}`);
  const parts = splitComponents(bytes);
  return columns.map((c, i) => checkComponent(parts[i] ?? null, c));
}

/** `(a, b) op (x, y)` or `(a, b) op ?`. */
export function prepareTupleValues(columns: readonly ColumnMetadata[], value: Term, table: TableMetadata, scope: TermScope): PreparedTupleValues {
  if (value.kind === 'tuple') {
    if (value.elements.length !== columns.length) {
      throw invalidRequest(`Expected ${columns.length} elements in value tuple, but got ${value.elements.length}`);
    }
    const terms = value.elements.map((e, i) => prepareTerm(e, columnReceiver(table, columns[i]!), scope));
    return {
      markers: terms.flatMap((t) => t.markers),
      bind: (values, nowMs) => terms.map((t, i) => checkComponent(t.bind(values, nowMs), columns[i]!)),
    };
  }
  const receiver = tupleReceiver(table, columns);
  const term = prepareTerm(value, receiver, scope);
  return { markers: term.markers, bind: (values, nowMs) => splitTuple(term.bind(values, nowMs), columns, receiver.name) };
}

/** `(a, b) IN ((x, y), …)`, `(a, b) IN (?, …)` or `(a, b) IN ?`. */
export function prepareTupleList(columns: readonly ColumnMetadata[], values: InValues, table: TableMetadata, scope: TermScope): PreparedTupleList {
  if (values.kind === 'inList') {
    const tuples = values.terms.map((t) => prepareTupleValues(columns, t, table, scope));
    return { markers: tuples.flatMap((t) => t.markers), bind: (bound, nowMs) => tuples.map((t) => t.bind(bound, nowMs)) };
  }
  const receiver = tupleReceiver(table, columns);
  const list = prepareInValues(values, receiver, scope);
  return { markers: list.markers, bind: (bound, nowMs) => list.bind(bound, nowMs).map((t) => splitTuple(t, columns, receiver.name)) };
}
