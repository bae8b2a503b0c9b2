import type { Ordering } from '../parser/ast-dml';
import type { SelectRestrictions, ValueSource } from './restriction-types';
import { invalidRequest } from './select-errors';
import { quoteName } from './select-table';
import type { SelectTable } from './select-table';

/**
 * ORDER BY (Cassandra's SelectStatement.RawStatement.verifyOrderingIsAllowed and
 * isReversed): clustering columns only, in declared order, all in the declared direction
 * or all reversed; the partition key must be restricted by `=` or `IN` (with IN the rows
 * of several partitions are sorted in memory).
 */
export function prepareOrdering(table: SelectTable, orderBy: readonly Ordering[], restrictions: SelectRestrictions): { reversed: boolean; postOrdering: boolean } {
  if (orderBy.length === 0) return { reversed: false, postOrdering: false };
  let reversed: boolean | undefined;
  let lastPosition = -1;
  const fixed = eqRestrictedClustering(restrictions);
  for (const o of orderBy) {
    const column = table.find(o.column);
    if (column === undefined) throw invalidRequest(`Order by on unknown column ${quoteName(o.column)}`);
    if (column.kind !== 'clustering') throw invalidRequest(`Order by is currently only supported on the clustered columns of the PRIMARY KEY, got ${quoteName(column.name)}`);
    if (column.position <= lastPosition) throw invalidRequest('Order by currently only supports the ordering of columns following their declared order in the PRIMARY KEY');
    for (let p = lastPosition + 1; p < column.position; p++) {
      if (!fixed.has(p)) {
        throw invalidRequest(`Unsupported order by relation - column ${quoteName(table.clustering[p]!.name)} doesn't have an ordering or EQ relation.`);
      }
    }
    lastPosition = column.position;
    const r = (o.order === 'desc') !== column.reversed;
    if (reversed !== undefined && r !== reversed) throw invalidRequest('Unsupported order by relation');
    reversed = r;
  }
  const partition = restrictions.partition;
  if (partition.kind !== 'keys') throw invalidRequest('ORDER BY is only supported when the partition key is restricted by an EQ or an IN.');
  const postOrdering = partition.columns.some((s) => s.kind === 'in');
  return { reversed: reversed ?? false, postOrdering };
}

/** Positions of the clustering columns restricted to one value by `=` or `IN (x)` (ORDER BY may skip them). */
function eqRestrictedClustering(restrictions: SelectRestrictions): Set<number> {
  const out = new Set<number>();
  const c = restrictions.clustering;
  const one = (s: ValueSource): boolean => s.kind === 'eq' || s.single === true;
  if (c.kind === 'single') c.prefix.forEach((s, i) => one(s) && out.add(i));
  if (c.kind === 'multiPoints' && one(c.source)) c.columns.forEach((col) => out.add(col.position));
  return out;
}

/**
 * GROUP BY: a prefix of the primary key (partition key columns first, then clustering
 * columns, in declared order). Returns how many primary key columns form a group.
 */
export function prepareGroupBy(table: SelectTable, groupBy: readonly string[]): number {
  const pk = [...table.partitionKey, ...table.clustering];
  for (let i = 0; i < groupBy.length; i++) {
    const column = table.column(groupBy[i]!);
    if (column.kind !== 'partition_key' && column.kind !== 'clustering') {
      throw invalidRequest(`Group by is currently only supported on the columns of the PRIMARY KEY, got ${quoteName(column.name)}`);
    }
    if (pk[i] !== column) throw invalidRequest('Group by currently only support groups of columns following their declared order in the PRIMARY KEY');
  }
  return groupBy.length;
}
