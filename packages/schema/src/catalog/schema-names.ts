import { invalidDefinition } from './catalog-error-codes';
import { MAX_COLUMN_NAME_BYTES, MAX_IDENTIFIER_LENGTH } from './catalog-limits';

/** The keyspace of node-local system tables. */
export const SYSTEM_KEYSPACE_NAME = 'system';
/** The keyspace holding the schema tables drivers read. */
export const SCHEMA_KEYSPACE_NAME = 'system_schema';

/**
 * Keyspace names users may not create, alter or drop (Cassandra's local and replicated
 * system keyspaces, and the virtual ones).
 */
export const RESERVED_KEYSPACE_NAMES: ReadonlySet<string> = new Set([
  SYSTEM_KEYSPACE_NAME,
  SCHEMA_KEYSPACE_NAME,
  'system_auth',
  'system_distributed',
  'system_traces',
  'system_views',
  'system_virtual_schema',
]);

const NAME_PATTERN = /^[A-Za-z0-9_]+$/;

/** True for a valid keyspace or table name: 1–48 characters of [A-Za-z0-9_] (SchemaConstants.isValidName). */
export function isValidSchemaName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_IDENTIFIER_LENGTH && NAME_PATTERN.test(name);
}

/** Throws SCHEMA_INVALID_DEFINITION unless `name` is a valid keyspace name. */
export function checkKeyspaceName(name: string): void {
  if (!isValidSchemaName(name)) {
    throw invalidDefinition(
      `Keyspace name must not be empty, more than ${MAX_IDENTIFIER_LENGTH} characters long, or contain non-alphanumeric-underscore characters (got '${name}')`,
    );
  }
}

/** Throws SCHEMA_INVALID_DEFINITION unless `name` is a valid table name. */
export function checkTableName(name: string): void {
  if (!isValidSchemaName(name)) {
    throw invalidDefinition(
      `Table name must not be empty, more than ${MAX_IDENTIFIER_LENGTH} characters long, or contain non-alphanumeric-underscore characters (got '${name}')`,
    );
  }
}

/** Throws SCHEMA_INVALID_DEFINITION for an empty or oversized column/field/type name (`what` names it). */
export function checkIdentifier(what: string, name: string): void {
  if (name.length === 0) throw invalidDefinition(`${what} name must not be empty`);
  if (Buffer.byteLength(name, 'utf8') > MAX_COLUMN_NAME_BYTES) {
    throw invalidDefinition(`${what} name '${name.slice(0, 64)}…' is longer than ${MAX_COLUMN_NAME_BYTES} bytes`);
  }
}

/** Throws SCHEMA_INVALID_DEFINITION for a reserved (system) keyspace. */
export function checkUserModifiable(keyspace: string): void {
  if (RESERVED_KEYSPACE_NAMES.has(keyspace)) throw invalidDefinition(`${keyspace} keyspace is not user-modifiable`);
}

/** Orders names as Cassandra orders column names in a table: by their UTF-8 bytes. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
