/**
 * What the REST admin API (supervisor thread) asks of every shard, over the control
 * MessagePort, and what each shard answers. Plain data, discriminated by `op`. Table
 * selections are ids resolved by the supervisor from shard 0's schema (`null`: every table
 * of the shard, system ones included, as `nodetool flush` with no keyspace).
 */
export type AdminRequest =
  | { op: 'schema' }
  | { op: 'table-stats'; tableIds: string[] | null }
  | { op: 'flush'; tableIds: string[] | null }
  | { op: 'compact'; tableIds: string[] | null; flushFirst: boolean }
  | { op: 'snapshot'; tag: string; tableIds: string[] | null; skipFlush: boolean; ttlSeconds: number | null }
  | { op: 'clear-expired-snapshots' }
  | { op: 'list-snapshots' }
  | { op: 'clear-snapshot'; tag: string | null; tableIds: string[] | null }
  | { op: 'compactions' }
  | { op: 'auto-compaction'; tableIds: string[]; enabled: boolean }
  | { op: 'memory' }
  | { op: 'drain' }
  /** nodetool disablebinary / enablebinary: close or reopen this shard's CQL listeners (no flush). */
  | { op: 'stop-clients' }
  | { op: 'start-clients' };

/** One shard's answer: a result (its shape depends on the op) or an error with a stable code. */
export type AdminReply = { ok: true; result: unknown } | { ok: false; code: string; message: string };

/** A table as the admin API names it. */
export interface AdminTableRef {
  id: string;
  name: string;
  /** True when the shard holds data for it (a replica table); false for virtual system tables. */
  stored: boolean;
}

/** The schema as shard 0 sees it (answer to `schema`). */
export interface AdminSchema {
  version: string;
  keyspaces: { name: string; system: boolean; replication: Record<string, string>; tables: AdminTableRef[] }[];
}

/** One table on one shard (answer to `table-stats`, one per table). */
export interface ShardTableStats {
  tableId: string;
  keyspace: string;
  table: string;
  sstableCount: number;
  /** Bytes of all components of the live SSTables. */
  liveBytes: number;
  /** Σ Data bytes (compressed) and Σ uncompressed partition bytes of the live SSTables. */
  dataBytes: number;
  uncompressedBytes: number;
  /** Σ partitions of the live SSTables (a partition in several SSTables counts in each). */
  sstablePartitions: number;
  memtableBytes: number;
  memtablePartitions: number;
  pendingFlushes: number;
  pendingCompactions: number;
  snapshotBytes: number;
  reads: number;
  writes: number;
  flushes: number;
  autoCompaction: boolean;
  failed: string | null;
}

/** One snapshot of one table on one shard (answer to `list-snapshots`). */
export interface ShardSnapshot {
  tag: string;
  keyspace: string;
  table: string;
  sizeBytes: number;
  trueSizeBytes: number;
  createdAtMs: number;
  expiresAtMs: number | null;
}

/** A compaction running on a shard (answer to `compactions`). */
export interface ShardCompaction {
  id: number;
  keyspace: string;
  table: string;
  reason: string;
  partitionsIn: number;
  partitionsInTotal: number;
  bytesWritten: number;
}

/** One shard's memory (answer to `memory`): its V8 heap and the LSA memory its memtables live in. */
export interface ShardMemory {
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** LSA segments allocated from the system (outside the V8 heap). */
  offHeapBytes: number;
}
