import { cqlTypeToString, isMultiCellType, nativeType, tupleType } from '@charybdis/schema';
import type { CqlType } from '@charybdis/schema';
import type { Term } from '../parser/ast-common';
import type { CompareOperator, InValues, Relation } from '../parser/ast-dml';
import type { TermScope } from '../terms';
import { MarkerTerm } from '../terms/prepare-term';
import type { PreparedTerm, TermReceiver } from '../terms/term-types';
import { invalidRequest, REQUIRES_ALLOW_FILTERING_MESSAGE } from './select-errors';
import type { SelectTermPreparer } from './select-term-preparer';
import { quoteName } from './select-table';
import type { SelectColumn, SelectTable } from './select-table';
import type { ClusteringRestriction, PartitionRestriction, RowFilter, SelectRestrictions, SliceBound, ValueSource } from './restriction-types';
import { prepareMultiColumn } from './prepare-multi-column';
import { isTokenCall, prepareTokenTerm } from './token-term';
import { subscriptText } from './element-selectors';
import type { MultiRelation } from './prepare-multi-column';

/** What preparing restrictions needs besides the relations. */
export interface RestrictionContext {
  readonly table: SelectTable;
  readonly scope: TermScope;
  readonly terms: SelectTermPreparer;
  readonly allowFiltering: boolean;
}

/** One single-column relation on a column, before it is classified. */
type ColumnRelation =
  | { readonly kind: 'eq'; readonly term: PreparedTerm }
  | { readonly kind: 'in'; readonly source: ValueSource }
  | { readonly kind: 'slice'; readonly operator: '<' | '<=' | '>' | '>='; readonly term: PreparedTerm };

/** True for a literal `IN (x)` list of exactly one value. */
function isSingleValue(values: InValues): boolean {
  return values.kind === 'inList' && values.terms.length === 1;
}

/** The receiver of a value compared with `column`. */
export function columnReceiver(table: SelectTable, name: string, type: CqlType): TermReceiver {
  return { keyspace: table.keyspace, table: table.name, name, type };
}

function prepareIn(ctx: RestrictionContext, column: SelectColumn, values: InValues): ValueSource {
  return { kind: 'in', values: ctx.terms.prepareInValues(values, columnReceiver(ctx.table, column.name, column.type), ctx.scope), single: isSingleValue(values) };
}

function prepareValue(ctx: RestrictionContext, column: SelectColumn, term: Term): PreparedTerm {
  return ctx.terms.prepareTerm(term, columnReceiver(ctx.table, column.name, column.type), ctx.scope);
}

/** Cassandra's checks on several relations over one column. */
function checkColumnRelations(column: SelectColumn, relations: readonly ColumnRelation[]): void {
  if (relations.length < 2) return;
  const name = quoteName(column.name);
  if (relations.some((r) => r.kind === 'eq')) throw invalidRequest(`${name} cannot be restricted by more than one relation if it includes an Equal`);
  if (relations.some((r) => r.kind === 'in')) throw invalidRequest(`${name} cannot be restricted by more than one relation if it includes a IN`);
  const starts = relations.filter((r) => r.kind === 'slice' && (r.operator === '>' || r.operator === '>='));
  if (starts.length > 1) throw invalidRequest(`More than one restriction was found for the start bound on ${name}`);
  if (relations.length - starts.length > 1) throw invalidRequest(`More than one restriction was found for the end bound on ${name}`);
}

function sliceOf(relations: readonly ColumnRelation[]): { start: SliceBound | undefined; end: SliceBound | undefined } {
  let start: SliceBound | undefined;
  let end: SliceBound | undefined;
  for (const r of relations) {
    if (r.kind !== 'slice') continue;
    if (r.operator === '>' || r.operator === '>=') start = { term: r.term, inclusive: r.operator === '>=' };
    else end = { term: r.term, inclusive: r.operator === '<=' };
  }
  return { start, end };
}

/** The relations of one column as post-filters. */
function asFilters(column: SelectColumn, relations: readonly ColumnRelation[], out: RowFilter[]): void {
  for (const r of relations) {
    if (r.kind === 'eq') out.push({ kind: 'compare', column, operator: '=', term: r.term });
    else if (r.kind === 'slice') out.push({ kind: 'compare', column, operator: r.operator, term: r.term });
    else if (r.source.kind === 'in') out.push({ kind: 'in', column, values: r.source.values });
    else out.push({ kind: 'compare', column, operator: '=', term: r.source.term });
  }
}

