import { CharybdisError, ErrorCodes, hasErrorCode } from '@charybdis/core';
import type { Counter, CounterChild, Gauge, MetricsRegistry } from '@charybdis/core';
import { CompactionErrorCodes } from './compaction-error-codes';

/** Plain-data view of a table's compaction metrics. */
export interface CompactionMetricsSnapshot {
  readonly bytesRead: number;
  readonly bytesWritten: number;
  readonly partitionsIn: number;
  readonly partitionsOut: number;
  readonly tombstonesPurged: number;
  readonly tasksCompleted: number;
  /** Failed tasks, aborted ones included. */
  readonly tasksFailed: number;
  readonly tasksAborted: number;
  readonly tasksRunning: number;
  readonly pendingTasks: number;
  readonly backlogBytes: number;
  /** Bytes read per second of compaction time, over every completed task; 0 before the first. */
  readonly throughputBytesPerSecond: number;
}

/** The figures of a finished task the metrics consume (a `CompactionResult` fits). */
export interface CompactionTaskFigures {
  readonly bytesRead: number;
  readonly bytesWritten: number;
  readonly partitionsIn: number;
  readonly partitionsOut: number;
  readonly tombstonesPurged: number;
  readonly durationMs: number;
}

/** Where the gauges read the state they do not own (usually the table's strategy over its live SSTables). */
export interface CompactionMetricsSources {
  readonly pendingTasks?: () => number;
  readonly backlogBytes?: () => number;
}

/** Labels of every compaction series: keyspace and bare table name. */
const LABEL_NAMES = ['ks', 'table'] as const;

type CounterName = 'bytesRead' | 'bytesWritten' | 'partitionsIn' | 'partitionsOut' | 'tombstonesPurged' | 'tasksCompleted' | 'tasksFailed' | 'tasksAborted';

const COUNTERS: readonly { key: CounterName; name: string; help: string }[] = [
  { key: 'bytesRead', name: 'compaction_bytes_read_total', help: 'Data bytes of SSTables compacted (read)' },
  { key: 'bytesWritten', name: 'compaction_bytes_written_total', help: 'Data bytes of SSTables written by compaction' },
  { key: 'partitionsIn', name: 'compaction_partitions_read_total', help: 'Partitions read by compaction, counted per input SSTable' },
  { key: 'partitionsOut', name: 'compaction_partitions_written_total', help: 'Partitions written by compaction' },
  { key: 'tombstonesPurged', name: 'compaction_tombstones_purged_total', help: 'Tombstones and expired cells dropped by compaction' },
  { key: 'tasksCompleted', name: 'compaction_tasks_completed_total', help: 'Compaction tasks completed' },
  { key: 'tasksFailed', name: 'compaction_tasks_failed_total', help: 'Compaction tasks failed, aborted ones included' },
  { key: 'tasksAborted', name: 'compaction_tasks_aborted_total', help: 'Compaction tasks aborted (shutdown, table dropped)' },
];

/**
 * One table's compaction counters on one shard: the compaction manager calls
 * `taskStarted` / `taskCompleted` / `taskFailed` around each `runCompaction`, and
 * `register` exposes them in the shard's MetricsRegistry with `ks` and `table` labels (counters
 * for the totals, callback gauges for running tasks, pending tasks, backlog and
 * throughput). Usable without a registry (tests, nodetool-style reports via `snapshot`).
 */
