import { CharybdisError } from '@charybdis/core';

/**
 * The stable error codes of the schema catalog (`src/catalog/`). The CQL layer maps them
 * to protocol errors in one place; the mapping each code is meant for is noted below.
 * Codes are part of the API: do not rename them.
 */
export const CatalogErrorCodes = {
  /**
   * A keyspace, table, column or type definition CQL rejects (bad name, unknown or
   * duplicate column, forbidden type in the primary key…). Maps to InvalidRequest 0x2200.
   */
  INVALID_DEFINITION: 'SCHEMA_INVALID_DEFINITION',
  /**
   * A bad value for a known table or keyspace option (negative TTL, bad compaction or
   * replication settings…). Maps to ConfigurationException 0x2300.
   */
  INVALID_OPTION: 'SCHEMA_INVALID_OPTION',
  /**
   * An option name CQL does not know (`WITH foo = 1`). Cassandra raises a SyntaxException
   * ("Unknown property 'foo'"), so this maps to Syntax 0x2000.
   */
  UNKNOWN_OPTION: 'SCHEMA_UNKNOWN_OPTION',
  /** Creating a keyspace, table or type that exists. Maps to AlreadyExists 0x2400 (types: 0x2200 as Cassandra). */
  ALREADY_EXISTS: 'SCHEMA_ALREADY_EXISTS',
  /** A keyspace, table or type that does not exist. Maps to InvalidRequest 0x2200. */
  NOT_FOUND: 'SCHEMA_NOT_FOUND',
  /** system_schema rows that do not describe a valid schema (corrupt or foreign data). */
  CORRUPT_SCHEMA: 'SCHEMA_CORRUPT_SCHEMA',
} as const;

/** One of the {@link CatalogErrorCodes} values. */
export type CatalogErrorCode = (typeof CatalogErrorCodes)[keyof typeof CatalogErrorCodes];

/** An InvalidRequest-class error about a definition. */
export function invalidDefinition(message: string): CharybdisError {
  return new CharybdisError(CatalogErrorCodes.INVALID_DEFINITION, message);
}

/** A ConfigurationException-class error about an option value. */
export function invalidOption(message: string): CharybdisError {
  return new CharybdisError(CatalogErrorCodes.INVALID_OPTION, message);
}

/** A system_schema content error. */
export function corruptSchema(message: string, cause?: unknown): CharybdisError {
  return new CharybdisError(CatalogErrorCodes.CORRUPT_SCHEMA, message, cause === undefined ? undefined : { cause });
}
