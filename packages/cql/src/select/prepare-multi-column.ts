import type { CompareOperator } from '../parser/ast-dml';
import { invalidRequest } from './select-errors';
import { quoteName } from './select-table';
import type { SelectColumn, SelectTable } from './select-table';
import type { ClusteringRestriction, RowFilter, SliceBound, ValueSource } from './restriction-types';

/** A prepared `(a, b) op …` or `(a, b) IN …` relation. */
export interface MultiRelation {
  readonly columns: readonly SelectColumn[];
  readonly operator: Exclude<CompareOperator, '!='> | 'IN';
  /** `eq` holds the tuple term of any comparison; `in` the tuples. */
  readonly source: ValueSource;
}

function checkColumns(table: SelectTable, r: MultiRelation): void {
  const names = r.columns.map((c) => quoteName(c.name)).join(', ');
  for (let i = 1; i < r.columns.length; i++) {
    if (r.columns[i]!.position !== r.columns[i - 1]!.position + 1) {
      throw invalidRequest(`Clustering columns must appear in the PRIMARY KEY order in multi-column relations: (${names})`);
    }
  }
  const first = r.columns[0]!.position;
  if (first > 0) {
    throw invalidRequest(`PRIMARY KEY column "${r.columns[0]!.name}" cannot be restricted as preceding column "${table.clustering[first - 1]!.name}" is not restricted`);
  }
}

/**
 * Multi-column clustering relations (Cassandra's MultiColumnRestriction): one `=`, one
 * `IN`, or up to two slice bounds, each over the first clustering columns. A slice over
 * columns of mixed clustering order is no single range: it becomes tuple filters over a
 * whole-partition read.
 */
export function prepareMultiColumn(table: SelectTable, relations: readonly MultiRelation[], filters: RowFilter[]): ClusteringRestriction {
  for (const r of relations) checkColumns(table, r);
  const first = relations[0]!;
  const names = (r: MultiRelation): string => r.columns.map((c) => quoteName(c.name)).join(', ');
  if (first.operator === '=' || first.operator === 'IN') {
    if (relations.length > 1) {
      throw invalidRequest(`${names(first)} cannot be restricted by more than one relation if it includes ${first.operator === '=' ? 'an Equal' : 'a IN'}`);
    }
    return { kind: 'multiPoints', columns: first.columns, source: first.source };
  }
  let start: { columns: readonly SelectColumn[]; bound: SliceBound } | undefined;
  let end: { columns: readonly SelectColumn[]; bound: SliceBound } | undefined;
  for (const r of relations) {
    if (r.operator === '=' || r.operator === 'IN') throw invalidRequest(`${names(r)} cannot be restricted by more than one relation if it includes ${r.operator === '=' ? 'an Equal' : 'a IN'}`);
    if (r.source.kind !== 'eq') throw new Error('unreachable: a multi-column slice has one tuple term');
    const bound = { columns: r.columns, bound: { term: r.source.term, inclusive: r.operator === '>=' || r.operator === '<=' } };
    if (r.operator === '>' || r.operator === '>=') {
      if (start !== undefined) throw invalidRequest(`More than one restriction was found for the start bound on ${names(r)}`);
      start = bound;
    } else {
      if (end !== undefined) throw invalidRequest(`More than one restriction was found for the end bound on ${names(r)}`);
      end = bound;
    }
  }
  const cols = [...(start?.columns ?? []), ...(end?.columns ?? [])];
  const filtered = cols.some((c) => c.reversed !== cols[0]!.reversed);
  if (filtered) {
    for (const r of relations) {
      if (r.source.kind === 'eq') filters.push({ kind: 'tuple', columns: r.columns, operator: r.operator as '<' | '<=' | '>' | '>=', term: r.source.term });
    }
  }
  return { kind: 'multiSlice', start, end, filtered };
}
