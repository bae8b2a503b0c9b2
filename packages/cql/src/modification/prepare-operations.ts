import { isMultiCellType, nativeType, setType } from '@charybdis/schema';
import type { ColumnMetadata, CqlType, TableMetadata } from '@charybdis/schema';
import type { Assignment, ColumnTarget } from '../parser/ast-dml';
import type { Term } from '../parser/ast-common';
import type { TermReceiver } from '../terms/term-types';
import type { TermScope } from '../terms/term-scope';
import { prepareTerm } from '../terms/prepare-term';
import { invalidRequest } from '../terms/term-errors';
import { termText } from '../terms/term-text';
import { receiverOf } from './key-restrictions';
import { AddElements, CounterAdd, DeleteColumn, DeleteElement, DiscardListValues, RemoveElements, SetElement, SetField, SetValue } from './operations';
import type { PreparedOperation } from './operations';

/**
 * SET assignments and DELETE targets → PreparedOperations, with Cassandra's checks: no
 * primary key column, counters only incremented, element and field access only on
 * non-frozen collections and UDTs, no incompatible settings of one column.
 */

function base(column: ColumnMetadata): CqlType {
  return column.type.kind === 'reversed' ? column.type.base : column.type;
}

function isCounter(column: ColumnMetadata): boolean {
  const t = base(column);
  return t.kind === 'native' && t.name === 'counter';
}

function sub(table: TableMetadata, name: string, type: CqlType): TermReceiver {
  return { keyspace: table.keyspace, table: table.name, name, type };
}

/** A regular or static column by name, with Cassandra's errors for unknown and key columns. */
export function targetColumn(table: TableMetadata, name: string, context: 'SET' | 'DELETE'): ColumnMetadata {
  const key = table.partitionKey.find((c) => c.name === name) ?? table.clustering.find((c) => c.name === name);
  if (key !== undefined) {
    throw invalidRequest(context === 'SET' ? `PRIMARY KEY part ${name} found in SET part` : `Invalid identifier ${name} for deletion (should not be a PRIMARY KEY part)`);
  }
  const column = table.columns.find((c) => c.name === name);
  if (column === undefined) throw invalidRequest(`Undefined column name ${name}`);
  return column;
}

function elementReceivers(table: TableMetadata, column: ColumnMetadata, what: string): { key: TermReceiver; value: TermReceiver | undefined } {
  const t = base(column);
  if (t.kind !== 'list' && t.kind !== 'map' && t.kind !== 'set') throw invalidRequest(`Invalid ${what} for non collection column ${column.name}`);
  if (t.frozen) throw invalidRequest(`Invalid ${what} for frozen collection column ${column.name}`);
  if (t.kind === 'list') return { key: sub(table, `idx(${column.name})`, nativeType('int')), value: sub(table, `value(${column.name})`, t.element) };
  if (t.kind === 'map') return { key: sub(table, `key(${column.name})`, t.key), value: sub(table, `value(${column.name})`, t.value) };
  return { key: sub(table, `value(${column.name})`, t.element), value: undefined };
}

/** The field's index in a non-frozen UDT column; `value` is the assigned term (absent for a deletion), for Cassandra's messages. */
function fieldIndex(column: ColumnMetadata, field: string, value?: Term): number {
  const t = base(column);
  const operation = value === undefined ? undefined : `(${column.name}.${field} = ${termText(value)})`;
  if (t.kind !== 'udt') {
    throw invalidRequest(operation === undefined ? `Invalid deletion operation for non-UDT column ${column.name}` : `Invalid operation ${operation} for non-UDT column ${column.name}`);
  }
  if (t.frozen) {
    throw invalidRequest(operation === undefined ? `Frozen UDT column ${column.name} does not support field deletion` : `Invalid operation ${operation} for frozen UDT column ${column.name}`);
  }
  const index = t.fields.findIndex((f) => f.name === field);
  if (index < 0) throw invalidRequest(`UDT column ${column.name} does not have a field named ${field}`);
  return index;
}

