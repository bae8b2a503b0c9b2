import type { IoBackend, MetricsRegistry, SegmentPool, ShardIo } from '@charybdis/core';

/** The logger methods the replica uses (a core `Logger` fits). */
export interface ReplicaLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A scheduling group as the replica uses it (core's SchedulingGroup fits). */
export interface WorkGroup {
  run<T>(fn: () => T | PromiseLike<T>): Promise<Awaited<T>>;
  yield(): Promise<void>;
}

/** Runs work directly, for callers without a CPU scheduler (tools, some tests). */
export const DIRECT_WORK_GROUP: WorkGroup = {
  run: async <T>(fn: () => T | PromiseLike<T>): Promise<Awaited<T>> => await fn(),
  yield: () => Promise.resolve(),
};

/** What every table of a shard shares: where files go, how I/O and background work run. */
export interface ShardStorage {
  readonly shardId: number;
  /** The first of data_file_directories (tables live under <dataDirectory>/<keyspace>/). */
  readonly dataDirectory: string;
  /** Disk access: the shard's I/O queue (classes memtable_flush, compaction, query) or a bare backend. */
  readonly shardIo?: ShardIo;
  readonly backend?: IoBackend;
  /** The shard's LSA; every memtable is a region of it. */
  readonly pool: SegmentPool;
  readonly logger: ReplicaLogger;
  /** Where flushes run (the `memtable` group). */
  readonly memtableGroup: WorkGroup;
  /** Where compactions run (the `compaction` group). */
  readonly compactionGroup: WorkGroup;
  /** Where per-table metrics go (compaction throughput, backlog, pending tasks); none when absent. */
  readonly metrics?: MetricsRegistry;
  /** Wall clock in ms (injectable for tests of gc_grace and TTL). */
  readonly nowMs: () => number;
}

/** The I/O classes the replica uses. */
export const IoClasses = {
  FLUSH: 'memtable_flush',
  COMPACTION: 'compaction',
  QUERY: 'query',
} as const;
