import { nativeType, TableComparators, tableMutationSchema } from '@charybdis/schema';
import type { StaticRowMode } from '@charybdis/storage';
import type { BindMarkerInfo } from '../parser/ast-common';
import type { SelectStatement } from '../parser/ast-dml';
import type { BoundVariable, ExecutionContext, PreparedStatement, StatementResult } from '../execution/execution-types';
import type { ColumnSpec } from '../protocol/result-metadata';
import type { TermScope } from '../terms';
import type { TermReceiver } from '../terms/term-types';
import { jsonFormatterFor, jsonName, jsonString } from '../functions/json-format';
import { prepareRestrictions } from './prepare-restrictions';
import { indexAnswersWithoutFiltering } from './index-usage';
import type { SelectRestrictions } from './restriction-types';
import { checkDistinct, prepareSelection } from './prepare-selection';
import type { Selection } from './prepare-selection';
import { invalidRequest, notSupported } from './select-errors';
import { SelectExecution } from './select-executor';
import { tableFingerprint } from './select-paging-state';
import type { SelectPlan } from './select-plan';
import { SelectTable } from './select-table';
import { DEFAULT_SELECT_TERM_PREPARER } from './select-term-preparer';
import type { SelectTermPreparer } from './select-term-preparer';
import { prepareOrdering, prepareGroupBy } from './prepare-ordering';

/** Options of prepareSelect (tests substitute the term preparer). */
export interface PrepareSelectOptions {
  readonly terms?: SelectTermPreparer;
}

/** A term preparer that also records every bind marker's receiver (the Prepared metadata). */
function recordingPreparer(inner: SelectTermPreparer, receivers: Map<number, TermReceiver>): SelectTermPreparer {
  return {
    prepareTerm: (term, receiver, scope) => {
      const p = inner.prepareTerm(term, receiver, scope);
      for (const m of p.markers) receivers.set(m.index, m.receiver);
      return p;
    },
    prepareInValues: (values, receiver, scope) => {
      const p = inner.prepareInValues(values, receiver, scope);
      for (const m of p.markers) receivers.set(m.index, m.receiver);
      return p;
    },
  };
}

function resolveTable(statement: SelectStatement, scope: TermScope): SelectTable {
  const keyspace = statement.table.keyspace ?? scope.keyspace;
  if (keyspace === undefined || keyspace === null || keyspace === '') {
    throw invalidRequest('No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename');
  }
  if (scope.schema.keyspace(keyspace) === undefined) throw invalidRequest(`Keyspace ${keyspace} does not exist`);
  const table = scope.schema.table(keyspace, statement.table.name);
  if (table === undefined) throw invalidRequest(`unconfigured table ${statement.table.name}`);
  return new SelectTable(table);
}

/**
 * True when the query reads whole partitions (no clustering restriction, no filter on a
 * regular column): Cassandra then returns a partition with only static content as one row,
 * whatever columns are selected (SelectStatement.returnStaticContentOnPartitionWithNoRows).
 */
function queriesFullPartitions(restrictions: SelectRestrictions): boolean {
  return !restrictions.hasClusteringRestrictions && !restrictions.filtersRegularColumns;
}

function staticRowMode(table: SelectTable, selection: Selection, restrictions: SelectRestrictions, distinct: boolean, wildcard: boolean): StaticRowMode {
  if (distinct) return table.hasStatic ? 'full' : 'none';
  const needsStatic =
    (table.hasStatic && (wildcard || queriesFullPartitions(restrictions))) ||
    selection.selectsStatic ||
    restrictions.filters.some((f) => f.kind !== 'tuple' && f.column.kind === 'static');
  if (!needsStatic) return 'none';
  return queriesFullPartitions(restrictions) ? 'full' : 'withRows';
}

function readColumns(table: SelectTable, selection: Selection, restrictions: SelectRestrictions, wildcard: boolean): string[] | undefined {
  if (wildcard) return undefined;
  const names = new Set(selection.readColumns.map((c) => c.name));
  // The static row must be read to tell a static-only partition from an empty one.
  if (table.hasStatic && queriesFullPartitions(restrictions)) for (const c of table.columns) if (c.kind === 'static') names.add(c.name);
  for (const f of restrictions.filters) {
    if (f.kind === 'tuple') continue;
    if (f.column.kind === 'regular' || f.column.kind === 'static') names.add(f.column.name);
  }
  return table.columns.filter((c) => names.has(c.name)).map((c) => c.name);
}

function resultColumns(table: SelectTable, selection: Selection, json: boolean): ColumnSpec[] {
  if (json) return [{ keyspace: table.keyspace, table: table.name, name: '[json]', type: nativeType('text') }];
  return selection.selectors.map((s, i) => ({ keyspace: table.keyspace, table: table.name, name: selection.names[i]!, type: s.type }));
}

