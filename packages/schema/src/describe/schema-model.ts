/**
 * The schema as DESCRIBE needs it: plain copies of the rows of Cassandra 4.0's
 * system_schema tables (keyspaces, tables, columns, types, indexes), read by
 * schema-reader.ts and turned into CQL by schema-describer.ts.
 */

/** A system_schema.keyspaces row. */
export interface KeyspaceRow {
  keyspace_name: string;
  durable_writes: boolean;
  /** `class` (full Java name) plus the strategy's options, values as text. */
  replication: Record<string, string>;
}

/** A system_schema.tables row: names plus every option column the node returned. */
export interface TableRow {
  keyspace_name: string;
  table_name: string;
  /** Option columns by name (maps as plain objects, blobs as Buffers). */
  options: Record<string, unknown>;
}

/** A system_schema.columns row. */
export interface ColumnRow {
  keyspace_name: string;
  table_name: string;
  column_name: string;
  kind: 'partition_key' | 'clustering' | 'static' | 'regular';
  position: number;
  clustering_order: 'asc' | 'desc' | 'none';
  /** The type as CQL text (`frozen<map<text, int>>`, UDTs unqualified). */
  type: string;
}

/** A system_schema.types row. */
export interface TypeRow {
  keyspace_name: string;
  type_name: string;
  field_names: string[];
  field_types: string[];
}

/** A system_schema.indexes row. */
export interface IndexRow {
  keyspace_name: string;
  table_name: string;
  index_name: string;
  kind: string;
  options: Record<string, string>;
}

/** Everything DESCRIBE knows about one keyspace. */
export interface KeyspaceSchema {
  keyspace: KeyspaceRow;
  tables: TableRow[];
  columns: ColumnRow[];
  types: TypeRow[];
  indexes: IndexRow[];
}

/** Keyspaces the node manages itself; DESCRIBE SCHEMA leaves them out, as cqlsh does. */
export const DESCRIBE_SKIPPED_KEYSPACES: ReadonlySet<string> = new Set([
  'system', 'system_schema', 'system_auth', 'system_distributed', 'system_traces',
  'system_virtual_schema', 'system_views', 'system_distributed_everywhere',
]);
