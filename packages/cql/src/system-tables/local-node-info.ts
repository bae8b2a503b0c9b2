/**
 * What system.local says about this node, given by the server (config and the node's
 * identity). Plain data.
 */
export interface LocalNodeInfo {
  readonly clusterName: string;
  readonly dataCenter: string;
  readonly rack: string;
  /** Stable per node (a UUID string kept by the server across restarts). */
  readonly hostId: string;
  /** The node's ring tokens as signed decimal strings (a single node owns the whole ring with any of them). */
  readonly tokens: readonly string[];
  /** Addresses as IPv4/IPv6 strings. */
  readonly rpcAddress: string;
  readonly listenAddress: string;
  readonly broadcastAddress: string;
  /** The native (CQL) port. */
  readonly rpcPort: number;
  /** The node-to-node port. */
  readonly listenPort: number;
  /** Seconds since the epoch when the node started (gossip's generation). */
  readonly gossipGeneration: number;
  /** Defaults to {@link DEFAULT_RELEASE_VERSION}. */
  readonly releaseVersion?: string;
}

/**
 * The Cassandra release we report. Both drivers pick their schema parser by its major
 * version (3.x and 4.x read system_schema; < 3 the legacy tables) and cassandra-driver
 * caps its protocol at v4 for 4.0; the system tables we serve are Cassandra 4.0's.
 */
export const DEFAULT_RELEASE_VERSION = '4.0.11';
/** The CQL language version (Cassandra 4.0's). */
export const CQL_VERSION = '3.4.5';
/** The newest native protocol version we speak. */
export const NATIVE_PROTOCOL_VERSION = '5';
/** Cassandra's partitioner class name; the drivers match it by suffix. */
export const MURMUR3_PARTITIONER = 'org.apache.cassandra.dht.Murmur3Partitioner';
