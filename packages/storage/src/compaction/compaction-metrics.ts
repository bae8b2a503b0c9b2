import { CharybdisError, ErrorCodes, hasErrorCode } from '@charybdis/core';
import type { CounterChild, MetricsRegistry } from '@charybdis/core';
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
 * `register` exposes them in the shard's MetricsRegistry with a `table` label (counters
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
  #children: Record<CounterName, CounterChild> | null = null;
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
   * Exposes these metrics in `registry` under label `table` (e.g. 'ks.tbl'); counters start
   * at the values accumulated so far. Once per instance (INVALID_STATE after); two tables
   * must use different labels (the families are shared, the series are per table).
   */
  register(registry: MetricsRegistry, table: string): void {
    if (this.#children !== null) throw new CharybdisError(ErrorCodes.INVALID_STATE, `compaction metrics of ${table} are already registered`);
    const children = {} as Record<CounterName, CounterChild>;
    for (const { key, name, help } of COUNTERS) {
      const child = registry.counter({ name, help, labelNames: ['table'] }).labels({ table });
      child.inc(this.#values[key]);
      children[key] = child;
    }
    const gauge = (name: string, help: string, read: () => number): void => {
      registry.gauge({ name, help, labelNames: ['table'] }).labels({ table }).setCallback(read);
    };
    gauge('compaction_running_tasks', 'Compaction tasks running', () => this.#running);
    gauge('compaction_pending_tasks', 'Estimated compaction tasks still needed', () => this.sources.pendingTasks?.() ?? 0);
    gauge('compaction_backlog_bytes', 'Estimated bytes of compaction work outstanding', () => this.sources.backlogBytes?.() ?? 0);
    gauge('compaction_throughput_bytes_per_second', 'Bytes read per second of compaction time', () => this.#throughput());
    this.#children = children;
  }

  #add(key: CounterName, delta: number): void {
    if (!(delta > 0)) return;
    this.#values[key] += delta;
    this.#children?.[key].inc(delta);
  }

  #throughput(): number {
    return this.#busyMs > 0 ? (this.#values.bytesRead * 1000) / this.#busyMs : 0;
  }
}
