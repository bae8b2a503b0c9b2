import type { DeletionTime } from '../mutation/deletion-time';
import { mergeManyPartitionUpdates } from '../mutation/merge-partition-updates';
import type { PartitionUpdate } from '../mutation/partition-update';
import { emptyPartitionUpdate } from '../mutation/partition-update';
import type { Row } from '../mutation/row';
import { TableComparators } from '../mutation/table-comparators';
import { bytesEqual } from '../types/compare-bytes';
import { codecFor } from '../types/codec-for';
import { nativeType } from '../types/cql-type';
import { keyspaceSchemaRows } from './schema-rows';
import type { EncodedSchemaRow } from './schema-rows';
import { SYSTEM_SCHEMA_TABLES } from './system-schema-tables';
import { tableMutationSchema } from './table-mutation-schema';
import type { KeyspaceDefinition } from './user-types';

/** The comparators of each system_schema table (built once: the tables are constants). */
export const SYSTEM_SCHEMA_COMPARATORS: ReadonlyMap<string, TableComparators> = new Map(
  [...SYSTEM_SCHEMA_TABLES].map(([name, table]) => [name, new TableComparators(tableMutationSchema(table))]),
);

const TEXT = codecFor(nativeType('text'));

/** The partition key of a keyspace's partitions in system_schema (keyspace_name). */
export function schemaPartitionKey(keyspace: string): Uint8Array {
  return TEXT.serialize(keyspace);
}

function deletionAt(timestampUs: bigint): DeletionTime {
  // Local deletion time from the DDL timestamp rather than a clock: mutations stay a pure
  // function of their input, and equal on every node that builds them.
  const seconds = Number(timestampUs / 1_000_000n);
  return { markedForDeleteAtUs: timestampUs, localDeletionTimeSeconds: Math.min(Math.max(seconds, 0), 0xffff_ffff) };
}

function writtenRow(row: EncodedSchemaRow, timestampUs: bigint): Row {
  return {
    clustering: row.clustering,
    marker: { timestampUs },
    columns: row.cells.map(([column, value]) => ({ kind: 'simple' as const, column, cell: { kind: 'live' as const, timestampUs, value } })),
  };
}

function rowsEqual(a: EncodedSchemaRow, b: EncodedSchemaRow): boolean {
  return a.cells.length === b.cells.length && a.cells.every(([n, v], i) => b.cells[i]![0] === n && bytesEqual(v, b.cells[i]![1]));
}

function tableUpdate(table: string, key: Uint8Array, after: readonly EncodedSchemaRow[], before: readonly EncodedSchemaRow[], timestampUs: bigint): PartitionUpdate | undefined {
  const previous = new Map(before.map((r) => [r.key, r]));
  const current = new Set(after.map((r) => r.key));
  const rows: Row[] = [];
  for (const r of after) {
    const old = previous.get(r.key);
    if (old === undefined || !rowsEqual(old, r)) rows.push(writtenRow(r, timestampUs));
  }
  for (const r of before) {
    if (!current.has(r.key)) rows.push({ clustering: r.clustering, deletion: deletionAt(timestampUs), columns: [] });
  }
  if (rows.length === 0) return undefined;
  const update = { ...emptyPartitionUpdate(SYSTEM_SCHEMA_TABLES.get(table)!.id, key), rows };
  return mergeManyPartitionUpdates([update], SYSTEM_SCHEMA_COMPARATORS.get(table)!);
}

/**
 * The system_schema writes of one DDL on keyspace `after.keyspace`, at the DDL's timestamp:
 * one PartitionUpdate per system_schema table that changes, each the keyspace's partition
 * (partition key keyspace_name). Without `before` (CREATE KEYSPACE) every row is written;
 * with it (any ALTER, CREATE/DROP TABLE or TYPE) only rows that changed are written —
 * whole, with a row marker — and rows that disappeared (a dropped table's row and its
 * columns' rows, a dropped column's row, a dropped type) are deleted by row deletions.
 * Values are encoded with `codecFor` of the system_schema column types.
 */
export function schemaMutations(after: KeyspaceDefinition, timestampUs: bigint, before?: KeyspaceDefinition): PartitionUpdate[] {
  const key = schemaPartitionKey(after.keyspace.name);
  const afterRows = keyspaceSchemaRows(after);
  const beforeRows = before === undefined ? new Map<string, readonly EncodedSchemaRow[]>() : keyspaceSchemaRows(before);
  const out: PartitionUpdate[] = [];
  for (const table of SYSTEM_SCHEMA_TABLES.keys()) {
    const update = tableUpdate(table, key, afterRows.get(table) ?? [], beforeRows.get(table) ?? [], timestampUs);
    if (update !== undefined) out.push(update);
  }
  return out;
}

/**
 * DROP KEYSPACE: a partition deletion of the keyspace's partition in every system_schema
 * table, at the DDL's timestamp (its tables, columns and types go with it).
 */
export function dropKeyspaceMutations(keyspace: string, timestampUs: bigint): PartitionUpdate[] {
  const key = schemaPartitionKey(keyspace);
  return [...SYSTEM_SCHEMA_TABLES.values()].map((t) => ({ ...emptyPartitionUpdate(t.id, key), partitionDeletion: deletionAt(timestampUs) }));
}
