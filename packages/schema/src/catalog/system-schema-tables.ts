import { defineSystemTable } from './define-system-table';
import type { SystemTableLayout } from './define-system-table';
import { SCHEMA_KEYSPACE_NAME } from './schema-names';
import type { TableMetadata } from './table-metadata';

/** gc_grace_seconds of the system_schema tables (7 days, as Cassandra). */
const SCHEMA_GC_GRACE_SECONDS = 7 * 24 * 3600;

const KS: readonly [string, string] = ['keyspace_name', 'text'];
const TEXT_MAP = 'frozen<map<text, text>>';

/** The options columns system_schema.tables and .views share (Cassandra 4.0). */
const TABLE_PARAM_COLUMNS: readonly (readonly [string, string])[] = [
  ['bloom_filter_fp_chance', 'double'],
  ['caching', TEXT_MAP],
  ['comment', 'text'],
  ['compaction', TEXT_MAP],
  ['compression', TEXT_MAP],
  ['crc_check_chance', 'double'],
  ['dclocal_read_repair_chance', 'double'],
  ['default_time_to_live', 'int'],
  ['extensions', 'frozen<map<text, blob>>'],
  ['gc_grace_seconds', 'int'],
  ['id', 'uuid'],
  ['max_index_interval', 'int'],
  ['memtable_flush_period_in_ms', 'int'],
  ['min_index_interval', 'int'],
  ['read_repair_chance', 'double'],
  ['speculative_retry', 'text'],
  ['additional_write_policy', 'text'],
  ['cdc', 'boolean'],
  ['read_repair', 'text'],
];

/** Cassandra 4.0's system_schema tables: name, description, layout (SchemaKeyspace). */
const LAYOUTS: readonly (readonly [string, string, SystemTableLayout])[] = [
  // replication_v2 is ScyllaDB's (rack-list replication); drivers and tools read it before
  // `replication`, and it stays null while replication is numeric per datacenter.
  [
    'keyspaces',
    'keyspace definitions',
    { partitionKey: [KS], columns: [['durable_writes', 'boolean'], ['replication', TEXT_MAP], ['replication_v2', TEXT_MAP]] },
  ],
  [
    'tables',
    'table definitions',
    { partitionKey: [KS], clustering: [['table_name', 'text']], columns: [...TABLE_PARAM_COLUMNS, ['flags', 'frozen<set<text>>']] },
  ],
  [
    'columns',
    'column definitions',
    {
      partitionKey: [KS],
      clustering: [['table_name', 'text'], ['column_name', 'text']],
      columns: [['clustering_order', 'text'], ['column_name_bytes', 'blob'], ['kind', 'text'], ['position', 'int'], ['type', 'text']],
    },
  ],
  [
    'triggers',
    'trigger definitions',
    { partitionKey: [KS], clustering: [['table_name', 'text'], ['trigger_name', 'text']], columns: [['options', TEXT_MAP]] },
  ],
  [
    'dropped_columns',
    'dropped column registry',
    {
      partitionKey: [KS],
      clustering: [['table_name', 'text'], ['column_name', 'text']],
      columns: [['dropped_time', 'timestamp'], ['kind', 'text'], ['type', 'text']],
    },
  ],
  [
    'views',
    'view definitions',
    {
      partitionKey: [KS],
      clustering: [['view_name', 'text']],
      columns: [
        ['base_table_id', 'uuid'],
        ['base_table_name', 'text'],
        ['where_clause', 'text'],
        ['include_all_columns', 'boolean'],
        ...TABLE_PARAM_COLUMNS,
      ],
    },
  ],
  [
    'types',
    'user defined type definitions',
    { partitionKey: [KS], clustering: [['type_name', 'text']], columns: [['field_names', 'frozen<list<text>>'], ['field_types', 'frozen<list<text>>']] },
  ],
  [
    'functions',
    'user defined function definitions',
    {
      partitionKey: [KS],
      clustering: [['function_name', 'text'], ['argument_types', 'frozen<list<text>>']],
      columns: [['argument_names', 'frozen<list<text>>'], ['body', 'text'], ['language', 'text'], ['return_type', 'text'], ['called_on_null_input', 'boolean']],
    },
  ],
  [
    'aggregates',
    'user defined aggregate definitions',
    {
      partitionKey: [KS],
      clustering: [['aggregate_name', 'text'], ['argument_types', 'frozen<list<text>>']],
      columns: [['final_func', 'text'], ['initcond', 'text'], ['return_type', 'text'], ['state_func', 'text'], ['state_type', 'text']],
    },
  ],
  [
    'indexes',
    'secondary index definitions',
    { partitionKey: [KS], clustering: [['table_name', 'text'], ['index_name', 'text']], columns: [['kind', 'text'], ['options', TEXT_MAP]] },
  ],
];

/**
 * The system_schema keyspace's tables, exactly as Cassandra 4.0 defines them (column
 * names and types: drivers `SELECT *` from them), by table name. Partitioned by
 * keyspace_name: one partition per keyspace in each table.
 */
export const SYSTEM_SCHEMA_TABLES: ReadonlyMap<string, TableMetadata> = new Map(
  LAYOUTS.map(([name, comment, layout]) => [name, defineSystemTable(SCHEMA_KEYSPACE_NAME, name, comment, layout, SCHEMA_GC_GRACE_SECONDS)]),
);

/** The system_schema table named `name`; throws for a name that is not one. */
export function systemSchemaTable(name: string): TableMetadata {
  const t = SYSTEM_SCHEMA_TABLES.get(name);
  if (t === undefined) throw new Error(`system_schema.${name} is not a schema table`);
  return t;
}
