/**
 * Reads the system_schema rows DESCRIBE needs through the driver (the node has no
 * server-side DESCRIBE). Values are copied into the plain shapes of @charybdis/schema's describe model.
 */
import type { Client } from 'cassandra-driver';
import type { ColumnRow, IndexRow, KeyspaceRow, KeyspaceSchema, TableRow, TypeRow } from '@charybdis/schema';

type Row = Record<string, unknown>;

function toRecord(value: unknown): Record<string, string> {
  const entries = value instanceof Map ? [...(value as Map<string, unknown>)] : Object.entries((value ?? {}));
  return Object.fromEntries(entries.map(([k, v]) => [String(k), String(v)]));
}

async function rows(client: Client, query: string, params: unknown[]): Promise<Row[]> {
  const result = await client.execute(query, params, { prepare: false, fetchSize: 5000 });
  const out = result.rows.map((r) => Object.fromEntries(r.keys().map((k) => [k, r.get(k) as unknown])));
  let page = result.pageState;
  while (page !== null && page !== undefined) {
    const next = await client.execute(query, params, { prepare: false, fetchSize: 5000, pageState: page });
    out.push(...next.rows.map((r) => Object.fromEntries(r.keys().map((k) => [k, r.get(k) as unknown]))));
    page = next.pageState;
  }
  return out;
}

/** Names of every keyspace, sorted. */
export async function readKeyspaceNames(client: Client): Promise<string[]> {
  return (await rows(client, 'SELECT keyspace_name FROM system_schema.keyspaces', [])).map((r) => String(r.keyspace_name)).sort();
}

/** The keyspace's whole schema, or undefined when it does not exist. */
export async function readKeyspace(client: Client, keyspace: string): Promise<KeyspaceSchema | undefined> {
  const where = 'WHERE keyspace_name = ?';
  const ks = await rows(client, `SELECT * FROM system_schema.keyspaces ${where}`, [keyspace]);
  if (ks.length === 0) return undefined;
  const [tables, columns, types, indexes] = await Promise.all([
    rows(client, `SELECT * FROM system_schema.tables ${where}`, [keyspace]),
    rows(client, `SELECT * FROM system_schema.columns ${where}`, [keyspace]),
    rows(client, `SELECT * FROM system_schema.types ${where}`, [keyspace]),
    rows(client, `SELECT * FROM system_schema.indexes ${where}`, [keyspace]),
  ]);
  const k = ks[0]!;
  const keyspaceRow: KeyspaceRow = { keyspace_name: keyspace, durable_writes: k.durable_writes !== false, replication: toRecord(k.replication) };
  return {
    keyspace: keyspaceRow,
    tables: tables.map((t): TableRow => {
      const { keyspace_name: _k, table_name, ...options } = t;
      return { keyspace_name: keyspace, table_name: String(table_name), options };
    }),
    columns: columns.map((c) => ({
      keyspace_name: keyspace,
      table_name: String(c.table_name),
      column_name: String(c.column_name),
      kind: String(c.kind) as ColumnRow['kind'],
      position: Number(c.position),
      clustering_order: (typeof c.clustering_order === 'string' ? c.clustering_order : 'none').toLowerCase() as ColumnRow['clustering_order'],
      type: String(c.type),
    })),
    types: types.map((t): TypeRow => ({
      keyspace_name: keyspace,
      type_name: String(t.type_name),
      field_names: ((t.field_names ?? []) as unknown[]).map(String),
      field_types: ((t.field_types ?? []) as unknown[]).map(String),
    })),
    indexes: indexes.map((i): IndexRow => ({
      keyspace_name: keyspace,
      table_name: String(i.table_name),
      index_name: String(i.index_name),
      kind: String(i.kind),
      options: toRecord(i.options),
    })),
  };
}
