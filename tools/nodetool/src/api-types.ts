/**
 * The JSON shapes nodetool reads from the admin API (packages/server/docs/admin-api.md).
 * nodetool speaks only HTTP to the node, so these are declared here, not imported.
 */

/** ScyllaDB's key/value pair. */
export interface Mapper<V> {
  key: string;
  value: V;
}

export interface TokenRangeJson {
  start_token: string;
  end_token: string;
  endpoints: string[];
  rpc_endpoints: string[];
  endpoint_details: { host: string; datacenter: string; rack: string }[];
}

export interface SnapshotJson {
  ks: string;
  cf: string;
  live: number;
  total: number;
  /** Seconds since the epoch; expires_at null without a TTL. */
  created_at: number;
  expires_at: number | null;
}

export interface HistogramJson {
  bounds: number[];
  buckets: number[];
  count: number;
  sum: number;
}

export interface TableStatsJson {
  keyspace: string;
  table: string;
  id: string;
  sstable_count: number;
  space_used_live_bytes: number;
  space_used_total_bytes: number;
  space_used_by_snapshots_bytes: number;
  compression_ratio: number;
  estimated_partitions: number;
  memtable_data_bytes: number;
  memtable_partitions: number;
  memtable_switch_count: number;
  pending_flushes: number;
  pending_compactions: number;
  mean_partition_bytes: number;
  read_count: number;
  write_count: number;
  range_scan_count: number | null;
  read_latency_us: HistogramJson | null;
  write_latency_us: HistogramJson | null;
  sstables_per_read: HistogramJson | null;
  auto_compaction: boolean;
  failed: string | null;
}

export interface CompactionJson {
  id: string;
  ks: string;
  cf: string;
  task_type: string;
  unit: string;
  completed: number;
  total: number;
  major: boolean;
}
