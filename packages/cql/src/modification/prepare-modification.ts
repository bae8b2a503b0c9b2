import { isCounterTable, isMultiCellType } from '@charybdis/schema';
import type { TableMetadata } from '@charybdis/schema';
import type { BindMarkerInfo } from '../parser/ast-common';
import type { DeleteStatement, InsertStatement, StatementCondition, UpdateStatement } from '../parser/ast-dml';
import type { BoundVariable } from '../execution/execution-types';
import type { PreparedTerm } from '../terms/term-types';
import type { TermScope } from '../terms/term-scope';
import { prepareTerm } from '../terms/prepare-term';
import { invalidRequest, notSupported } from '../terms/term-errors';
import { eqValues, keyRestrictionsOf, prepareKeyRestrictions, receiverOf } from './key-restrictions';
import type { KeyColumnValues, KeyRestrictions } from './key-restrictions';
import { prepareInsertJson } from './insert-json';
import { SetValue } from './operations';
import type { PreparedOperation } from './operations';
import { prepareAssignments, prepareDeletions } from './prepare-operations';
import { PreparedModification } from './prepared-modification';
import type { ModificationPlan } from './prepared-modification';
import { UsingAttributes } from './using-attributes';

/**
 * INSERT, UPDATE and DELETE prepared against a schema (Cassandra's
 * ModificationStatement.Parsed.prepare): names resolved, literals converted, WHERE
 * validated with Cassandra's messages, operations chosen; see PreparedModification for
 * execution.
 */

/** The table a statement names, with Cassandra's errors for a missing keyspace or table. */
export function resolveTable(name: { keyspace: string | undefined; name: string }, scope: TermScope): TableMetadata {
  const keyspace = name.keyspace ?? scope.keyspace;
  if (keyspace === '') throw invalidRequest('No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename');
  if (scope.schema.keyspace(keyspace) === undefined) throw invalidRequest(`Keyspace ${keyspace} does not exist`);
  const table = scope.schema.table(keyspace, name.name);
  if (table === undefined) throw invalidRequest(`unconfigured table ${name.name}`);
  return table;
}

function checkNoCondition(condition: StatementCondition): void {
  if (condition.kind !== 'none') throw notSupported('Conditional updates (lightweight transactions) are not supported yet');
}

/** The bound variables in marker order; every marker must have a receiver. */
function boundVariables(markers: PreparedTerm['markers'], markerCount: number, requireAll: boolean): BoundVariable[] {
  const out: BoundVariable[] = new Array<BoundVariable>(markerCount);
  for (const m of markers) {
    const r = m.receiver;
    out[m.index] = { keyspace: r.keyspace, table: r.table, name: r.name, type: r.type };
  }
  if (requireAll) for (let i = 0; i < out.length; i++) if (out[i] === undefined) throw invalidRequest(`Bind marker ${i} has no receiver in this statement`);
  return out;
}

function checkCounterUsage(table: TableMetadata, using: UsingAttributes, kind: 'insert' | 'update' | 'delete'): void {
  if (!isCounterTable(table) || kind === 'delete') return;
  if (kind === 'insert') throw invalidRequest('INSERT statements are not allowed on counter tables, use UPDATE instead');
  if (using.ttl !== undefined) throw invalidRequest('Cannot provide custom TTL for counter updates');
  if (using.timestamp !== undefined) throw invalidRequest('Cannot provide custom timestamp for counter updates');
}

/** Checks the clustering restrictions against what the operations write; returns whether only the static row is written. */
function checkClustering(table: TableMetadata, r: KeyRestrictions, ops: readonly PreparedOperation[], kind: 'insert' | 'update' | 'delete'): boolean {
  const complete = r.clusteringColumnCount === table.clustering.length && r.slice === undefined;
  const staticOnly = ops.length > 0 && ops.every((o) => o.column.kind === 'static');
  const clusteringRestricted = r.clusteringColumnCount > 0 || r.slice !== undefined;
  if (staticOnly && clusteringRestricted && kind !== 'insert') {
    throw invalidRequest(`Invalid restrictions on clustering columns since the ${kind.toUpperCase()} statement modifies only static columns`);
  }
  if (kind === 'delete') {
    if (ops.length > 0 && !complete && !(staticOnly && r.clusteringColumnCount === 0 && r.slice === undefined)) {
      throw invalidRequest('Range deletions are not supported for specific columns');
    }
    return staticOnly && r.clusteringColumnCount === 0;
  }
  if (r.slice !== undefined) throw invalidRequest(`Slice restrictions are not supported on the clustering columns in ${kind.toUpperCase()} statements`);
  if (staticOnly && r.clusteringColumnCount === 0) return true;
  if (!complete) {
    const missing = table.clustering.slice(r.clusteringColumnCount).map((c) => c.name);
    throw invalidRequest(`Some clustering keys are missing: ${missing.join(', ')}`);
  }
  return false;
}

