import { parseCqlType } from '../types/cql-type-parser';
import { createTableMetadata } from './create-table-metadata';
import { systemTableId } from './schema-uuids';
import type { TableMetadata } from './table-metadata';

/** A system table's layout: `[name, CQL type]` pairs. */
export interface SystemTableLayout {
  readonly partitionKey: readonly (readonly [string, string])[];
  readonly clustering?: readonly (readonly [string, string])[];
  readonly columns: readonly (readonly [string, string])[];
}

/**
 * Builds a hard-coded system table the way Cassandra does (SchemaKeyspace/SystemKeyspace
 * `parse`): name-based id, the given comment, and the system options (gc_grace_seconds
 * and a one-hour memtable flush period).
 */
export function defineSystemTable(keyspace: string, name: string, comment: string, layout: SystemTableLayout, gcGraceSeconds: number): TableMetadata {
  const all = [...layout.partitionKey, ...(layout.clustering ?? []), ...layout.columns];
  return createTableMetadata({
    keyspace,
    name,
    id: systemTableId(keyspace, name),
    columns: all.map(([n, t]) => ({ name: n, type: parseCqlType(t) })),
    partitionKey: layout.partitionKey.map(([n]) => n),
    clustering: (layout.clustering ?? []).map(([n]) => ({ name: n, order: 'ASC' as const })),
    options: { comment, gc_grace_seconds: gcGraceSeconds, memtable_flush_period_in_ms: 3600000 },
  });
}