/** Collects the relations: per column, token ones, multi-column ones, and the other filters. */
interface Collected {
  readonly byColumn: Map<SelectColumn, ColumnRelation[]>;
  readonly token: { operator: CompareOperator; term: PreparedTerm; columns: readonly string[] }[];
  readonly multi: MultiRelation[];
  readonly filters: RowFilter[];
}

function addColumnRelation(c: Collected, column: SelectColumn, relation: ColumnRelation): void {
  const list = c.byColumn.get(column);
  if (list === undefined) c.byColumn.set(column, [relation]);
  else list.push(relation);
}

function containsDuration(t: CqlType): boolean {
  switch (t.kind) {
    case 'native':
      return t.name === 'duration';
    case 'list':
    case 'set':
      return containsDuration(t.element);
    case 'map':
      return containsDuration(t.key) || containsDuration(t.value);
    case 'tuple':
      return t.elements.some(containsDuration);
    case 'udt':
      return t.fields.some((f) => containsDuration(f.type));
    case 'reversed':
      return containsDuration(t.base);
  }
}

/** Durations have no order (Cassandra's "Slice restrictions are not supported on duration columns"). */
function checkNoDurationSlice(column: SelectColumn): void {
  const t = column.type;
  if (!containsDuration(t)) return;
  const what =
    t.kind === 'native' ? 'duration columns' : t.kind === 'tuple' ? 'tuples containing durations' : t.kind === 'udt' ? 'UDTs containing durations' : 'collections containing durations';
  throw invalidRequest(`Slice restrictions are not supported on ${what}`);
}

/** A non-frozen collection has no value to compare as a whole (Cassandra's message). */
function checkNotMultiCellCollection(column: SelectColumn, operator: string): void {
  const t = column.type;
  if ((t.kind === 'list' || t.kind === 'set' || t.kind === 'map') && isMultiCellType(t)) {
    throw invalidRequest(`Collection column '${column.name}' (${cqlTypeToString(t)}) cannot be restricted by a '${operator}' relation`);
  }
}

function collectCompare(ctx: RestrictionContext, c: Collected, r: Extract<Relation, { kind: 'compare' }>): void {
  const column = ctx.table.column(r.column);
  const name = quoteName(column.name);
  switch (r.operator) {
    case '=':
      checkNotMultiCellCollection(column, r.operator);
      return addColumnRelation(c, column, { kind: 'eq', term: prepareValue(ctx, column, r.value) });
    case '<':
    case '<=':
    case '>':
    case '>=':
      checkNoDurationSlice(column);
      checkNotMultiCellCollection(column, r.operator);
      return addColumnRelation(c, column, { kind: 'slice', operator: r.operator, term: prepareValue(ctx, column, r.value) });
    case '!=':
      throw invalidRequest(`Unsupported "!=" relation: ${name} != ${subscriptText(r.value)}`);
    case 'LIKE':
      throw invalidRequest(`LIKE restriction is only supported on properly indexed columns. ${name} LIKE <value> is not valid.`);
    case 'CONTAINS':
    case 'CONTAINS KEY':
      return collectContains(ctx, c, column, r.operator, r.value);
  }
}

function collectContains(ctx: RestrictionContext, c: Collected, column: SelectColumn, operator: 'CONTAINS' | 'CONTAINS KEY', value: Term): void {
  const t = column.type;
  const name = quoteName(column.name);
  if (operator === 'CONTAINS KEY') {
    if (t.kind !== 'map') throw invalidRequest(`Cannot use CONTAINS KEY on non-map column ${name}`);
    c.filters.push({ kind: 'containsKey', column, term: ctx.terms.prepareTerm(value, columnReceiver(ctx.table, `key(${column.name})`, t.key), ctx.scope) });
    return;
  }
  if (t.kind !== 'map' && t.kind !== 'list' && t.kind !== 'set') throw invalidRequest(`Cannot use CONTAINS on non-collection column ${name}`);
  const element = t.kind === 'map' ? t.value : t.element;
  c.filters.push({ kind: 'contains', column, term: ctx.terms.prepareTerm(value, columnReceiver(ctx.table, `value(${column.name})`, element), ctx.scope) });
}

