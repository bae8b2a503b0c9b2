/**
 * Generates the CQL that recreates a schema (DESCRIBE's output) from system_schema rows,
 * in the layout of Cassandra 4.0's DESCRIBE: CREATE KEYSPACE with replication and
 * durable_writes; CREATE TYPE (dependencies first); CREATE TABLE with key columns first,
 * the other columns by name, PRIMARY KEY, CLUSTERING ORDER BY and every table option; the
 * table's CREATE INDEX statements after it. Pure: rows in, text out.
 */
import { quoteIdentifier, quoteString, quoteTypeName } from './cql-identifiers';
import type { ColumnRow, IndexRow, KeyspaceRow, KeyspaceSchema, TableRow, TypeRow } from './schema-model';

type OptionKind = 'string' | 'double' | 'int' | 'boolean' | 'map';

/** The table options Cassandra 4.0's DESCRIBE prints, in its order. */
export const TABLE_OPTIONS: readonly (readonly [string, OptionKind])[] = [
  ['additional_write_policy', 'string'],
  ['bloom_filter_fp_chance', 'double'],
  ['caching', 'map'],
  ['cdc', 'boolean'],
  ['comment', 'string'],
  ['compaction', 'map'],
  ['compression', 'map'],
  ['crc_check_chance', 'double'],
  ['default_time_to_live', 'int'],
  ['extensions', 'map'],
  ['gc_grace_seconds', 'int'],
  ['max_index_interval', 'int'],
  ['memtable_flush_period_in_ms', 'int'],
  ['min_index_interval', 'int'],
  ['read_repair', 'string'],
  ['speculative_retry', 'string'],
];

/** `ks.name` with each part quoted as needed. */
export function qualified(keyspace: string, name: string): string {
  return `${quoteIdentifier(keyspace)}.${quoteIdentifier(name)}`;
}

