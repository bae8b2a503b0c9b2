/**
 * Quoting of CQL names, as DESCRIBE prints them: a name stays bare when it is lower case
 * letters, digits and `_` starting with a letter, and is not a reserved keyword; anything
 * else is double-quoted with `"` doubled. Pure.
 */

/** Cassandra's reserved keywords (Cql.g): usable as names only when quoted. */
export const RESERVED_KEYWORDS: ReadonlySet<string> = new Set([
  'add', 'allow', 'alter', 'and', 'apply', 'asc', 'authorize', 'batch', 'begin', 'by',
  'columnfamily', 'create', 'delete', 'desc', 'describe', 'drop', 'entries', 'execute',
  'from', 'full', 'grant', 'if', 'in', 'index', 'infinity', 'insert', 'into', 'is',
  'keyspace', 'limit', 'materialized', 'mbean', 'mbeans', 'modify', 'nan', 'norecursive', 'not', 'null', 'of',
  'on', 'or', 'order', 'primary', 'rename', 'replace', 'revoke', 'schema', 'select', 'set', 'table',
  'to', 'token', 'truncate', 'unlogged', 'unset', 'update', 'use', 'using', 'view', 'where', 'with',
]);

/** Names that cannot be an unquoted user type name (native types and names reserved for types). */
const RESERVED_TYPE_NAMES: ReadonlySet<string> = new Set([
  'ascii', 'bigint', 'blob', 'boolean', 'counter', 'date', 'decimal', 'double', 'duration',
  'float', 'inet', 'int', 'smallint', 'text', 'time', 'timestamp', 'timeuuid', 'tinyint',
  'uuid', 'varchar', 'varint', 'byte', 'complex', 'enum', 'interval', 'macaddr', 'bitstring',
]);

/** `name` as it must be written in CQL. */
export function quoteIdentifier(name: string): string {
  if (/^[a-z][a-z0-9_]*$/.test(name) && !RESERVED_KEYWORDS.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

/** A user type name as it must be written in CQL (native type names need quotes too). */
export function quoteTypeName(name: string): string {
  return RESERVED_TYPE_NAMES.has(name) ? `"${name}"` : quoteIdentifier(name);
}

/** A CQL string literal: `'…'` with `'` doubled. */
export function quoteString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * Reads a name the user typed: `"Quoted"` keeps its case (with `""` unescaped), a bare
 * name is lower-cased, as CQL does.
 */
export function parseIdentifier(text: string): string {
  const t = text.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/""/g, '"');
  return t.toLowerCase();
}

/**
 * Splits `ks.name`, `"Ks"."Name"` or `name` into its parts (quoted parts may contain dots).
 * Returns undefined when the text is not one or two names.
 */
export function parseQualifiedName(text: string): { keyspace?: string; name: string } | undefined {
  const m = /^\s*("(?:[^"]|"")+"|[A-Za-z0-9_]+)(?:\s*\.\s*("(?:[^"]|"")+"|[A-Za-z0-9_]+))?\s*$/.exec(text);
  if (m === null) return undefined;
  if (m[2] === undefined) return { name: parseIdentifier(m[1]!) };
  return { keyspace: parseIdentifier(m[1]!), name: parseIdentifier(m[2]) };
}
