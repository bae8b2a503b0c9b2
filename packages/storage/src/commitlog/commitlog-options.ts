import type { IoBackend, ShardIo } from '@charybdis/core';

/** The few logger methods the commitlog uses (a core `Logger` fits). */
export interface CommitlogLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export type CommitlogSyncMode = 'periodic' | 'batch';

export const DEFAULT_SEGMENT_SIZE_BYTES = 32 * 1024 * 1024;
/** Cassandra's commitlog_sync_period default. */
export const DEFAULT_SYNC_PERIOD_MS = 10_000;
/** Recycled files kept for reuse; further discarded segments are deleted. */
export const DEFAULT_MAX_RECYCLED_SEGMENTS = 2;
/** I/O class of every commitlog request when opened through a ShardIo. */
export const COMMITLOG_IO_CLASS = 'commitlog';

/** Options of `Commitlog.open`. Give exactly one of `backend` and `shardIo`. */
export interface CommitlogOptions {
  /** The shard's commitlog directory; created when missing. */
  directory: string;
  /** Requests go straight to this backend ... */
  backend?: IoBackend;
  /** ... or through this shard's I/O queue in the 'commitlog' class. */
  shardIo?: ShardIo;
  /** Size of every segment file, a multiple of 4096, at least 8192 (default 32 MiB). */
  segmentSizeBytes?: number;
  /** 'periodic' (default): append resolves once buffered, fdatasync every syncPeriodMs. 'batch': append resolves once durable. */
  syncMode?: CommitlogSyncMode;
  /** Period of the periodic mode's sync (default 10 000 ms). */
  syncPeriodMs?: number;
  /** Recycled segment files kept for reuse (default 2); 0 deletes discarded segments. */
  maxRecycledSegments?: number;
  /** Open segment files with O_DIRECT (default true; buffered where the filesystem refuses it). */
  direct?: boolean;
  logger: CommitlogLogger;
}
