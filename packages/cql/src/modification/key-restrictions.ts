import type { ColumnMetadata, TableMetadata } from '@charybdis/schema';
import type { Relation } from '../parser/ast-dml';
import type { WireValue } from '../protocol/frame-reader';
import type { PreparedInValues, PreparedTerm, TermReceiver } from '../terms/term-types';
import type { TermScope } from '../terms/term-scope';
import { prepareInValues } from '../terms/prepare-in-values';
import { prepareTerm } from '../terms/prepare-term';
import { invalidRequest, notSupported } from '../terms/term-errors';
import { MAX_CARTESIAN_PRODUCT_SIZE } from './modification-limits';
import { checkKeyComponentLength } from './partition-key';

/**
 * The WHERE clause of UPDATE and DELETE (and the key columns of INSERT), prepared:
 * `=`/`IN` on every partition key column, `=`/`IN` on a clustering prefix, and for DELETE
 * a slice on the column after it. Validation and messages are Cassandra's
 * (StatementRestrictions for modification statements).
 */

type Markers = PreparedTerm['markers'];

/** The values one key column is restricted to (`=` gives one, `IN` several). */
export interface KeyColumnValues {
  readonly column: ColumnMetadata;
  readonly markers: Markers;
  /** The bare marker's index for `col = ?`, else -1 (for the Prepared routing key indexes). */
  readonly bareMarkerIndex: number;
  bind(values: readonly WireValue[], nowMs: number): Uint8Array[];
}

/** One bound of a clustering slice (DELETE only). */
export interface SliceBound {
  readonly term: PreparedTerm;
  readonly inclusive: boolean;
}

export interface ClusteringSliceRestriction {
  readonly column: ColumnMetadata;
  readonly start: SliceBound | undefined;
  readonly end: SliceBound | undefined;
}

export interface KeyRestrictions {
  readonly partitionKey: readonly KeyColumnValues[];
  /** Restricted clustering prefix (`=`/`IN`), in clustering order. */
  readonly clustering: readonly KeyColumnValues[];
  readonly slice: ClusteringSliceRestriction | undefined;
  readonly markers: Markers;
}

export function receiverOf(table: TableMetadata, column: ColumnMetadata): TermReceiver {
  return { keyspace: table.keyspace, table: table.name, name: column.name, type: column.type };
}

function keyPart(column: ColumnMetadata): string {
  return column.kind === 'partition_key' ? 'partition key part' : 'clustering key part';
}

/** Checks a bound key value (null, unset, length) and returns it. */
function keyValue(v: Uint8Array | null | 'unset', column: ColumnMetadata): Uint8Array {
  if (v === null) throw invalidRequest(`Invalid null value for ${keyPart(column)} ${column.name}`);
  if (v === 'unset') throw invalidRequest(`Invalid unset value for column ${column.name}`);
  checkKeyComponentLength(v);
  return v;
}

/** `col = term`. */
export function eqValues(column: ColumnMetadata, term: PreparedTerm, bareMarkerIndex: number): KeyColumnValues {
  return {
    column,
    markers: term.markers,
    bareMarkerIndex,
    bind: (values, nowMs) => [keyValue(term.bind(values, nowMs), column)],
  };
}

function inValues(column: ColumnMetadata, prepared: PreparedInValues): KeyColumnValues {
  return {
    column,
    markers: prepared.markers,
    bareMarkerIndex: -1,
    bind: (values, nowMs) => {
      const out = prepared.bind(values, nowMs);
      for (const v of out) checkKeyComponentLength(v);
      return out;
    },
  };
}

/** Every combination of the columns' values, in order; CQL_INVALID past MAX_CARTESIAN_PRODUCT_SIZE. */
export function cartesianProduct(perColumn: readonly Uint8Array[][], what: 'partition-key' | 'clustering-key'): Uint8Array[][] {
  let size = 1;
  for (const vs of perColumn) size *= vs.length;
  if (size > MAX_CARTESIAN_PRODUCT_SIZE) throw invalidRequest(`${what} cartesian product size ${size} is greater than maximum ${MAX_CARTESIAN_PRODUCT_SIZE}`);
  let out: Uint8Array[][] = [[]];
  for (const vs of perColumn) {
    const next: Uint8Array[][] = [];
    for (const prefix of out) for (const v of vs) next.push([...prefix, v]);
    out = next;
  }
  return out;
}

interface Collected {
  eq: Map<string, KeyColumnValues>;
  start: Map<string, SliceBound>;
  end: Map<string, SliceBound>;
  nonPk: string[];
}

