import { CounterChild, HistogramChild, exponentialBuckets } from '@charybdis/core';
import type { Counter, Gauge, Histogram, MetricsRegistry } from '@charybdis/core';

/** Bucket bounds of the per-table latency histograms: 8 µs doubling up to ~8.4 s (21 bounds, then +Inf). */
export const TABLE_LATENCY_BUCKETS_US: readonly number[] = Object.freeze(exponentialBuckets(8, 2, 21));
/** Bucket bounds of `table_sstables_per_read` (ScyllaDB's estimated-histogram steps at the low end). */
export const SSTABLES_PER_READ_BUCKETS: readonly number[] = Object.freeze([0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 20, 24, 32, 48, 64]);
/** Bucket bounds of `memtable_flush_duration_ms`: 1 ms doubling up to ~65 s. */
export const FLUSH_DURATION_BUCKETS_MS: readonly number[] = Object.freeze(exponentialBuckets(1, 2, 17));

/** Labels of every per-table series: keyspace and bare table name. */
const LABEL_NAMES = ['ks', 'table'] as const;
type TableLabel = (typeof LABEL_NAMES)[number];

/** What the per-table gauges read at scrape time (the table owns these quantities). */
export interface TableMetricsSource {
  liveSSTables(): number;
  liveDiskBytes(): number;
  /** Live plus removed-but-not-yet-deleted SSTables. */
  totalDiskBytes(): number;
  memtableBytes(): number;
  memtablePartitions(): number;
  estimatedPartitions(): number;
  pendingFlushes(): number;
}

const GAUGES: ReadonlyArray<{ name: string; help: string; read: (s: TableMetricsSource) => number }> = [
  { name: 'table_live_sstables', help: 'Live SSTables of the table', read: (s) => s.liveSSTables() },
  { name: 'table_live_disk_bytes', help: 'Bytes on disk of the live SSTables (every component)', read: (s) => s.liveDiskBytes() },
  {
    name: 'table_total_disk_bytes',
    help: 'Bytes on disk of the SSTables, including compacted ones not deleted yet (still read by a query)',
    read: (s) => s.totalDiskBytes(),
  },
  { name: 'table_memtable_bytes', help: 'LSA bytes held by the memtables (active and flushing)', read: (s) => s.memtableBytes() },
  { name: 'table_memtable_partitions', help: 'Partitions in the memtables (active and flushing)', read: (s) => s.memtablePartitions() },
  {
    name: 'table_estimated_partitions',
    help: 'Estimated partitions: the sum over memtables and SSTables (a partition in several counts more than once)',
    read: (s) => s.estimatedPartitions(),
  },
  { name: 'table_pending_flushes', help: 'Memtables waiting for or in their flush', read: (s) => s.pendingFlushes() },
];

/**
 * The metrics of one table on one shard, labeled {ks, table}. The hot-path children
 * (counters, histograms) are resolved once here, so a read or a write costs an increment
 * and one histogram observation, with no label lookup and no allocation. The gauges are
 * callbacks evaluated at scrape. Without a registry (tools, some tests) the children are
 * detached: the table updates them the same way and nothing is exported.
 *
 * The table also reports its flushes here, into the shard-wide (unlabeled) memtable
 * families. `unregister()` removes the table's series when it is dropped.
 */
export class TableMetrics {
  /** Single-partition reads. */
  readonly reads: CounterChild;
  readonly rangeScans: CounterChild;
  /** Mutations applied (through the commitlog; replay does not count). */
  readonly writes: CounterChild;
  readonly readLatencyUs: HistogramChild;
  readonly writeLatencyUs: HistogramChild;
  readonly sstablesPerRead: HistogramChild;
  readonly memtableSwitches: CounterChild;
  readonly #flushes: CounterChild;
  readonly #flushFailures: CounterChild;
  readonly #flushBytes: CounterChild;
  readonly #flushDurationMs: HistogramChild;
  readonly #labeled: ReadonlyArray<Counter<TableLabel> | Gauge<TableLabel> | Histogram<TableLabel>>;
  readonly #labels: { readonly ks: string; readonly table: string };