function collectMapElement(ctx: RestrictionContext, c: Collected, r: Extract<Relation, { kind: 'mapElement' }>): void {
  const column = ctx.table.column(r.column);
  const t = column.type;
  if (t.kind !== 'map') throw invalidRequest(`Column ${quoteName(column.name)} cannot be used as a map`);
  if (t.frozen) throw invalidRequest(`Map-entry equality predicates on frozen map column ${quoteName(column.name)} are not supported`);
  if (r.operator === '!=') throw invalidRequest(`Unsupported "!=" relation: ${quoteName(column.name)}[<key>] != <value>`);
  const key = ctx.terms.prepareTerm(r.key, columnReceiver(ctx.table, `key(${column.name})`, t.key), ctx.scope);
  const term = ctx.terms.prepareTerm(r.value, columnReceiver(ctx.table, `value(${column.name})`, t.value), ctx.scope);
  c.filters.push({ kind: 'mapElement', column, key, operator: r.operator, term });
}

function collect(ctx: RestrictionContext, where: readonly Relation[]): Collected {
  const c: Collected = { byColumn: new Map(), token: [], multi: [], filters: [] };
  for (const r of where) {
    switch (r.kind) {
      case 'compare':
        collectCompare(ctx, c, r);
        break;
      case 'in': {
        const column = ctx.table.column(r.column);
        checkNotMultiCellCollection(column, 'IN');
        addColumnRelation(c, column, { kind: 'in', source: prepareIn(ctx, column, r.values) });
        break;
      }
      case 'isNotNull':
        throw invalidRequest(`Unsupported restriction: ${quoteName(r.column)} IS NOT NULL`);
      case 'mapElement':
        collectMapElement(ctx, c, r);
        break;
      case 'token': {
        const receiver = columnReceiver(ctx.table, 'partition key token', nativeType('bigint'));
        const term = isTokenCall(r.value) ? prepareTokenTerm(r.value, receiver, ctx.table, ctx.scope, ctx.terms) : ctx.terms.prepareTerm(r.value, receiver, ctx.scope);
        c.token.push({ operator: r.operator, term, columns: r.columns });
        break;
      }
      case 'multiColumn':
      case 'multiColumnIn':
        c.multi.push(prepareMultiRelationTerm(ctx, r));
        break;
    }
  }
  return c;
}

/** A tuple literal must have one element per column (ScyllaDB's message). */
function checkTupleArity(term: Term, expected: number): void {
  if (term.kind === 'tuple' && term.elements.length !== expected) {
    throw invalidRequest(`Expected ${expected} elements in value tuple, but got ${term.elements.length}`);
  }
}

/** A tuple value as Cassandra prints it in messages. */
function tupleText(term: Term): string {
  return term.kind === 'tuple' ? `(${term.elements.map(subscriptText).join(', ')})` : subscriptText(term);
}

function prepareMultiRelationTerm(ctx: RestrictionContext, r: Extract<Relation, { kind: 'multiColumn' | 'multiColumnIn' }>): MultiRelation {
  const columns = r.columns.map((n) => ctx.table.column(n));
  if (r.kind === 'multiColumn' && r.operator === '!=') {
    throw invalidRequest(`Unsupported "!=" relation: (${columns.map((x) => quoteName(x.name)).join(', ')}) != ${tupleText(r.value)}`);
  }
  for (const col of columns) {
    if (col.kind !== 'clustering') throw invalidRequest(`Multi-column relations can only be applied to clustering columns but was applied to: ${quoteName(col.name)}`);
  }
  const receiver = columnReceiver(ctx.table, `(${columns.map((x) => x.name).join(',')})`, tupleType(columns.map((x) => x.type)));
  if (r.kind === 'multiColumnIn' && r.values.kind === 'inList') r.values.terms.forEach((t) => checkTupleArity(t, columns.length));
  if (r.kind === 'multiColumn') checkTupleArity(r.value, columns.length);
  if (r.kind === 'multiColumnIn') return { columns, operator: 'IN', source: { kind: 'in', values: ctx.terms.prepareInValues(r.values, receiver, ctx.scope), single: isSingleValue(r.values) } };
  const operator = r.operator;
  if (operator === '!=') throw new Error('unreachable: != was rejected above');
  return { columns, operator, source: { kind: 'eq', term: ctx.terms.prepareTerm(r.value, receiver, ctx.scope) } };
}

