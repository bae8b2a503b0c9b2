import { exponentialBuckets } from '@charybdis/core';
import type { MetricsRegistry } from '@charybdis/core';
import type { Commitlog, CommitlogStats } from './commitlog';

/** Bucket bounds of `commitlog_sync_latency_us`: 16 µs doubling up to ~8.4 s. */
export const COMMITLOG_SYNC_LATENCY_BUCKETS_US: readonly number[] = Object.freeze(exponentialBuckets(16, 2, 20));

type StatKey = keyof CommitlogStats;

const COUNTERS: ReadonlyArray<{ name: string; help: string; key: StatKey }> = [
  { name: 'commitlog_bytes_written_total', help: 'Bytes appended to the commitlog (entries with their framing)', key: 'bytesAppended' },
  { name: 'commitlog_entries_written_total', help: 'Entries (mutations) appended to the commitlog', key: 'entriesAppended' },
  { name: 'commitlog_syncs_total', help: 'fdatasyncs of commitlog segments', key: 'syncs' },
  { name: 'commitlog_group_commits_total', help: 'Batch mode: group commits (one fdatasync acknowledging several appends)', key: 'groupCommits' },
  { name: 'commitlog_segments_created_total', help: 'Commitlog segment files created (preallocated)', key: 'segmentsCreated' },
  { name: 'commitlog_segments_reused_total', help: 'Commitlog segments started on a recycled file', key: 'segmentsReused' },
  { name: 'commitlog_segments_recycled_total', help: 'Flushed commitlog segments kept for reuse', key: 'segmentsRecycled' },
  { name: 'commitlog_segments_deleted_total', help: 'Flushed commitlog segments deleted', key: 'segmentsDeleted' },
];

const GAUGES: ReadonlyArray<{ name: string; help: string; key: StatKey }> = [
  { name: 'commitlog_segments', help: 'Commitlog segments holding entries (the active one and those not yet flushed)', key: 'segmentsInUse' },
  { name: 'commitlog_recycled_segments', help: 'Recycled commitlog segment files waiting for reuse', key: 'segmentsRecycledWaiting' },
  { name: 'commitlog_pending_operations', help: 'Commitlog operations (appends, syncs) queued behind the running one', key: 'pendingOperations' },
  { name: 'commitlog_pending_sync_waiters', help: 'Batch mode: appends written and waiting for the fdatasync that acknowledges them', key: 'pendingSyncWaiters' },
  { name: 'commitlog_unsynced_bytes', help: 'Bytes appended that no completed fdatasync covers yet', key: 'unsyncedBytes' },
];

/**
 * Exposes one shard's commitlog in `registry` (unlabeled: the exporter adds `shard`):
 * callback counters and gauges read `log.stats()` at scrape time, and the
 * `commitlog_sync_latency_us` histogram is fed by the commitlog on every fdatasync. Once
 * per registry (a second commitlog on the same registry is METRIC_CONFLICT).
 */
export function registerCommitlogMetrics(registry: MetricsRegistry, log: Commitlog): void {
  for (const { name, help, key } of COUNTERS) registry.counter({ name, help, collect: () => log.stats()[key] });
  for (const { name, help, key } of GAUGES) registry.gauge({ name, help, collect: () => log.stats()[key] });
  const latency = registry.histogram({
    name: 'commitlog_sync_latency_us',
    help: 'Duration of one fdatasync of a commitlog segment, in microseconds',
    buckets: COMMITLOG_SYNC_LATENCY_BUCKETS_US,
  });
  const child = latency.labels({});
  log.observeSyncs((us) => child.observe(us));
}
