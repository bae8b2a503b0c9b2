import { SUPPORTED_PROTOCOL_VERSIONS } from '../protocol/protocol-version';
import { SUPPORTED_COMPRESSION } from '../protocol/startup-options';
import type { ShardIdentity } from './shard-identity';

/** The CQL language version we report; drivers echo it back in STARTUP (any 3.x is accepted). */
export const SUPPORTED_CQL_VERSION = '3.4.5';
/** ScyllaDB's sharding facts, read by shard-aware drivers to route requests to the owning shard. */
const SCYLLA_PARTITIONER = 'org.apache.cassandra.dht.Murmur3Partitioner';
const SCYLLA_SHARDING_ALGORITHM = 'biased-token-round-robin';
const SCYLLA_SHARDING_IGNORE_MSB = '12';

/**
 * The options map of a SUPPORTED response for a connection accepted by `identity`'s
 * shard. Built once per shard (it never changes) and shared by its connections.
 * COMPRESSION lists lz4: the Python driver picks it when it has the lz4 module, and the
 * Node driver ignores the list (it compresses only when configured to).
 */
export function supportedOptions(identity: ShardIdentity): ReadonlyMap<string, readonly string[]> {
  const options = new Map<string, readonly string[]>([
    ['CQL_VERSION', [SUPPORTED_CQL_VERSION]],
    ['COMPRESSION', [...SUPPORTED_COMPRESSION]],
    ['PROTOCOL_VERSIONS', SUPPORTED_PROTOCOL_VERSIONS.map((v) => `${v}/v${v}`)],
    ['SCYLLA_SHARD', [String(identity.shardId)]],
    ['SCYLLA_NR_SHARDS', [String(identity.shardCount)]],
    ['SCYLLA_PARTITIONER', [SCYLLA_PARTITIONER]],
    ['SCYLLA_SHARDING_ALGORITHM', [SCYLLA_SHARDING_ALGORITHM]],
    ['SCYLLA_SHARDING_IGNORE_MSB', [SCYLLA_SHARDING_IGNORE_MSB]],
  ]);
  if (identity.shardAwarePort !== null) options.set('SCYLLA_SHARD_AWARE_PORT', [String(identity.shardAwarePort)]);
  return options;
}