/** The token relations as one range; Cassandra's checks on their columns. */
function prepareToken(ctx: RestrictionContext, c: Collected): PartitionRestriction {
  const pkNames = ctx.table.partitionKey.map((k) => k.name);
  let start: SliceBound | undefined;
  let end: SliceBound | undefined;
  for (const t of c.token) {
    const cols = t.columns.map((n) => ctx.table.column(n).name);
    if (new Set(cols).size !== cols.length) throw invalidRequest('The token() function contains duplicate partition key components');
    if (cols.length !== pkNames.length || !cols.every((n) => pkNames.includes(n))) {
      throw invalidRequest('The token() function must be applied to all partition key components or none of them');
    }
    if (cols.some((n, i) => n !== pkNames[i])) throw invalidRequest(`The token function arguments must be in the partition key order: ${pkNames.map(quoteName).join(', ')}`);
    if (t.operator === '!=') throw invalidRequest('Unsupported "!=" relation on token');
    const isStart = t.operator === '>' || t.operator === '>=' || t.operator === '=';
    const isEnd = t.operator === '<' || t.operator === '<=' || t.operator === '=';
    if (isStart) {
      if (start !== undefined) throw invalidRequest(`More than one restriction was found for the start bound on ${pkNames.map(quoteName).join(', ')}`);
      start = { term: t.term, inclusive: t.operator !== '>' };
    }
    if (isEnd) {
      if (end !== undefined) throw invalidRequest(`More than one restriction was found for the end bound on ${pkNames.map(quoteName).join(', ')}`);
      end = { term: t.term, inclusive: t.operator !== '<' };
    }
  }
  return { kind: 'token', start, end };
}

function preparePartition(ctx: RestrictionContext, c: Collected, filters: RowFilter[]): PartitionRestriction {
  const pk = ctx.table.partitionKey;
  const restricted = pk.filter((k) => c.byColumn.has(k));
  if (c.token.length > 0) {
    if (restricted.length > 0) throw invalidRequest(`Columns "${restricted.map((k) => k.name).join(', ')}" cannot be restricted by both a normal relation and a token relation`);
    return prepareToken(ctx, c);
  }
  if (restricted.length === 0) return { kind: 'scan' };
  const hasSlice = restricted.some((k) => c.byColumn.get(k)!.some((r) => r.kind === 'slice'));
  if (hasSlice && !ctx.allowFiltering) {
    // ScyllaDB and Cassandra both point at ALLOW FILTERING here (a slice on the key is a filtered scan).
    throw invalidRequest(REQUIRES_ALLOW_FILTERING_MESSAGE);
  }
  for (const k of restricted) checkColumnRelations(k, c.byColumn.get(k)!);
  if (!hasSlice && restricted.length === pk.length) {
    return { kind: 'keys', columns: pk.map((k) => columnSource(c.byColumn.get(k)![0]!)) };
  }
  if (!ctx.allowFiltering) {
    throw invalidRequest(REQUIRES_ALLOW_FILTERING_MESSAGE);
  }
  for (const k of restricted) asFilters(k, c.byColumn.get(k)!, filters);
  return { kind: 'scan' };
}

function columnSource(r: ColumnRelation): ValueSource {
  if (r.kind === 'eq') return { kind: 'eq', term: r.term };
  if (r.kind === 'in') return r.source;
  throw new Error('unreachable: a slice is not a value source');
}