export class CompactionMetrics {
  readonly #values: Record<CounterName, number> = {
    bytesRead: 0,
    bytesWritten: 0,
    partitionsIn: 0,
    partitionsOut: 0,
    tombstonesPurged: 0,
    tasksCompleted: 0,
    tasksFailed: 0,
    tasksAborted: 0,
  };
  #registration: {
    readonly children: Record<CounterName, CounterChild>;
    readonly families: ReadonlyArray<Counter<'ks' | 'table'> | Gauge<'ks' | 'table'>>;
    readonly labels: { readonly ks: string; readonly table: string };
  } | null = null;
  #running = 0;
  #busyMs = 0;

  constructor(private readonly sources: CompactionMetricsSources = {}) {}

  /** A task started (pairs with one `taskCompleted` or `taskFailed`). */
  taskStarted(): void {
    this.#running++;
  }

  /** A task finished successfully with these figures. */
  taskCompleted(figures: CompactionTaskFigures): void {
    this.#running = Math.max(0, this.#running - 1);
    this.#busyMs += Math.max(0, figures.durationMs);
    this.#add('bytesRead', figures.bytesRead);
    this.#add('bytesWritten', figures.bytesWritten);
    this.#add('partitionsIn', figures.partitionsIn);
    this.#add('partitionsOut', figures.partitionsOut);
    this.#add('tombstonesPurged', figures.tombstonesPurged);
    this.#add('tasksCompleted', 1);
  }

  /** A task failed with `error`; COMPACTION_ABORTED also counts as aborted. */
  taskFailed(error: unknown): void {
    this.#running = Math.max(0, this.#running - 1);
    this.#add('tasksFailed', 1);
    if (hasErrorCode(error, CompactionErrorCodes.ABORTED)) this.#add('tasksAborted', 1);
  }

  /** The current values (gauges evaluated now). */
  snapshot(): CompactionMetricsSnapshot {
    return {
      ...this.#values,
      tasksRunning: this.#running,
      pendingTasks: this.sources.pendingTasks?.() ?? 0,
      backlogBytes: this.sources.backlogBytes?.() ?? 0,
      throughputBytesPerSecond: this.#throughput(),
    };
  }

  /**
   * Exposes these metrics in `registry` under labels `ks` and `table` (the bare table name,
   * as the per-table metrics of the replica use, so dashboards can join them); counters
   * start at the values accumulated so far. Once per instance (INVALID_STATE after); two
   * tables must use different labels (the families are shared, the series are per table).
   */
  register(registry: MetricsRegistry, ks: string, table: string): void {
    if (this.#registration !== null) throw new CharybdisError(ErrorCodes.INVALID_STATE, `compaction metrics of ${ks}.${table} are already registered`);
    const labels = { ks, table };
    const children = {} as Record<CounterName, CounterChild>;
    const families: Array<Counter<'ks' | 'table'> | Gauge<'ks' | 'table'>> = [];
    for (const { key, name, help } of COUNTERS) {
      const family = registry.counter({ name, help, labelNames: LABEL_NAMES });
      const child = family.labels(labels);
      child.inc(this.#values[key]);
      children[key] = child;
      families.push(family);
    }
    const gauge = (name: string, help: string, read: () => number): void => {
      const family = registry.gauge({ name, help, labelNames: LABEL_NAMES });
      family.labels(labels).setCallback(read);
      families.push(family);
    };
    gauge('compaction_running_tasks', 'Compaction tasks running', () => this.#running);
    gauge('compaction_pending_tasks', 'Estimated compaction tasks still needed', () => this.sources.pendingTasks?.() ?? 0);
    gauge('compaction_backlog_bytes', 'Estimated bytes of compaction work outstanding', () => this.sources.backlogBytes?.() ?? 0);
    gauge('compaction_throughput_bytes_per_second', 'Bytes read per second of compaction time', () => this.#throughput());
    this.#registration = { children, families, labels };
  }

  /** Removes this table's series from the registry (the table was dropped); the values stay readable through `snapshot`. */
  unregister(): void {
    const registration = this.#registration;
    if (registration === null) return;
    this.#registration = null;
    for (const family of registration.families) family.remove(registration.labels);
  }

  #add(key: CounterName, delta: number): void {
    if (!(delta > 0)) return;
    this.#values[key] += delta;
    this.#registration?.children[key].inc(delta);
  }

  #throughput(): number {
    return this.#busyMs > 0 ? (this.#values.bytesRead * 1000) / this.#busyMs : 0;
  }
}
