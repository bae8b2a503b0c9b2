/**
 * CQL's keyword classes, as in Cassandra's grammar (Lexer.g / Parser.g): every keyword
 * is case-insensitive; a *reserved* keyword can only be an identifier when double-quoted,
 * every other word (unreserved keywords such as `key`, `ttl`, `json`, `type`, the native
 * type names, and ScyllaDB's additions such as `bypass`, `cache`, `timeout`) may also be
 * a plain identifier. Words are compared lower-cased.
 */
export const RESERVED_KEYWORDS: ReadonlySet<string> = new Set([
  'add', 'allow', 'alter', 'and', 'apply', 'asc', 'authorize', 'batch', 'begin', 'by',
  'columnfamily', 'create', 'delete', 'desc', 'describe', 'drop', 'entries', 'execute',
  'from', 'full', 'grant', 'if', 'in', 'index', 'infinity', 'insert', 'into', 'is',
  'keyspace', 'limit', 'materialized', 'modify', 'nan', 'norecursive', 'not', 'null', 'of',
  'on', 'or', 'order', 'primary', 'rename', 'revoke', 'schema', 'select', 'set', 'table',
  'to', 'token', 'truncate', 'unlogged', 'update', 'use', 'using', 'view', 'where', 'with',
]);

/** The native type names (all unreserved keywords). `varchar` is an alias of `text`. */
export const NATIVE_TYPE_KEYWORDS: ReadonlySet<string> = new Set([
  'ascii', 'bigint', 'blob', 'boolean', 'counter', 'date', 'decimal', 'double', 'duration',
  'float', 'inet', 'int', 'smallint', 'text', 'time', 'timestamp', 'timeuuid', 'tinyint',
  'uuid', 'varchar', 'varint',
]);

/** Names Cassandra refuses as (unquoted) user type names, reserved for future types. */
export const RESERVED_TYPE_NAMES: ReadonlySet<string> = new Set([
  'byte', 'complex', 'enum', 'date', 'interval', 'macaddr', 'bitstring',
]);

/** True when `word` (lower-cased) is a reserved keyword. */
export function isReservedKeyword(word: string): boolean {
  return RESERVED_KEYWORDS.has(word);
}
