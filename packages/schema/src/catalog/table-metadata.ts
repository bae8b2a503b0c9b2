import type { CqlType } from '../types/cql-type';
import type { TableOptions } from './table-options';

/** What a column is in its table (the `kind` column of system_schema.columns). */
export type ColumnKind = 'partition_key' | 'clustering' | 'regular' | 'static';

/** A clustering column's order; 'NONE' for every other column. */
export type ClusteringOrder = 'ASC' | 'DESC' | 'NONE';

/**
 * One column of a table. `type` is the column's type as the storage engine sees it: a
 * DESC clustering column has `reversedType(base)`. `position` is the index within the
 * partition key or the clustering, -1 for regular and static columns (as stored in
 * system_schema.columns).
 */
export interface ColumnMetadata {
  readonly name: string;
  readonly type: CqlType;
  readonly kind: ColumnKind;
  readonly position: number;
  readonly order: ClusteringOrder;
}

/**
 * A dropped regular or static column: data written at or before `droppedAtUs` is dead.
 * UDTs in `type` are expanded into tuples (as Cassandra records them), so the record
 * survives the type being dropped. `droppedAtUs` has millisecond precision because
 * system_schema.dropped_columns stores a timestamp.
 */
export interface DroppedColumn {
  readonly name: string;
  readonly type: CqlType;
  readonly kind: 'regular' | 'static';
  readonly droppedAtUs: bigint;
}

/**
 * A secondary index of a table (a row of system_schema.indexes). `kind` is COMPOSITES for
 * every index CQL creates (KEYS was for COMPACT STORAGE tables), CUSTOM with a
 * `class_name` option for CREATE CUSTOM INDEX; `options.target` names what is indexed as
 * Cassandra stores it (`v`, `keys(m)`, `values(m)`, `entries(m)`, `full(f)`). There is no
 * index data structure yet: a query on an indexed column is a filtered scan (exact, O(data)).
 */
export interface IndexMetadata {
  readonly name: string;
  readonly kind: 'COMPOSITES' | 'KEYS' | 'CUSTOM';
  readonly options: Readonly<Record<string, string>>;
}

/**
 * A table's definition, as plain immutable data. `columns` holds the regular and static
 * columns sorted by name (UTF-8 bytes, Cassandra's order); `droppedColumns` is sorted by
 * name too, so equal definitions are structurally equal.
 */
export interface TableMetadata {
  readonly keyspace: string;
  readonly name: string;
  /** A UUID string: random (v4) for user tables, name-based (v3) for system tables. */
  readonly id: string;
  readonly partitionKey: readonly ColumnMetadata[];
  readonly clustering: readonly ColumnMetadata[];
  readonly columns: readonly ColumnMetadata[];
  readonly options: TableOptions;
  readonly droppedColumns: readonly DroppedColumn[];
  /** The table's secondary indexes, sorted by name; absent or empty when it has none. */
  readonly indexes?: readonly IndexMetadata[];
}

/** Every column of the table: partition key, clustering, then regular and static ones. */
export function allColumns(table: TableMetadata): readonly ColumnMetadata[] {
  return [...table.partitionKey, ...table.clustering, ...table.columns];
}

/** The column named `name` (exact, case-sensitive), or undefined. */
export function findColumn(table: TableMetadata, name: string): ColumnMetadata | undefined {
  return table.partitionKey.find((c) => c.name === name) ?? table.clustering.find((c) => c.name === name) ?? table.columns.find((c) => c.name === name);
}

/** True when the table's regular columns are counters (Cassandra's "counter table"). */
export function isCounterTable(table: TableMetadata): boolean {
  return table.columns.some((c) => c.type.kind === 'native' && c.type.name === 'counter');
}
