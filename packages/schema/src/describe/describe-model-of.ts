import type { KeyspaceDefinition } from '../catalog/user-types';
import { cqlTypeToString } from '../types';
import type { KeyspaceSchema } from './schema-model';

/**
 * The DESCRIBE model of one keyspace from the in-memory schema: the same rows its
 * system_schema tables hold (types as CQL text, options under their column names), so the
 * server's DESCRIBE and cqlsh's (which reads those tables) print the same CQL.
 */
export function describeModelOf(def: KeyspaceDefinition): KeyspaceSchema {
  const ks = def.keyspace;
  return {
    keyspace: { keyspace_name: ks.name, durable_writes: ks.durableWrites, replication: { ...ks.replication } },
    tables: def.tables.map((t) => ({
      keyspace_name: ks.name,
      table_name: t.name,
      options: {
        ...t.options,
        extensions: Object.fromEntries(Object.entries(t.options.extensions).map(([k, v]) => [k, Buffer.from(v)])),
      },
    })),
    columns: def.tables.flatMap((t) =>
      [...t.partitionKey, ...t.clustering, ...t.columns].map((c) => ({
        keyspace_name: ks.name,
        table_name: t.name,
        column_name: c.name,
        kind: c.kind,
        position: c.position,
        clustering_order: c.order.toLowerCase() as 'asc' | 'desc' | 'none',
        type: cqlTypeToString(c.type),
      })),
    ),
    types: ks.userTypes.map((u) => ({ keyspace_name: ks.name, type_name: u.name, field_names: u.fields.map((f) => f.name), field_types: u.fields.map((f) => cqlTypeToString(f.type)) })),
    indexes: def.tables.flatMap((t) => (t.indexes ?? []).map((i) => ({ keyspace_name: ks.name, table_name: t.name, index_name: i.name, kind: i.kind, options: { ...i.options } }))),
  };
}