function addRelation(r: Relation, table: TableMetadata, scope: TermScope, statement: string, acc: Collected): void {
  if (r.kind === 'token') throw invalidRequest(`The token function cannot be used in WHERE clauses for ${statement} statements`);
  if (r.kind === 'multiColumn' || r.kind === 'multiColumnIn') throw notSupported(`Multi-column relations are not supported in ${statement} statements yet`);
  const column = table.partitionKey.find((c) => c.name === r.column) ?? table.clustering.find((c) => c.name === r.column) ?? table.columns.find((c) => c.name === r.column);
  if (column === undefined) throw invalidRequest(`Undefined column name ${r.column}`);
  if (column.kind !== 'partition_key' && column.kind !== 'clustering') {
    acc.nonPk.push(column.name);
    return;
  }
  if (r.kind === 'isNotNull' || r.kind === 'mapElement') throw invalidRequest(`Invalid restriction on ${column.name} in a ${statement} statement`);
  const receiver = receiverOf(table, column);
  const hasEq = acc.eq.has(column.name);
  if (r.kind === 'in' || (r.kind === 'compare' && r.operator === '=')) {
    if (hasEq || acc.start.has(column.name) || acc.end.has(column.name)) throw invalidRequest(`${column.name} cannot be restricted by more than one relation if it includes an Equal`);
    if (r.kind === 'in') acc.eq.set(column.name, inValues(column, prepareInValues(r.values, receiver, scope)));
    else acc.eq.set(column.name, eqValues(column, prepareTerm(r.value, receiver, scope), r.value.kind === 'bindMarker' ? r.value.index : -1));
    return;
  }
  const op = r.operator;
  if (op === '!=' || op === 'CONTAINS' || op === 'CONTAINS KEY' || op === 'LIKE') throw invalidRequest(`Unsupported "${op}" relation on ${column.name} in a ${statement} statement`);
  if (column.kind === 'partition_key') throw invalidRequest('Only EQ and IN relation are supported on the partition key (unless you use the token() function)');
  if (hasEq) throw invalidRequest(`${column.name} cannot be restricted by more than one relation if it includes an Equal`);
  const bound: SliceBound = { term: prepareTerm(r.value, receiver, scope), inclusive: op === '<=' || op === '>=' };
  const side = op === '>' || op === '>=' ? acc.start : acc.end;
  if (side.has(column.name)) throw invalidRequest(`More than one restriction was found for the ${side === acc.start ? 'start' : 'end'} bound on ${column.name}`);
  side.set(column.name, bound);
}

function clusteringRestrictions(table: TableMetadata, acc: Collected): { clustering: KeyColumnValues[]; slice: ClusteringSliceRestriction | undefined } {
  const clustering: KeyColumnValues[] = [];
  let slice: ClusteringSliceRestriction | undefined;
  let gap: ColumnMetadata | undefined;
  for (const c of table.clustering) {
    const eq = acc.eq.get(c.name);
    const isSlice = acc.start.has(c.name) || acc.end.has(c.name);
    if (eq === undefined && !isSlice) {
      gap ??= c;
      continue;
    }
    if (gap !== undefined) throw invalidRequest(`PRIMARY KEY column "${c.name}" cannot be restricted as preceding column "${gap.name}" is not restricted`);
    if (slice !== undefined) throw invalidRequest(`Clustering column "${c.name}" cannot be restricted (preceding column "${slice.column.name}" is restricted by a non-EQ relation)`);
    if (eq !== undefined) clustering.push(eq);
    else slice = { column: c, start: acc.start.get(c.name), end: acc.end.get(c.name) };
  }
  return { clustering, slice };
}

/**
 * Prepares the WHERE clause of an UPDATE or DELETE. Throws CQL_INVALID for an unknown
 * column, a non-key column, a relation the statement cannot use, missing partition key
 * parts or a clustering restriction after a gap.
 */
export function prepareKeyRestrictions(where: readonly Relation[], table: TableMetadata, scope: TermScope, statement: 'UPDATE' | 'DELETE'): KeyRestrictions {
  const acc: Collected = { eq: new Map(), start: new Map(), end: new Map(), nonPk: [] };
  for (const r of where) addRelation(r, table, scope, statement, acc);
  if (acc.nonPk.length > 0) throw invalidRequest(`Non PRIMARY KEY columns found in where clause: ${acc.nonPk.join(', ')}`);
  const missing = table.partitionKey.filter((c) => !acc.eq.has(c.name));
  if (missing.length > 0) throw invalidRequest(`Some partition key parts are missing: ${missing.map((c) => c.name).join(', ')}`);
  const partitionKey = table.partitionKey.map((c) => acc.eq.get(c.name)!);
  const { clustering, slice } = clusteringRestrictions(table, acc);
  const markers = [...partitionKey, ...clustering].flatMap((k) => k.markers);
  if (slice?.start !== undefined) markers.push(...slice.start.term.markers);
  if (slice?.end !== undefined) markers.push(...slice.end.term.markers);
  return { partitionKey, clustering, slice, markers };
}

/** Key restrictions from `=` values per key column (INSERT and INSERT JSON). */
export function keyRestrictionsOf(table: TableMetadata, keys: ReadonlyMap<string, KeyColumnValues>): KeyRestrictions {
  const missing = table.partitionKey.filter((c) => !keys.has(c.name));
  if (missing.length > 0) throw invalidRequest(`Some partition key parts are missing: ${missing.map((c) => c.name).join(', ')}`);
  const partitionKey = table.partitionKey.map((c) => keys.get(c.name)!);
  const clustering: KeyColumnValues[] = [];
  for (const c of table.clustering) {
    const k = keys.get(c.name);
    if (k === undefined) break;
    clustering.push(k);
  }
  if (clustering.length < keys.size - partitionKey.length) {
    const gap = table.clustering[clustering.length]!;
    throw invalidRequest(`Some clustering keys are missing: ${gap.name}`);
  }
  return { partitionKey, clustering, slice: undefined, markers: [...partitionKey, ...clustering].flatMap((k) => k.markers) };
}