function boundVariables(table: SelectTable, markers: readonly BindMarkerInfo[], receivers: ReadonlyMap<number, TermReceiver>): BoundVariable[] {
  return markers.map((m) => {
    const r = receivers.get(m.index);
    if (r === undefined) throw notSupported(`A bind marker at line ${m.line}:${m.column} in this position`);
    return { keyspace: table.keyspace, table: table.name, name: m.name ?? r.name, type: r.type };
  });
}

/** Cassandra's checks of DISTINCT and PER PARTITION LIMIT against aggregation and grouping. */
function checkLimitCombinations(statement: SelectStatement, table: SelectTable, selection: Selection, groupByColumns: number): void {
  if (statement.distinct && groupByColumns > table.partitionKey.length) throw invalidRequest('Grouping on clustering columns is not allowed for SELECT DISTINCT queries');
  if (statement.perPartitionLimit === undefined) return;
  if (statement.distinct) throw invalidRequest('PER PARTITION LIMIT is not allowed with SELECT DISTINCT queries');
  if (selection.isAggregate && groupByColumns === 0) throw invalidRequest('PER PARTITION LIMIT is not allowed with aggregate queries.');
}

/** DISTINCT reads partitions: only partition key and static columns may be restricted (Cassandra's check). */
function checkDistinctWhere(table: SelectTable, where: SelectStatement['where']): void {
  const names = where.flatMap((r) => ('columns' in r ? r.columns : [r.column]));
  if (names.some((n) => table.find(n)?.kind === 'clustering' || table.find(n)?.kind === 'regular')) {
    throw invalidRequest('SELECT DISTINCT with WHERE clause only supports restriction by partition key and/or static columns.');
  }
}

/** Builds the once-per-prepare plan of a SELECT. */
export function planSelect(statement: SelectStatement, scope: TermScope, terms: SelectTermPreparer): SelectPlan {
  const table = resolveTable(statement, scope);
  if (statement.distinct) checkDistinctWhere(table, statement.where);
  // A query an index answers runs as a filtered scan (see index-usage.ts).
  const allowFiltering = statement.allowFiltering || indexAnswersWithoutFiltering(table, statement.where);
  const restrictions = prepareRestrictions({ table, scope, terms, allowFiltering }, statement.where);
  const selection = prepareSelection(table, { scope, terms }, statement);
  if (statement.distinct) checkDistinct(table, selection, restrictions.partition.kind === 'keys');
  const { reversed, postOrdering } = prepareOrdering(table, statement.orderBy, restrictions);
  const groupByColumns = prepareGroupBy(table, statement.groupBy);
  checkLimitCombinations(statement, table, selection, groupByColumns);
  const limitReceiver = (name: string): TermReceiver => ({ keyspace: table.keyspace, table: table.name, name, type: nativeType('int') });
  const limit = statement.limit === undefined ? undefined : terms.prepareTerm(statement.limit, limitReceiver('[limit]'), scope);
  const perPartitionLimit =
    statement.perPartitionLimit === undefined ? undefined : terms.prepareTerm(statement.perPartitionLimit, limitReceiver('[per_partition_limit]'), scope);
  const json = statement.json
    ? { formatters: selection.selectors.map((s) => jsonFormatterFor(s.type)), keys: selection.names.map((n) => jsonString(jsonName(n))) }
    : null;
  return {
    table,
    comparators: new TableComparators(tableMutationSchema(table.metadata)),
    fingerprint: tableFingerprint(table.metadata.id),
    restrictions,
    selection,
    resultColumns: resultColumns(table, selection, statement.json),
    distinct: statement.distinct,
    json,
    reversed,
    postOrdering,
    groupByColumns,
    limit,
    perPartitionLimit,
    readColumns: readColumns(table, selection, restrictions, statement.wildcard),
    staticRow: staticRowMode(table, selection, restrictions, statement.distinct, statement.wildcard),
  };
}

/**
 * Prepares a SELECT against the schema: restrictions, selection, ordering, grouping and
 * limits are resolved once; `execute` binds values, reads through `ctx.data` and builds
 * the rows of one page.
 */
export function prepareSelect(
  statement: SelectStatement,
  scope: TermScope,
  boundMarkers: readonly BindMarkerInfo[],
  options: PrepareSelectOptions = {},
): PreparedStatement {
  const receivers = new Map<number, TermReceiver>();
  const plan = planSelect(statement, scope, recordingPreparer(options.terms ?? DEFAULT_SELECT_TERM_PREPARER, receivers));
  return {
    statementKind: 'select',
    boundVariables: boundVariables(plan.table, boundMarkers, receivers),
    partitionKeyBindIndexes: plan.restrictions.partitionKeyBindIndexes,
    resultColumns: plan.resultColumns,
    keyspace: plan.table.keyspace,
    table: plan.table.name,
    execute: (ctx: ExecutionContext): Promise<StatementResult> => new SelectExecution(plan, ctx).run(),
  };
}