/** Single-column clustering relations: the usable prefix (+ slice) and the rest as filters. */
function prepareSingleClustering(ctx: RestrictionContext, c: Collected, filters: RowFilter[]): ClusteringRestriction {
  const prefix: ValueSource[] = [];
  let slice: Extract<ClusteringRestriction, { kind: 'single' }>['slice'];
  let stop: { column: SelectColumn; reason: 'gap' | 'slice' } | undefined;
  for (const col of ctx.table.clustering) {
    const relations = c.byColumn.get(col);
    if (relations === undefined) {
      stop ??= { column: col, reason: 'gap' };
      continue;
    }
    checkColumnRelations(col, relations);
    if (stop !== undefined) {
      if (!ctx.allowFiltering) {
        if (stop.reason === 'slice') throw invalidRequest(`Clustering column "${col.name}" cannot be restricted (preceding column "${stop.column.name}" is restricted by a non-EQ relation)`);
        throw invalidRequest(`PRIMARY KEY column "${col.name}" cannot be restricted as preceding column "${stop.column.name}" is not restricted`);
      }
      asFilters(col, relations, filters);
      continue;
    }
    if (relations[0]!.kind === 'slice') {
      slice = { column: col, ...sliceOf(relations) };
      stop = { column: col, reason: 'slice' };
    } else {
      prefix.push(columnSource(relations[0]!));
    }
  }
  if (prefix.length === 0 && slice === undefined) return { kind: 'none' };
  return { kind: 'single', prefix, slice };
}

function prepareClustering(ctx: RestrictionContext, c: Collected, filters: RowFilter[]): ClusteringRestriction {
  const singles = ctx.table.clustering.filter((k) => c.byColumn.has(k));
  if (c.multi.length > 0) {
    if (singles.length > 0) throw invalidRequest('Mixing single column relations and multi column relations on clustering columns is not allowed');
    return prepareMultiColumn(ctx.table, c.multi, filters);
  }
  return prepareSingleClustering(ctx, c, filters);
}

/**
 * Prepares a WHERE clause as Cassandra's StatementRestrictions does: partition key,
 * token, clustering and filtering relations with Cassandra's validation and messages.
 */
export function prepareRestrictions(ctx: RestrictionContext, where: readonly Relation[]): SelectRestrictions {
  const c = collect(ctx, where);
  const filters: RowFilter[] = [...c.filters];
  const partition = preparePartition(ctx, c, filters);
  const clustering = prepareClustering(ctx, c, filters);
  let filtersRegularColumns = c.filters.length > 0;
  for (const [col, relations] of c.byColumn) {
    if (col.kind !== 'regular' && col.kind !== 'static') continue;
    asFilters(col, relations, filters);
    if (col.kind === 'regular') filtersRegularColumns = true;
  }
  // Tuple filters implement a mixed-order multi-column slice inside the restricted partitions: no ALLOW FILTERING needed.
  const needsFiltering = filters.some((f) => f.kind !== 'tuple') || (partition.kind !== 'keys' && clustering.kind !== 'none');
  if (needsFiltering && !ctx.allowFiltering) {
    const contains = c.filters.find((f) => (f.kind === 'contains' || f.kind === 'containsKey') && f.column.kind === 'clustering');
    if (contains !== undefined && contains.kind !== 'tuple') {
      const sliced = ctx.table.clustering.find((k) => k.position < contains.column.position && (c.byColumn.get(k) ?? []).some((r) => r.kind === 'slice'));
      if (sliced !== undefined) {
        throw invalidRequest(`Clustering column "${contains.column.name}" cannot be restricted (preceding column "${sliced.name}" is restricted by a non-EQ relation)`);
      }
      throw invalidRequest('Clustering columns can only be restricted with CONTAINS with a secondary index or filtering');
    }
    throw invalidRequest(REQUIRES_ALLOW_FILTERING_MESSAGE);
  }
  return {
    partition,
    clustering,
    filters,
    filtersRegularColumns,
    hasClusteringRestrictions: clustering.kind !== 'none' || filters.some((f) => f.kind !== 'tuple' && f.column.kind === 'clustering'),
    partitionKeyBindIndexes: partitionKeyBindIndexes(partition),
  };
}

function partitionKeyBindIndexes(partition: PartitionRestriction): number[] {
  if (partition.kind !== 'keys') return [];
  const out: number[] = [];
  for (let i = 0; i < partition.columns.length; i++) {
    const s = partition.columns[i]!;
    // Only a bare marker (`p = ?` or `p = :name`) is the routing key's component as bound;
    // a marker inside a function call or cast is not.
    if (s.kind !== 'eq' || !(s.term instanceof MarkerTerm)) return [];
    out.push(s.term.markers[0]!.index);
  }
  return out;
}
