import { indexTarget } from '@charybdis/schema';
import type { IndexTargetKind } from '@charybdis/schema';
import type { Relation } from '../parser/ast-dml';
import type { SelectTable } from './select-table';

/**
 * Secondary index use, ScyllaDB's rules (statement_restrictions::need_filtering): a WHERE
 * clause with a relation an index supports (`=` on an indexed column, CONTAINS on a
 * `values()` index, CONTAINS KEY on a `keys()` index, `m[k] = v` on an `entries()` index)
 * needs no ALLOW FILTERING when at most one restriction is left to filter: the
 * non-primary-key restrictions, plus — unless the whole partition key is restricted by
 * `=` — the partition key and clustering restrictions, else the clustering restrictions
 * that are not a clustering prefix; and at most one CONTAINS-like restriction.
 *
 * There is no index data structure yet: such a query is answered as if ALLOW FILTERING
 * had been given — a range read over all partitions (or within the restricted partition)
 * with every restriction checked on each row. Results are exact; the cost is O(data).
 */

type RelationKind = 'eq' | 'in' | 'slice' | 'contains' | 'containsKey' | 'mapEq' | 'mapOther' | 'other';

function relationKind(r: Relation): RelationKind {
  switch (r.kind) {
    case 'compare':
      if (r.operator === '=') return 'eq';
      if (r.operator === 'CONTAINS') return 'contains';
      if (r.operator === 'CONTAINS KEY') return 'containsKey';
      return r.operator === '<' || r.operator === '<=' || r.operator === '>' || r.operator === '>=' ? 'slice' : 'other';
    case 'in':
      return 'in';
    case 'mapElement':
      return r.operator === '=' ? 'mapEq' : 'mapOther';
    default:
      return r.kind === 'multiColumn' && r.operator === '=' ? 'eq' : r.kind === 'multiColumnIn' ? 'in' : 'slice';
  }
}

const SUPPORTING: Readonly<Partial<Record<RelationKind, readonly IndexTargetKind[]>>> = {
  eq: ['simple', 'full'],
  contains: ['values'],
  containsKey: ['keys'],
  mapEq: ['entries'],
};

/** Relation kinds by restricted column name (a multi-column relation counts for each of its columns). */
function restrictedColumns(where: readonly Relation[]): Map<string, RelationKind[]> {
  const out = new Map<string, RelationKind[]>();
  const add = (name: string, kind: RelationKind): void => {
    const list = out.get(name);
    if (list === undefined) out.set(name, [kind]);
    else list.push(kind);
  };
  for (const r of where) {
    const kind = relationKind(r);
    if (r.kind === 'token' || r.kind === 'multiColumn' || r.kind === 'multiColumnIn') r.columns.forEach((c) => add(c, r.kind === 'token' ? 'slice' : kind));
    else add(r.column, kind);
  }
  return out;
}

/** True when some relation of `where` is one an index of the table answers. */
function hasIndexedRelation(table: SelectTable, where: readonly Relation[]): boolean {
  const targets = new Map<string, IndexTargetKind[]>();
  for (const index of table.metadata.indexes ?? []) {
    const t = indexTarget(index);
    if (t !== undefined) targets.set(t.column, [...(targets.get(t.column) ?? []), t.kind]);
  }
  if (targets.size === 0) return false;
  return where.some((r) => {
    if (r.kind !== 'compare' && r.kind !== 'mapElement') return false;
    const supporting = SUPPORTING[relationKind(r)] ?? [];
    return (targets.get(r.column) ?? []).some((k) => supporting.includes(k));
  });
}

/**
 * The clustering restrictions left to filter when the partition key is fixed: none when they
 * form a clustering prefix (EQ/IN from the first column, then at most one slice), else all
 * but the EQ/IN prefix (ScyllaDB's `size() - prefix_size()`).
 */
function clusteringToFilter(table: SelectTable, restricted: ReadonlyMap<string, readonly RelationKind[]>, total: number): number {
  let eqPrefix = 0;
  let usable = 0;
  for (const col of table.clustering) {
    const kinds = restricted.get(col.name);
    if (kinds === undefined || kinds.some((k) => k !== 'eq' && k !== 'in' && k !== 'slice')) break;
    usable++;
    if (kinds.includes('slice')) break;
    eqPrefix++;
  }
  return usable === total ? 0 : total - eqPrefix;
}

/**
 * True when an index of the table lets this WHERE clause run without ALLOW FILTERING (see
 * the module comment); the query is then executed as a filtered scan.
 */
export function indexAnswersWithoutFiltering(table: SelectTable, where: readonly Relation[]): boolean {
  if (!hasIndexedRelation(table, where)) return false;
  const restricted = restrictedColumns(where);
  const count = (kinds: readonly string[]): number => table.columns.filter((c) => kinds.includes(c.kind) && restricted.has(c.name)).length;
  const nonPrimaryKey = count(['regular', 'static']);
  const pkAllEq = table.partitionKey.every((c) => {
    const kinds = restricted.get(c.name);
    return kinds !== undefined && kinds.every((k) => k === 'eq');
  });
  const clustering = count(['clustering']);
  const filtering = pkAllEq ? nonPrimaryKey + clusteringToFilter(table, restricted, clustering) : nonPrimaryKey + count(['partition_key']) + clustering;
  let containsLike = 0;
  for (const c of table.columns) {
    if (c.kind === 'regular' || c.kind === 'static') containsLike += (restricted.get(c.name) ?? []).filter((k) => k === 'contains' || k === 'containsKey' || k === 'mapEq').length;
  }
  return filtering <= 1 && containsLike <= 1;
}
