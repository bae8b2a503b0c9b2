import type { ColumnMetadata, TableMetadata } from '@charybdis/schema';
import type { Relation } from '../parser/ast-dml';
import type { WireValue } from '../protocol/frame-reader';
import type { PreparedInValues, PreparedTerm, TermReceiver } from '../terms/term-types';
import type { TermScope } from '../terms/term-scope';
import { prepareInValues } from '../terms/prepare-in-values';
import { prepareTerm } from '../terms/prepare-term';
import { invalidRequest, notSupported } from '../terms/term-errors';
import { MAX_CARTESIAN_PRODUCT_SIZE } from './modification-limits';
import { prepareTupleList, prepareTupleValues } from './clustering-tuples';
import { checkKeyComponentLength } from './partition-key';

/**
 * The WHERE clause of UPDATE and DELETE (and the key columns of INSERT), prepared:
 * `=`/`IN` on every partition key column, `=`/`IN` on a clustering prefix (single or
 * multi-column, `(a, b) IN ((1, 2), …)`), and for DELETE a slice on the column after it
 * (`c > t`, `(c, d) >= (x, y)`). Validation and messages are Cassandra's
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

/**
 * The values of a run of clustering columns: `c = t` or `c IN …` (one column), `(a, b) = …`
 * or `(a, b) IN …` (several). Each bound element holds one value per column.
 */
export interface ClusteringValues {
  readonly columns: readonly ColumnMetadata[];
  readonly markers: Markers;
  bind(values: readonly WireValue[], nowMs: number): Uint8Array[][];
}

/**
 * One bound of a clustering slice (DELETE only): `c > t` or `(a, b) >= (x, y)`, one value per
 * column of `columns` (the first is the slice's column). Already in clustering order: on a
 * DESC column `>` is the end bound.
 */
export interface SliceBound {
  readonly columns: readonly ColumnMetadata[];
  readonly markers: Markers;
  readonly inclusive: boolean;
  bind(values: readonly WireValue[], nowMs: number): Uint8Array[];
}

export interface ClusteringSliceRestriction {
  readonly column: ColumnMetadata;
  readonly start: SliceBound | undefined;
  readonly end: SliceBound | undefined;
}

export interface KeyRestrictions {
  readonly partitionKey: readonly KeyColumnValues[];
  /** Restricted clustering prefix (`=`/`IN`, single or multi-column), in clustering order. */
  readonly clustering: readonly ClusteringValues[];
  /** How many clustering columns `clustering` covers. */
  readonly clusteringColumnCount: number;
  readonly slice: ClusteringSliceRestriction | undefined;
  readonly markers: Markers;
}

export function receiverOf(table: TableMetadata, column: ColumnMetadata): TermReceiver {
  return { keyspace: table.keyspace, table: table.name, name: column.name, type: column.type };
}

/** Checks a bound key value (null, unset, length) and returns it. */
function keyValue(v: Uint8Array | null | 'unset', column: ColumnMetadata): Uint8Array {
  if (v === null) throw invalidRequest(`Invalid null value in condition for column ${column.name}`);
  if (v === 'unset') throw invalidRequest(`Invalid unset value for column ${column.name}`);
  checkKeyComponentLength(v);
  return v;
}

