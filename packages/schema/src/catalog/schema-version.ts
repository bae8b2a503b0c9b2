import { nameUuidFromBytes } from './schema-uuids';
import { keyspaceSchemaRows } from './schema-rows';
import { SYSTEM_SCHEMA_TABLES } from './system-schema-tables';
import type { KeyspaceDefinition } from './user-types';

function lengthPrefixed(parts: Uint8Array[], bytes: Uint8Array): void {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length);
  parts.push(len, bytes);
}

/**
 * The schema version: a name-based UUID (v3) of the MD5 over a canonical encoding of the
 * user keyspaces — for each keyspace by name, each system_schema table in a fixed order,
 * each row in clustering order: the clustering values and the cells (by column name), all
 * length-prefixed. It is exactly the content the schema tables persist, so equal schemas
 * have equal versions on every node and across restarts, and any DDL changes it. System
 * keyspaces are left out (as in Cassandra): they are hard-coded per release.
 */
export function computeSchemaVersion(userKeyspaces: readonly KeyspaceDefinition[]): string {
  const parts: Uint8Array[] = [];
  const sorted = [...userKeyspaces].sort((a, b) => (a.keyspace.name < b.keyspace.name ? -1 : a.keyspace.name > b.keyspace.name ? 1 : 0));
  for (const def of sorted) {
    lengthPrefixed(parts, Buffer.from(def.keyspace.name, 'utf8'));
    const rows = keyspaceSchemaRows(def);
    for (const table of SYSTEM_SCHEMA_TABLES.keys()) {
      const tableRows = rows.get(table) ?? [];
      lengthPrefixed(parts, Buffer.from(`${table}/${tableRows.length}`, 'utf8'));
      for (const row of tableRows) {
        for (const c of row.clustering) lengthPrefixed(parts, c);
        lengthPrefixed(parts, Buffer.from(String(row.cells.length)));
        for (const [name, value] of row.cells) {
          lengthPrefixed(parts, Buffer.from(name, 'utf8'));
          lengthPrefixed(parts, value);
        }
      }
    }
  }
  return nameUuidFromBytes(Buffer.concat(parts));
}
