/**
 * The schema catalog: keyspaces, tables, columns and user types as plain immutable data,
 * their creation and alteration with Cassandra's validation, the immutable `Schema`
 * snapshot with its version, the system and system_schema table definitions, and the
 * conversion between a schema and the system_schema tables' rows. See docs/catalog.md.
 */
export { CatalogErrorCodes } from './catalog-error-codes';
export type { CatalogErrorCode } from './catalog-error-codes';
export {
  MAX_IDENTIFIER_LENGTH,
  MAX_COLUMN_NAME_BYTES,
  MAX_COLUMNS_PER_TABLE,
  MAX_KEYSPACES,
  MAX_TABLES,
  MAX_USER_TYPES_PER_KEYSPACE,
  MAX_UDT_FIELDS,
  MAX_OPTION_MAP_ENTRIES,
  MAX_COMMENT_LENGTH,
} from './catalog-limits';
export type { RawOptions, RawOptionValue, RawOptionMap, RawOptionScalar } from './option-values';
export { DEFAULT_TABLE_OPTIONS, TABLE_OPTION_NAMES, parseTableOptions } from './table-options';
export type { TableOptions, TableOptionName } from './table-options';
export { ReplicationStrategies, parseReplication } from './replication';
export type { ReplicationParams, ReplicationContext } from './replication';
export { createKeyspaceMetadata, alterKeyspace } from './keyspace-metadata';
export type { KeyspaceMetadata } from './keyspace-metadata';
export { allColumns, findColumn, isCounterTable } from './table-metadata';
export type { TableMetadata, ColumnMetadata, ColumnKind, ClusteringOrder, DroppedColumn, IndexMetadata } from './table-metadata';
export { addIndex, dropIndex, indexTarget, indexTargetOption, parseIndexTarget, tableOfIndex, indexesOnColumn } from './index-metadata';
export type { IndexDefinition, IndexTargetSpec, IndexTargetKind } from './index-metadata';
export { createTableMetadata } from './create-table-metadata';
export type { TableDefinition, ColumnDefinition } from './create-table-metadata';
export { alterTable } from './alter-table';
export type { TableChange } from './alter-table';
export { createUserType, alterUserType, dropUserType } from './user-types';
export type { KeyspaceDefinition, UserTypeChange } from './user-types';
export { tableMutationSchema } from './table-mutation-schema';
export {
  SYSTEM_KEYSPACE_NAME,
  SCHEMA_KEYSPACE_NAME,
  RESERVED_KEYSPACE_NAMES,
  isValidSchemaName,
} from './schema-names';
export { systemTableId, nameUuidFromBytes } from './schema-uuids';
export { SYSTEM_SCHEMA_TABLES } from './system-schema-tables';
export { SYSTEM_TABLES } from './system-tables';
export { SYSTEM_AUTH_TABLES, SYSTEM_AUTH_KEYSPACE_NAME } from './system-auth-tables';
export { SYSTEM_KEYSPACES } from './system-keyspaces';
export { Schema } from './schema';
export { computeSchemaVersion } from './schema-version';
export { schemaMutations, dropKeyspaceMutations, schemaPartitionKey, SYSTEM_SCHEMA_COMPARATORS } from './schema-mutations';
export { schemaFromPartitions } from './schema-from-partitions';