/** `col = term`; a constant is checked (null: CQL_INVALID) and converted once, at prepare. */
export function eqValues(column: ColumnMetadata, term: PreparedTerm, bareMarkerIndex: number): KeyColumnValues {
  if (term.constant) {
    const value = keyValue(term.bind([], 0), column);
    return { column, markers: term.markers, bareMarkerIndex, bind: () => [value] };
  }
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

/** One column's values as a clustering run of one column. */
function singleColumn(k: KeyColumnValues): ClusteringValues {
  return { columns: [k.column], markers: k.markers, bind: (values, nowMs) => k.bind(values, nowMs).map((v) => [v]) };
}

/**
 * Every combination of the parts' values, in order, each the concatenation of one tuple per
 * part; CQL_INVALID past MAX_CARTESIAN_PRODUCT_SIZE.
 */
export function cartesianProduct(perPart: readonly (readonly Uint8Array[])[][], what: 'partition-key' | 'clustering-key'): Uint8Array[][] {
  let size = 1;
  for (const vs of perPart) size *= vs.length;
  if (size > MAX_CARTESIAN_PRODUCT_SIZE) throw invalidRequest(`${what} cartesian product size ${size} is greater than maximum ${MAX_CARTESIAN_PRODUCT_SIZE}`);
  if (size === 1) {
    // The common case (every part bound to one value): one combination, built without copies of copies.
    const only: Uint8Array[] = [];
    for (const vs of perPart) for (const v of vs[0]!) only.push(v);
    return [only];
  }
  let out: Uint8Array[][] = [[]];
  for (const vs of perPart) {
    const next: Uint8Array[][] = [];
    for (const prefix of out) for (const v of vs) next.push([...prefix, ...v]);
    out = next;
  }
  return out;
}

interface Collected {
  /** Partition key columns. */
  pk: Map<string, KeyColumnValues>;
  /** Clustering `=`/`IN` runs, by their first column. */
  clustering: Map<string, ClusteringValues>;
  /** Every clustering column an `=`/`IN` run covers. */
  eqColumns: Set<string>;
  start: Map<string, SliceBound>;
  end: Map<string, SliceBound>;
  nonPk: string[];
}

function findColumn(table: TableMetadata, name: string): ColumnMetadata {
  const column = table.partitionKey.find((c) => c.name === name) ?? table.clustering.find((c) => c.name === name) ?? table.columns.find((c) => c.name === name);
  if (column === undefined) throw invalidRequest(`Undefined column name ${name}`);
  return column;
}

function checkNoEq(acc: Collected, columns: readonly ColumnMetadata[]): void {
  for (const c of columns) {
    if (acc.eqColumns.has(c.name) || acc.pk.has(c.name)) throw invalidRequest(`${c.name} cannot be restricted by more than one relation if it includes an Equal`);
  }
}

function addClusteringEq(acc: Collected, values: ClusteringValues): void {
  checkNoEq(acc, values.columns);
  for (const c of values.columns) {
    if (acc.start.has(c.name) || acc.end.has(c.name)) throw invalidRequest(`${c.name} cannot be restricted by more than one relation if it includes an Equal`);
    acc.eqColumns.add(c.name);
  }
  acc.clustering.set(values.columns[0]!.name, values);
}

/** Files a slice bound on the side it takes in clustering order (a DESC column's `>` is the end). */
function addSliceBound(acc: Collected, op: '<' | '<=' | '>' | '>=', columns: readonly ColumnMetadata[], values: Omit<SliceBound, 'inclusive'>): void {
  checkNoEq(acc, columns);
  const first = columns[0]!;
  const isStart = (op === '>' || op === '>=') !== (first.order === 'DESC');
  const side = isStart ? acc.start : acc.end;
  if (side.has(first.name)) throw invalidRequest(`More than one restriction was found for the ${isStart ? 'start' : 'end'} bound on ${first.name}`);
  side.set(first.name, { ...values, inclusive: op === '<=' || op === '>=' });
}

/** `(a, b) op …`: clustering columns only, in PRIMARY KEY order, none skipped. */
function addMultiColumn(r: Extract<Relation, { kind: 'multiColumn' | 'multiColumnIn' }>, table: TableMetadata, scope: TermScope, statement: string, acc: Collected): void {
  const columns = r.columns.map((n) => findColumn(table, n));
  const names = `(${columns.map((c) => c.name).join(', ')})`;
  for (const c of columns) {
    if (c.kind !== 'clustering') throw invalidRequest(`Multi-column relations can only be applied to clustering columns but was applied to: ${c.name}`);
  }
  for (let i = 1; i < columns.length; i++) {
    if (columns[i]!.position < columns[i - 1]!.position) throw invalidRequest(`Clustering columns must appear in the PRIMARY KEY order in multi-column relations: ${names}`);
    if (columns[i]!.position !== columns[i - 1]!.position + 1) throw invalidRequest(`Clustering columns may not be skipped in multi-column relations. They should appear in the PRIMARY KEY order. Got ${names}`);
  }
  if (r.kind === 'multiColumnIn') {
    const list = prepareTupleList(columns, r.values, table, scope);
    addClusteringEq(acc, { columns, markers: list.markers, bind: (values, nowMs) => list.bind(values, nowMs) });
    return;
  }
  const op = r.operator;
  const tuple = prepareTupleValues(columns, r.value, table, scope);
  if (op === '=') {
    addClusteringEq(acc, { columns, markers: tuple.markers, bind: (values, nowMs) => [tuple.bind(values, nowMs)] });
    return;
  }
  if (op === '!=') throw invalidRequest(`Unsupported "!=" relation on ${names} in a ${statement} statement`);
  if (columns.some((c) => c.order !== columns[0]!.order)) throw notSupported(`Multi-column slice restrictions on clustering columns of mixed order are not supported in ${statement} statements yet`);
  addSliceBound(acc, op, columns, { columns, markers: tuple.markers, bind: (values, nowMs) => tuple.bind(values, nowMs) });
}

function addRelation(r: Relation, table: TableMetadata, scope: TermScope, statement: string, acc: Collected): void {
  if (r.kind === 'token') throw invalidRequest(`The token function cannot be used in WHERE clauses for ${statement} statements`);
  if (r.kind === 'multiColumn' || r.kind === 'multiColumnIn') {
    addMultiColumn(r, table, scope, statement, acc);
    return;
  }
  const column = findColumn(table, r.column);
  if (column.kind !== 'partition_key' && column.kind !== 'clustering') {
    acc.nonPk.push(column.name);
    return;
  }
  if (r.kind === 'isNotNull' || r.kind === 'mapElement') throw invalidRequest(`Invalid restriction on ${column.name} in a ${statement} statement`);
  const receiver = receiverOf(table, column);
  if (r.kind === 'in' || (r.kind === 'compare' && r.operator === '=')) {
    const values =
      r.kind === 'in'
        ? inValues(column, prepareInValues(r.values, receiver, scope))
        : eqValues(column, prepareTerm(r.value, receiver, scope), r.value.kind === 'bindMarker' ? r.value.index : -1);
    if (column.kind === 'clustering') {
      addClusteringEq(acc, singleColumn(values));
      return;
    }
    checkNoEq(acc, [column]);
    acc.pk.set(column.name, values);
    return;
  }
  const op = r.operator;
  if (op === '=' || op === '!=' || op === 'CONTAINS' || op === 'CONTAINS KEY' || op === 'LIKE') throw invalidRequest(`Unsupported "${op}" relation on ${column.name} in a ${statement} statement`);
  if (column.kind === 'partition_key') throw invalidRequest('Only EQ and IN relation are supported on the partition key (unless you use the token() function)');
  const term = prepareTerm(r.value, receiver, scope);
  addSliceBound(acc, op, [column], { columns: [column], markers: term.markers, bind: (values, nowMs) => [sliceValue(term.bind(values, nowMs), column)] });
}

function sliceValue(v: Uint8Array | null | 'unset', column: ColumnMetadata): Uint8Array {
  if (v === null) throw invalidRequest(`Invalid null value in condition for column ${column.name}`);
  if (v === 'unset') throw invalidRequest(`Invalid unset value for column ${column.name}`);
  return v;
}

function clusteringRestrictions(table: TableMetadata, acc: Collected): { clustering: ClusteringValues[]; count: number; slice: ClusteringSliceRestriction | undefined } {
  const clustering: ClusteringValues[] = [];
  let count = 0;
  let slice: ClusteringSliceRestriction | undefined;
  let gap: ColumnMetadata | undefined;
  for (let i = 0; i < table.clustering.length; ) {
    const c = table.clustering[i]!;
    const eq = acc.clustering.get(c.name);
    const isSlice = acc.start.has(c.name) || acc.end.has(c.name);
    if (eq === undefined && !isSlice) {
      gap ??= c;
      i++;
      continue;
    }
    if (gap !== undefined) throw invalidRequest(`PRIMARY KEY column "${c.name}" cannot be restricted as preceding column "${gap.name}" is not restricted`);
    if (slice !== undefined) throw invalidRequest(`Clustering column "${c.name}" cannot be restricted (preceding column "${slice.column.name}" is restricted by a non-EQ relation)`);
    if (eq !== undefined) {
      clustering.push(eq);
      count += eq.columns.length;
      i += eq.columns.length;
    } else {
      slice = { column: c, start: acc.start.get(c.name), end: acc.end.get(c.name) };
      i++;
    }
  }
  return { clustering, count, slice };
}

/**
 * Prepares the WHERE clause of an UPDATE or DELETE. Throws CQL_INVALID for an unknown
 * column, a non-key column, a relation the statement cannot use, missing partition key
 * parts or a clustering restriction after a gap.
 */
export function prepareKeyRestrictions(where: readonly Relation[], table: TableMetadata, scope: TermScope, statement: 'UPDATE' | 'DELETE'): KeyRestrictions {
  const acc: Collected = { pk: new Map(), clustering: new Map(), eqColumns: new Set(), start: new Map(), end: new Map(), nonPk: [] };
  for (const r of where) addRelation(r, table, scope, statement, acc);
  if (acc.nonPk.length > 0) throw invalidRequest(`Non PRIMARY KEY columns found in where clause: ${acc.nonPk.join(', ')}`);
  const missing = table.partitionKey.filter((c) => !acc.pk.has(c.name));
  if (missing.length > 0) throw invalidRequest(`Some partition key parts are missing: ${missing.map((c) => c.name).join(', ')}`);
  const partitionKey = table.partitionKey.map((c) => acc.pk.get(c.name)!);
  const { clustering, count, slice } = clusteringRestrictions(table, acc);
  const markers = [...partitionKey, ...clustering].flatMap((k) => k.markers);
  if (slice?.start !== undefined) markers.push(...slice.start.markers);
  if (slice?.end !== undefined) markers.push(...slice.end.markers);
  return { partitionKey, clustering, clusteringColumnCount: count, slice, markers };
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
  const markers = [...partitionKey, ...clustering].flatMap((k) => k.markers);
  return { partitionKey, clustering: clustering.map(singleColumn), clusteringColumnCount: clustering.length, slice: undefined, markers };
}
