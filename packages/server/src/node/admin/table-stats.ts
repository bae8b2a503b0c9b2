import type { HistogramFamilySnapshot, MetricFamilySnapshot, ShardMetricsSnapshot } from '@charybdis/core';
import type { ShardTableStats } from './admin-requests';

/**
 * Metric families of per-table statistics, labelled {ks, table} (registered by
 * packages/replica). Each is optional: a family absent from the snapshot is reported as
 * null, so the admin API works with or without them.
 */
export const TableMetricNames = {
  READS: 'table_reads_total',
  WRITES: 'table_writes_total',
  RANGE_SCANS: 'table_range_scans_total',
  READ_LATENCY_US: 'table_read_latency_us',
  WRITE_LATENCY_US: 'table_write_latency_us',
  SSTABLES_PER_READ: 'table_sstables_per_read',
} as const;

/** A histogram summed over shards: cumulative `buckets[i]` of observations <= `bounds[i]`, plus count and sum. */
export interface MergedHistogram {
  bounds: number[];
  buckets: number[];
  count: number;
  sum: number;
}

/** One table's statistics over the whole node (GET /charybdis/table_stats). */
export interface NodeTableStats {
  keyspace: string;
  table: string;
  id: string;
  sstable_count: number;
  space_used_live_bytes: number;
  space_used_total_bytes: number;
  space_used_by_snapshots_bytes: number;
  /** Uncompressed ÷ compressed Data bytes of the live SSTables; -1 without SSTables (Cassandra prints -1.0). */
  compression_ratio: number;
  /** Σ SSTable partitions + memtable partitions: an overestimate when partitions span several. */
  estimated_partitions: number;
  memtable_data_bytes: number;
  memtable_partitions: number;
  memtable_switch_count: number;
  pending_flushes: number;
  pending_compactions: number;
  /** Mean uncompressed partition size over the live SSTables; 0 without SSTables. */
  mean_partition_bytes: number;
  read_count: number;
  write_count: number;
  range_scan_count: number | null;
  read_latency_us: MergedHistogram | null;
  write_latency_us: MergedHistogram | null;
  sstables_per_read: MergedHistogram | null;
  auto_compaction: boolean;
  failed: string | null;
}

/** Folds every shard's stats of each table and the metric families into one record per table, sorted by name. */
export function mergeTableStats(perShard: readonly ShardTableStats[][], metrics: readonly ShardMetricsSnapshot[]): NodeTableStats[] {
  const families = new Map<string, MetricFamilySnapshot[]>();
  for (const m of metrics) for (const f of m.snapshot.families) families.set(f.name, [...(families.get(f.name) ?? []), f]);
  const byId = new Map<string, ShardTableStats[]>();
  for (const s of perShard.flat()) byId.set(s.tableId, [...(byId.get(s.tableId) ?? []), s]);
  const out: NodeTableStats[] = [];
  for (const [id, shards] of byId) {
    const sum = (f: (s: ShardTableStats) => number): number => shards.reduce((n, s) => n + f(s), 0);
    const { keyspace, table } = shards[0]!;
    const data = sum((s) => s.dataBytes);
    const sstablePartitions = sum((s) => s.sstablePartitions);
    const counter = (name: string): number | null => scalarSum(families.get(name), keyspace, table);
    out.push({
      keyspace,
      table,
      id,
      sstable_count: sum((s) => s.sstableCount),
      space_used_live_bytes: sum((s) => s.liveBytes),
      space_used_total_bytes: sum((s) => s.liveBytes),
      space_used_by_snapshots_bytes: sum((s) => s.snapshotBytes),
      compression_ratio: data > 0 ? data / sum((s) => s.uncompressedBytes) : -1,
      estimated_partitions: sstablePartitions + sum((s) => s.memtablePartitions),
      memtable_data_bytes: sum((s) => s.memtableBytes),
      memtable_partitions: sum((s) => s.memtablePartitions),
      memtable_switch_count: sum((s) => s.flushes),
      pending_flushes: sum((s) => s.pendingFlushes),
      pending_compactions: sum((s) => s.pendingCompactions),
      mean_partition_bytes: sstablePartitions > 0 ? Math.round(sum((s) => s.uncompressedBytes) / sstablePartitions) : 0,
      read_count: counter(TableMetricNames.READS) ?? sum((s) => s.reads),
      write_count: counter(TableMetricNames.WRITES) ?? sum((s) => s.writes),
      range_scan_count: counter(TableMetricNames.RANGE_SCANS),
      read_latency_us: histogramSum(families.get(TableMetricNames.READ_LATENCY_US), keyspace, table),
      write_latency_us: histogramSum(families.get(TableMetricNames.WRITE_LATENCY_US), keyspace, table),
      sstables_per_read: histogramSum(families.get(TableMetricNames.SSTABLES_PER_READ), keyspace, table),
      auto_compaction: shards.every((s) => s.autoCompaction),
      failed: shards.find((s) => s.failed !== null)?.failed ?? null,
    });
  }
  return out.sort((a, b) => (a.keyspace === b.keyspace ? cmp(a.table, b.table) : cmp(a.keyspace, b.keyspace)));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Label positions of ks and table in a family; null when it does not have both. */
function tableLabels(f: MetricFamilySnapshot): { ks: number; table: number } | null {
  const ks = f.labelNames.indexOf('ks');
  const table = f.labelNames.indexOf('table');
  return ks < 0 || table < 0 ? null : { ks, table };
}

function scalarSum(families: MetricFamilySnapshot[] | undefined, keyspace: string, table: string): number | null {
  if (families === undefined) return null;
  let total = 0;
  for (const f of families) {
    const at = tableLabels(f);
    if (at === null || f.type === 'histogram') continue;
    for (const s of f.samples) if (s.labelValues[at.ks] === keyspace && s.labelValues[at.table] === table) total += s.value;
  }
  return total;
}

function histogramSum(families: MetricFamilySnapshot[] | undefined, keyspace: string, table: string): MergedHistogram | null {
  const hist = (families ?? []).filter((f): f is HistogramFamilySnapshot => f.type === 'histogram');
  if (hist.length === 0) return null;
  const bounds = hist[0]!.bounds;
  const merged: MergedHistogram = { bounds: [...bounds], buckets: bounds.map(() => 0), count: 0, sum: 0 };
  for (const f of hist) {
    const at = tableLabels(f);
    // Every shard registers the family with the same bounds; a family that differs is skipped rather than mis-added.
    if (at === null || f.bounds.length !== bounds.length || f.bounds.some((b, i) => b !== bounds[i])) continue;
    for (const s of f.samples) {
      if (s.labelValues[at.ks] !== keyspace || s.labelValues[at.table] !== table) continue;
      s.buckets.forEach((b, i) => (merged.buckets[i]! += b));
      merged.count += s.count;
      merged.sum += s.sum;
    }
  }
  return merged;
}