/** A double as Java prints it (DESCRIBE's style): `0.01`, `1.0`. */
function javaDouble(v: number): string {
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

/** A map literal: `{'k': 'v', …}` (blob values as 0x…), in the order stored. */
function mapLiteral(value: unknown): string {
  const entries = value instanceof Map ? [...(value as Map<string, unknown>)] : Object.entries((value ?? {}));
  const items = entries.map(([k, v]) => `${quoteString(String(k))}: ${Buffer.isBuffer(v) ? `0x${v.toString('hex')}` : quoteString(String(v))}`);
  return `{${items.join(', ')}}`;
}

function optionLiteral(kind: OptionKind, value: unknown): string {
  switch (kind) {
    case 'string':
      return quoteString(String(value));
    case 'double':
      return javaDouble(Number(value));
    case 'int':
      return String(value);
    case 'boolean':
      return value === true ? 'true' : 'false';
    case 'map':
      return mapLiteral(value);
  }
}

/** `CREATE KEYSPACE …;` */
export function describeKeyspace(ks: KeyspaceRow): string {
  const { class: cls, ...rest } = ks.replication;
  const entries = [...(cls !== undefined ? [['class', cls] as const] : []), ...Object.entries(rest)];
  const replication = `{${entries.map(([k, v]) => `${quoteString(k)}: ${quoteString(v)}`).join(', ')}}`;
  return `CREATE KEYSPACE ${quoteIdentifier(ks.keyspace_name)} WITH replication = ${replication} AND durable_writes = ${ks.durable_writes ? 'true' : 'false'};`;
}

/** `CREATE TYPE ks.t (…);` */
export function describeType(t: TypeRow): string {
  const fields = t.field_names.map((f, i) => `    ${quoteIdentifier(f)} ${t.field_types[i] ?? ''}`);
  return `CREATE TYPE ${quoteIdentifier(t.keyspace_name)}.${quoteTypeName(t.type_name)} (\n${fields.join(',\n')}\n);`;
}

function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** `CREATE TABLE ks.t (…) WITH …;` from the table's row and its column rows. */
export function describeTable(table: TableRow, columns: readonly ColumnRow[]): string {
  const cols = columns.filter((c) => c.keyspace_name === table.keyspace_name && c.table_name === table.table_name);
  const byPosition = (kind: ColumnRow['kind']): ColumnRow[] => cols.filter((c) => c.kind === kind).sort((a, b) => a.position - b.position);
  const pk = byPosition('partition_key');
  const ck = byPosition('clustering');
  const others = cols.filter((c) => c.kind === 'static' || c.kind === 'regular').sort((a, b) => byUtf8(a.column_name, b.column_name));
  const singleKey = pk.length === 1 && ck.length === 0;
  const lines = [...pk, ...ck, ...others].map((c) => {
    const suffix = c.kind === 'static' ? ' static' : singleKey && c.kind === 'partition_key' ? ' PRIMARY KEY' : '';
    return `    ${quoteIdentifier(c.column_name)} ${c.type}${suffix}`;
  });
  if (!singleKey) {
    const names = (cs: ColumnRow[]): string => cs.map((c) => quoteIdentifier(c.column_name)).join(', ');
    const partition = pk.length === 1 ? names(pk) : `(${names(pk)})`;
    lines.push(`    PRIMARY KEY (${[partition, ...(ck.length > 0 ? [names(ck)] : [])].join(', ')})`);
  }
  const withClauses: string[] = [];
  if (ck.length > 0) {
    withClauses.push(`CLUSTERING ORDER BY (${ck.map((c) => `${quoteIdentifier(c.column_name)} ${c.clustering_order === 'desc' ? 'DESC' : 'ASC'}`).join(', ')})`);
  }
  for (const [name, kind] of TABLE_OPTIONS) {
    const value = table.options[name];
    if (value !== undefined && value !== null) withClauses.push(`${name} = ${optionLiteral(kind, value)}`);
  }
  const head = `CREATE TABLE ${qualified(table.keyspace_name, table.table_name)} (\n${lines.join(',\n')}\n)`;
  return withClauses.length === 0 ? `${head};` : `${head} WITH ${withClauses.join('\n    AND ')};`;
}

/** The index target as CQL: `c`, `keys(m)`, `"Mixed"`… (quoting the column if needed). */
function indexTarget(target: string): string {
  const m = /^(keys|values|entries|full)\((.*)\)$/.exec(target);
  const quote = (name: string): string => (name.startsWith('"') ? name : quoteIdentifier(name));
  return m !== null ? `${m[1]}(${quote(m[2]!)})` : quote(target);
}

/** `CREATE [CUSTOM] INDEX name ON ks.t (target) [USING 'class' [WITH OPTIONS = {…}]];` */
export function describeIndex(index: IndexRow): string {
  const { target = '', class_name: className, ...rest } = index.options;
  const on = `${quoteIdentifier(index.index_name)} ON ${qualified(index.keyspace_name, index.table_name)} (${indexTarget(target)})`;
  if (index.kind.toUpperCase() !== 'CUSTOM' || className === undefined) return `CREATE INDEX ${on};`;
  const opts = Object.keys(rest).length > 0 ? ` WITH OPTIONS = ${mapLiteral(rest)}` : '';
  return `CREATE CUSTOM INDEX ${on} USING ${quoteString(className)}${opts};`;
}

/** Types in an order where each comes after the types it uses (then by name). */
export function orderTypes(types: readonly TypeRow[]): TypeRow[] {
  const sorted = [...types].sort((a, b) => byUtf8(a.type_name, b.type_name));
  const done = new Set<string>();
  const out: TypeRow[] = [];
  const visit = (t: TypeRow, depth: number): void => {
    if (done.has(t.type_name) || depth > sorted.length) return;
    for (const other of sorted) {
      if (other !== t && t.field_types.some((ft) => new RegExp(`(^|[<, ])"?${escapeRegExp(other.type_name)}"?([>,]|$)`).test(ft))) visit(other, depth + 1);
    }
    done.add(t.type_name);
    out.push(t);
  };
  for (const t of sorted) visit(t, 0);
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The statements of one table: CREATE TABLE then its indexes. */
export function describeTableWithIndexes(schema: KeyspaceSchema, table: TableRow): string[] {
  const indexes = schema.indexes
    .filter((i) => i.table_name === table.table_name)
    .sort((a, b) => byUtf8(a.index_name, b.index_name));
  return [describeTable(table, schema.columns), ...indexes.map(describeIndex)];
}

/** DESCRIBE KEYSPACE: the keyspace, its types, its tables and indexes, blank-line separated. */
export function describeKeyspaceFull(schema: KeyspaceSchema): string {
  const parts = [describeKeyspace(schema.keyspace), ...orderTypes(schema.types).map(describeType)];
  const tables = [...schema.tables].sort((a, b) => byUtf8(a.table_name, b.table_name));
  for (const t of tables) parts.push(...describeTableWithIndexes(schema, t));
  return parts.join('\n\n');
}
