import { defineSystemTable } from './define-system-table';
import type { SystemTableLayout } from './define-system-table';
import { SYSTEM_KEYSPACE_NAME } from './schema-names';
import type { TableMetadata } from './table-metadata';

/** Cassandra 4.0's `system` tables the drivers and tools read (SystemKeyspace). */
const LAYOUTS: readonly (readonly [string, string, SystemTableLayout])[] = [
  [
    'local',
    'information about the local node',
    {
      partitionKey: [['key', 'text']],
      columns: [
        ['bootstrapped', 'text'],
        ['broadcast_address', 'inet'],
        ['broadcast_port', 'int'],
        ['cluster_name', 'text'],
        ['cql_version', 'text'],
        ['data_center', 'text'],
        ['gossip_generation', 'int'],
        ['host_id', 'uuid'],
        ['listen_address', 'inet'],
        ['listen_port', 'int'],
        ['native_protocol_version', 'text'],
        ['partitioner', 'text'],
        ['rack', 'text'],
        ['release_version', 'text'],
        ['rpc_address', 'inet'],
        ['rpc_port', 'int'],
        ['schema_version', 'uuid'],
        ['tokens', 'set<text>'],
        ['truncated_at', 'map<uuid, blob>'],
      ],
    },
  ],
  [
    'peers',
    'information about known peers in the cluster',
    {
      partitionKey: [['peer', 'inet']],
      columns: [
        ['data_center', 'text'],
        ['host_id', 'uuid'],
        ['preferred_ip', 'inet'],
        ['rack', 'text'],
        ['release_version', 'text'],
        ['rpc_address', 'inet'],
        ['schema_version', 'uuid'],
        ['tokens', 'set<text>'],
      ],
    },
  ],
  [
    'peers_v2',
    'information about known peers in the cluster',
    {
      partitionKey: [['peer', 'inet']],
      clustering: [['peer_port', 'int']],
      columns: [
        ['data_center', 'text'],
        ['host_id', 'uuid'],
        ['preferred_ip', 'inet'],
        ['preferred_port', 'int'],
        ['rack', 'text'],
        ['release_version', 'text'],
        ['native_address', 'inet'],
        ['native_port', 'int'],
        ['schema_version', 'uuid'],
        ['tokens', 'set<text>'],
      ],
    },
  ],
  [
    'size_estimates',
    'per-table primary range size estimates, table is deprecated in favor of table_estimates',
    {
      partitionKey: [['keyspace_name', 'text']],
      clustering: [['table_name', 'text'], ['range_start', 'text'], ['range_end', 'text']],
      columns: [['mean_partition_size', 'bigint'], ['partitions_count', 'bigint']],
    },
  ],
  [
    'table_estimates',
    'per-table range size estimates',
    {
      partitionKey: [['keyspace_name', 'text']],
      clustering: [['table_name', 'text'], ['range_type', 'text'], ['range_start', 'text'], ['range_end', 'text']],
      columns: [['mean_partition_size', 'bigint'], ['partitions_count', 'bigint']],
    },
  ],
];

/**
 * The `system` keyspace's tables, as Cassandra 4.0 defines them, by name. The CQL layer
 * fills system.local (and, with cluster work, the peers tables) and size_estimates;
 * table_estimates stays empty. gc_grace_seconds is 0 as in Cassandra.
 */
export const SYSTEM_TABLES: ReadonlyMap<string, TableMetadata> = new Map(
  LAYOUTS.map(([name, comment, layout]) => [name, defineSystemTable(SYSTEM_KEYSPACE_NAME, name, comment, layout, 0)]),
);