function prepareSet(a: Extract<Assignment, { kind: 'set' }>, table: TableMetadata, scope: TermScope): PreparedOperation {
  const column = targetColumn(table, a.target.column, 'SET');
  if (isCounter(column)) throw invalidRequest(`Cannot set the value of counter column ${column.name} (counters can only be incremented/decremented, not set)`);
  if (a.target.kind === 'column') return new SetValue(column, prepareTerm(a.value, receiverOf(table, column), scope), isMultiCellType(column.type));
  if (a.target.kind === 'field') {
    const index = fieldIndex(column, a.target.field, a.value);
    const field = (base(column) as Extract<CqlType, { kind: 'udt' }>).fields[index]!;
    return new SetField(column, index, prepareTerm(a.value, sub(table, `${column.name}.${field.name}`, field.type), scope));
  }
  const r = elementReceivers(table, column, 'operation');
  if (r.value === undefined) throw invalidRequest(`Invalid operation (${column.name}[...] = ...) for set column ${column.name}`);
  return new SetElement(column, prepareTerm(a.target.key, r.key, scope), prepareTerm(a.value, r.value, scope));
}

function prepareAddOrSubtract(kind: 'add' | 'prepend' | 'subtract', name: string, value: Term, table: TableMetadata, scope: TermScope): PreparedOperation {
  const column = targetColumn(table, name, 'SET');
  const t = base(column);
  const receiver = receiverOf(table, column);
  const sign = kind === 'subtract' ? '-' : '+';
  if (isCounter(column)) {
    if (kind === 'prepend') throw invalidRequest(`Invalid operation (${name} = ... + ${name}) for counter column ${name}`);
    return new CounterAdd(column, prepareTerm(value, receiver, scope), kind === 'subtract');
  }
  if ((t.kind !== 'list' && t.kind !== 'set' && t.kind !== 'map') || t.frozen) {
    const what = t.kind === 'list' || t.kind === 'set' || t.kind === 'map' ? 'frozen collection' : 'non counter';
    throw invalidRequest(`Invalid operation (${name} = ${name} ${sign} ...) for ${what} column ${name}`);
  }
  if (kind === 'prepend') {
    if (t.kind !== 'list') throw invalidRequest(`Invalid operation (${name} = ... + ${name}) for non list column ${name}`);
    return new AddElements(column, prepareTerm(value, receiver, scope), true);
  }
  if (kind === 'add') return new AddElements(column, prepareTerm(value, receiver, scope), false);
  if (t.kind === 'list') return new DiscardListValues(column, prepareTerm(value, receiver, scope));
  if (t.kind === 'set') return new RemoveElements(column, prepareTerm(value, receiver, scope));
  return new RemoveElements(column, prepareTerm(value, { ...receiver, type: setType(t.key) }, scope));
}

/** Rejects two operations on one column when one of them replaces the whole column. */
function checkCompatible(ops: readonly PreparedOperation[]): void {
  const seen = new Map<string, boolean>();
  for (const op of ops) {
    const whole = op instanceof SetValue || op instanceof DeleteColumn;
    const before = seen.get(op.column.name);
    if (before !== undefined && (before || whole)) throw invalidRequest(`Multiple incompatible setting of column ${op.column.name}`);
    seen.set(op.column.name, whole);
  }
}

/** The operations of an UPDATE's SET clause. */
export function prepareAssignments(assignments: readonly Assignment[], table: TableMetadata, scope: TermScope): PreparedOperation[] {
  const ops = assignments.map((a) => (a.kind === 'set' ? prepareSet(a, table, scope) : prepareAddOrSubtract(a.kind, a.column, a.value, table, scope)));
  checkCompatible(ops);
  return ops;
}

function prepareDeletion(target: ColumnTarget, table: TableMetadata, scope: TermScope): PreparedOperation {
  const column = targetColumn(table, target.column, 'DELETE');
  if (target.kind === 'column') return new DeleteColumn(column, isMultiCellType(column.type));
  if (target.kind === 'field') return new DeleteElement(column, null, fieldIndex(column, target.field));
  const r = elementReceivers(table, column, 'deletion operation');
  return new DeleteElement(column, prepareTerm(target.key, r.key, scope));
}

/** The operations of a DELETE's column list (empty: whole rows or partitions). */
export function prepareDeletions(targets: readonly ColumnTarget[], table: TableMetadata, scope: TermScope): PreparedOperation[] {
  const ops = targets.map((t) => prepareDeletion(t, table, scope));
  checkCompatible(ops);
  return ops;
}
