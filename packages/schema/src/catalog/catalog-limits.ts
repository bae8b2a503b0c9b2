/**
 * Bounds of the schema catalog, as named constants (every input is bounded). Where
 * Cassandra has a hard limit we use it; elsewhere the bound is a guard against a schema
 * that would make every node slow (Cassandra only warns past 150 tables).
 */

/**
 * Longest keyspace or table name, in characters: ScyllaDB's schema::NAME_LENGTH (192, so
 * that a CDC log table's `<name>_scylla_cdc_log` and the `<name>-<uuid>` data directory
 * still fit a 255-byte file name); Cassandra 3 had 48, Cassandra 5 allows 222.
 */
export const MAX_IDENTIFIER_LENGTH = 192;

/** Longest column, field or type name, in UTF-8 bytes (names are stored as short-length bytes). */
export const MAX_COLUMN_NAME_BYTES = 65535;

/** Most columns (all kinds) in one table. */
export const MAX_COLUMNS_PER_TABLE = 1024;

/** Most keyspaces in a schema (the system keyspaces included). */
export const MAX_KEYSPACES = 1000;

/** Most tables in a schema, over every keyspace (the system tables included). */
export const MAX_TABLES = 10000;

/** Most user-defined types in one keyspace. */
export const MAX_USER_TYPES_PER_KEYSPACE = 1000;

/** Most fields in one user-defined type (Cassandra: field positions are signed shorts). */
export const MAX_UDT_FIELDS = 32767;

/** Most entries in one option map (compaction, compression, caching, extensions, replication). */
export const MAX_OPTION_MAP_ENTRIES = 256;

/** Longest table comment, in characters. */
export const MAX_COMMENT_LENGTH = 65535;