  /** Registers the table's series in `registry` (or, without one, keeps detached children). */
  constructor(registry: MetricsRegistry | undefined, ks: string, table: string, source: TableMetricsSource) {
    this.#labels = { ks, table };
    if (registry === undefined) {
      this.reads = new CounterChild();
      this.rangeScans = new CounterChild();
      this.writes = new CounterChild();
      this.memtableSwitches = new CounterChild();
      this.readLatencyUs = new HistogramChild(Float64Array.from(TABLE_LATENCY_BUCKETS_US));
      this.writeLatencyUs = new HistogramChild(Float64Array.from(TABLE_LATENCY_BUCKETS_US));
      this.sstablesPerRead = new HistogramChild(Float64Array.from(SSTABLES_PER_READ_BUCKETS));
      this.#flushes = new CounterChild();
      this.#flushFailures = new CounterChild();
      this.#flushBytes = new CounterChild();
      this.#flushDurationMs = new HistogramChild(Float64Array.from(FLUSH_DURATION_BUCKETS_MS));
      this.#labeled = [];
      return;
    }
    const labeled: Array<Counter<TableLabel> | Gauge<TableLabel> | Histogram<TableLabel>> = [];
    const counter = (name: string, help: string): CounterChild => {
      const family = registry.counter({ name, help, labelNames: LABEL_NAMES });
      labeled.push(family);
      return family.labels(this.#labels);
    };
    const histogram = (name: string, help: string, buckets: readonly number[]): HistogramChild => {
      const family = registry.histogram({ name, help, labelNames: LABEL_NAMES, buckets });
      labeled.push(family);
      return family.labels(this.#labels);
    };
    this.reads = counter('table_reads_total', 'Single-partition reads of the table on this shard');
    this.rangeScans = counter('table_range_scans_total', 'Token-range reads (scans, one per page) of the table on this shard');
    this.writes = counter('table_writes_total', 'Mutations applied to the table on this shard');
    this.memtableSwitches = counter('table_memtable_switches_total', 'Times the active memtable was replaced by a new one (flush, ALTER, TRUNCATE)');
    this.readLatencyUs = histogram('table_read_latency_us', 'Local single-partition read time on the replica shard, in microseconds', TABLE_LATENCY_BUCKETS_US);
    this.writeLatencyUs = histogram('table_write_latency_us', 'Local write time on the replica shard (commitlog and memtable), in microseconds', TABLE_LATENCY_BUCKETS_US);
    this.sstablesPerRead = histogram('table_sstables_per_read', 'SSTables actually read per single-partition read', SSTABLES_PER_READ_BUCKETS);
    for (const { name, help, read } of GAUGES) {
      const family = registry.gauge({ name, help, labelNames: LABEL_NAMES });
      family.labels(this.#labels).setCallback(() => read(source));
      labeled.push(family);
    }
    this.#labeled = labeled;
    this.#flushes = registry.counter({ name: 'memtable_flushes_total', help: 'Memtable flushes completed on this shard' }).labels({});
    this.#flushFailures = registry.counter({ name: 'memtable_flush_failures_total', help: 'Memtable flushes that failed (retried later)' }).labels({});
    this.#flushBytes = registry.counter({ name: 'memtable_flush_bytes_total', help: 'Data bytes of the SSTables written by memtable flushes' }).labels({});
    this.#flushDurationMs = registry
      .histogram({ name: 'memtable_flush_duration_ms', help: 'Time to flush one memtable to an SSTable, in milliseconds', buckets: FLUSH_DURATION_BUCKETS_MS })
      .labels({});
  }

  /** A flush finished: `dataBytes` written in `durationMs`. */
  flushDone(dataBytes: number, durationMs: number): void {
    this.#flushes.inc();
    if (dataBytes > 0) this.#flushBytes.inc(dataBytes);
    this.#flushDurationMs.observe(Math.max(0, durationMs));
  }

  /** A flush failed (it is retried). */
  flushFailed(): void {
    this.#flushFailures.inc();
  }

  /** Removes the table's series from the registry (DROP TABLE). Idempotent. */
  unregister(): void {
    for (const family of this.#labeled) family.remove(this.#labels);
  }
}

/**
 * Microseconds since `startMs` (a `performance.now()` reading). One place for the clock the
 * latency histograms use, so every latency is measured the same way.
 */
export function elapsedUs(startMs: number): number {
  return (performance.now() - startMs) * 1000;
}