/** INSERT … VALUES: key columns become `=` restrictions, the others SetValue operations. */
function insertParts(stmt: Extract<InsertStatement['values'], { kind: 'values' }>, table: TableMetadata, scope: TermScope): { restrictions: KeyRestrictions; operations: PreparedOperation[] } {
  if (stmt.columns.length !== stmt.terms.length) throw invalidRequest('Unmatched column names/values');
  const keys = new Map<string, KeyColumnValues>();
  const operations: PreparedOperation[] = [];
  const seen = new Set<string>();
  stmt.columns.forEach((name, i) => {
    if (seen.has(name)) throw invalidRequest(`Multiple definitions found for column ${name}`);
    seen.add(name);
    const column = table.partitionKey.find((c) => c.name === name) ?? table.clustering.find((c) => c.name === name) ?? table.columns.find((c) => c.name === name);
    if (column === undefined) throw invalidRequest(`Undefined column name ${name}`);
    const term = stmt.terms[i]!;
    const prepared = prepareTerm(term, receiverOf(table, column), scope);
    if (column.kind === 'partition_key' || column.kind === 'clustering') keys.set(name, eqValues(column, prepared, term.kind === 'bindMarker' ? term.index : -1));
    else operations.push(new SetValue(column, prepared, isMultiCellType(column.type)));
  });
  return { restrictions: keyRestrictionsOf(table, keys), operations };
}

/**
 * Prepares an INSERT, UPDATE or DELETE against `scope`. `boundMarkers` are the parser's
 * (their count is the number of values to bind). Throws CQL_INVALID (Cassandra's
 * messages) or CQL_NOT_SUPPORTED (IF conditions).
 */
export function prepareModification(statement: InsertStatement | UpdateStatement | DeleteStatement, scope: TermScope, boundMarkers: readonly BindMarkerInfo[]): PreparedModification {
  return prepareModificationWith(statement, scope, boundMarkers.length, true);
}

/**
 * prepareModification for a statement whose markers are numbered among `markerCount`
 * (a BATCH's children): with `requireAll` false, markers of other statements are left
 * undefined in `boundVariables` (the batch fills them).
 */
export function prepareModificationWith(
  statement: InsertStatement | UpdateStatement | DeleteStatement,
  scope: TermScope,
  markerCount: number,
  requireAll: boolean,
): PreparedModification {
  const table = resolveTable(statement.table, scope);
  const using = new UsingAttributes(statement.using, table, scope);
  checkCounterUsage(table, using, statement.kind);
  if (statement.kind === 'delete' && using.ttl !== undefined) throw invalidRequest('A TTL is not allowed for DELETE statements');
  let restrictions: KeyRestrictions;
  let operations: PreparedOperation[];
  let expandValues: ModificationPlan['expandValues'];
  if (statement.kind === 'insert' && statement.values.kind === 'json') {
    ({ restrictions, operations, expandValues } = prepareInsertJson(statement.values, table, scope, markerCount));
  } else if (statement.kind === 'insert') {
    ({ restrictions, operations } = insertParts(statement.values as Extract<InsertStatement['values'], { kind: 'values' }>, table, scope));
  } else if (statement.kind === 'update') {
    restrictions = prepareKeyRestrictions(statement.where, table, scope, 'UPDATE');
    operations = prepareAssignments(statement.assignments, table, scope);
  } else {
    restrictions = prepareKeyRestrictions(statement.where, table, scope, 'DELETE');
    operations = prepareDeletions(statement.targets, table, scope);
  }
  // After the WHERE/VALUES checks: a statement invalid without its condition says so first.
  checkNoCondition(statement.condition);
  const staticOnly = checkClustering(table, restrictions, operations, statement.kind);
  const markers = [...restrictions.markers, ...operations.flatMap((o) => o.markers), ...using.markers].filter((m) => m.index < markerCount);
  return new PreparedModification({
    kind: statement.kind,
    table,
    restrictions,
    operations,
    using,
    staticOnly,
    boundVariables: boundVariables(markers, markerCount, requireAll),
    expandValues,
  });
}
