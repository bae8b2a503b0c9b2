import { CharybdisError } from '@charybdis/core';
import { CompactionMetrics, createCompactionStrategy, parseCompactionOptions, runCompaction } from '@charybdis/storage';
import type { CompactionCandidate, CompactionProgress, CompactionStrategy, CompactionTask, SSTableReader, SSTableWriter } from '@charybdis/storage';
import { ReplicaErrorCodes } from './replica-error-codes';
import { IoClasses } from './replica-types';
import type { ShardStorage } from './replica-types';
import type { Table } from './table';

/** Compactions running at once on a shard (each is I/O- and CPU-heavy; the groups share the rest). */
export const DEFAULT_CONCURRENT_COMPACTIONS = 1;
/** A table whose compaction failed is not retried sooner than this. */
const FAILED_RETRY_DELAY_MS = 10_000;

interface TableState {
  strategy: CompactionStrategy;
  readonly metrics: CompactionMetrics;
  readonly compacting: Set<number>;
  running: number;
  /** Callers waiting for the table to have no task running (truncate, major compaction). */
  paused: number;
  retryAfterMs: number;
  /** False after `setAutoCompaction(table, false)`: the strategy is not asked for work (major compactions still run). */
  auto: boolean;
}

/** A compaction task under way (nodetool compactionstats, compact's progress). */
export interface RunningCompaction {
  readonly id: number;
  readonly tableId: string;
  readonly keyspace: string;
  readonly table: string;
  /** 'major' for compactAll, else the strategy's reason. */
  readonly reason: string;
  readonly inputs: readonly number[];
  readonly startedAtMs: number;
  /** Latest progress report of the runner (partitions read against the inputs' total). */
  readonly progress: CompactionProgress;
}

/**
 * Runs one shard's compactions: asks each table's strategy for work when its SSTables
 * change, runs at most `concurrency` tasks at once in the compaction scheduling group and
 * I/O class, and swaps outputs for inputs through the table (crash-safe, see
 * CompactionLog). A failed task is logged and counted; the table is retried later, and a
 * corrupt input marks the table failed.
 */
export class CompactionManager {
  readonly #storage: ShardStorage;
  readonly #concurrency: number;
  readonly #states = new Map<Table, TableState>();
  readonly #queue: Table[] = [];
  readonly #running = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  readonly #active = new Map<number, RunningCompaction>();
  #nextTaskId = 1;
  #stopped = false;

  constructor(storage: ShardStorage, concurrency = DEFAULT_CONCURRENT_COMPACTIONS) {
    this.#storage = storage;
    this.#concurrency = concurrency;
  }

  /** The table's compaction metrics (created with its strategy). */
  metrics(table: Table): CompactionMetrics {
    return this.#state(table).metrics;
  }

  /** Compaction work this table's strategy sees (for tablestats and the backlog metric). */
  pendingTasks(table: Table): number {
    return this.#state(table).strategy.estimatePendingTasks(this.#candidates(table));
  }

  /** The tasks running now, oldest first. */
  running(): RunningCompaction[] {
    return [...this.#active.values()];
  }

  /**
   * Turns automatic (strategy-driven) compaction of `table` off or on (nodetool
   * disableautocompaction / enableautocompaction). Major compactions run either way; a
   * running task is not interrupted.
   */
  setAutoCompaction(table: Table, enabled: boolean): void {
    this.#state(table).auto = enabled;
    if (enabled) this.submit(table);
  }

  /** Whether automatic compaction of `table` is on. */
  autoCompactionEnabled(table: Table): boolean {
    return this.#state(table).auto;
  }

  /** Looks for work on `table` soon (after a flush, a compaction, start-up). */
  submit(table: Table): void {
    if (this.#stopped || this.#queue.includes(table)) return;
    this.#queue.push(table);
    this.#pump();
  }

  /**
   * Major compaction (nodetool compact): waits until no task runs on the table, then
   * merges all its SSTables into one (purging what gc_grace allows). Resolves when done.
   */
  async compactAll(table: Table): Promise<void> {
    await this.pause(table, async () => {
      const inputs = table.sstables.map((r) => r.generation);
      if (inputs.length === 0) return;
      await this.#run(table, { inputs, outputLevel: 0, maxOutputBytes: Infinity, reason: 'size-tiered' }, 'major');
    });
  }

  /** Runs `fn` while no compaction runs on `table` (waits for running ones; starts none meanwhile). */
  async pause<T>(table: Table, fn: () => Promise<T>): Promise<T> {
    const state = this.#state(table);
    state.paused++;
    try {
      while (state.running > 0) await Promise.race(this.#running);
      return await fn();
    } finally {
      state.paused--;
      this.submit(table);
    }
  }

  /** The table's compaction options changed (ALTER TABLE): a new strategy; running tasks and their inputs stay accounted. */
  refreshStrategy(table: Table): void {
    const state = this.#states.get(table);
    if (state !== undefined) state.strategy = this.#createStrategy(table);
    this.submit(table);
  }

  /** Drops what the manager knows of a dropped table, its metric series included. */
  forget(table: Table): void {
    this.#states.get(table)?.metrics.unregister();
    this.#states.delete(table);
    const i = this.#queue.indexOf(table);
    if (i >= 0) this.#queue.splice(i, 1);
  }

  /** Aborts running tasks (their outputs are removed) and waits for them. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#queue.length = 0;
    this.#abort.abort();
    await Promise.allSettled([...this.#running]);
  }

  #pump(): void {
    while (!this.#stopped && this.#running.size < this.#concurrency && this.#queue.length > 0) {
      const table = this.#queue.shift()!;
      const state = this.#state(table);
      if (!state.auto || state.paused > 0 || table.failure !== null || this.#storage.nowMs() < state.retryAfterMs) continue;
      const task = state.strategy.nextTask(this.#candidates(table), this.#storage.nowMs());
      if (task === null) continue;
      const p = this.#run(table, task)
        .then(
          () => this.submit(table),
          () => {
            state.retryAfterMs = this.#storage.nowMs() + FAILED_RETRY_DELAY_MS;
          },
        )
        .finally(() => {
          this.#running.delete(p);
          this.#pump();
        });
      this.#running.add(p);
    }
  }

  async #run(table: Table, task: CompactionTask, reason: string = task.reason): Promise<void> {
    const state = this.#state(table);
    for (const g of task.inputs) state.compacting.add(g);
    state.running++;
    state.metrics.taskStarted();
    const opened: SSTableReader[] = [];
    const id = this.#nextTaskId++;
    const partitionsInTotal = table.sstables.filter((r) => task.inputs.includes(r.generation)).reduce((n, r) => n + r.stats.partitionCount, 0);
    let record: RunningCompaction = {
      id,
      tableId: table.id,
      keyspace: table.definition.keyspace,
      table: table.definition.name,
      reason,
      inputs: task.inputs,
      startedAtMs: this.#storage.nowMs(),
      progress: { partitionsIn: 0, partitionsInTotal, partitionsOut: 0, bytesWritten: 0 },
    };
    this.#active.set(id, record);
    try {
      const result = await this.#storage.compactionGroup.run(async () => {
        // Readers of their own, so the scans are charged to the compaction I/O class.
        for (const g of task.inputs) opened.push(await table.openSSTable(g, IoClasses.COMPACTION));
        const excluded = new Set(task.inputs);
        return runCompaction<SSTableWriter>({
          inputs: opened,
          comparators: table.comparators,
          createWriter: (n) => table.createSSTableWriter(IoClasses.COMPACTION, n, task.outputLevel),
          maxOutputBytes: task.maxOutputBytes,
          nowSeconds: Math.floor(this.#storage.nowMs() / 1000),
          gcGraceSeconds: table.gcGraceSeconds,
          maxPurgeableTimestamp: (key, token) => table.minTimestampOutside(excluded, key, token),
          yieldPoint: () => this.#storage.compactionGroup.yield(),
          signal: this.#abort.signal,
          onProgress: (progress) => {
            record = { ...record, progress };
            this.#active.set(id, record);
          },
          deleteFinishedOutput: async (o) => (await table.openSSTable(o.writer.generation)).delete(),
        });
      });
      const outputs = await Promise.all(result.outputs.map((o) => table.openSSTable(o.writer.generation)));
      await table.replaceSSTables(task.inputs, outputs);
      state.metrics.taskCompleted(result);
      this.#storage.logger.info(
        {
          table: table.qualifiedName,
          reason: task.reason,
          inputs: task.inputs,
          outputs: outputs.map((o) => o.generation),
          bytesRead: result.bytesRead,
          bytesWritten: result.bytesWritten,
          ms: Math.round(result.durationMs),
        },
        'compaction done',
      );
    } catch (err) {
      state.metrics.taskFailed(err);
      table.noteDataError(err, `a compaction of ${table.qualifiedName} failed`);
      if (!this.#stopped) this.#storage.logger.error({ err, table: table.qualifiedName, inputs: task.inputs }, 'compaction failed');
      throw err;
    } finally {
      this.#active.delete(id);
      await Promise.allSettled(opened.map((r) => r.close()));
      for (const g of task.inputs) state.compacting.delete(g);
      state.running--;
    }
  }

  #candidates(table: Table): CompactionCandidate[] {
    const compacting = this.#state(table).compacting;
    return table.sstables.map((r) => ({
      generation: r.generation,
      sizeBytes: r.stats.dataSizeBytes,
      level: r.stats.level,
      stats: r.stats,
      compacting: compacting.has(r.generation),
    }));
  }

  #createStrategy(table: Table): CompactionStrategy {
    let options;
    try {
      options = parseCompactionOptions(table.definition.compaction ?? {});
    } catch (err) {
      throw new CharybdisError(ReplicaErrorCodes.INVALID_ARGUMENT, `table ${table.qualifiedName}: ${(err as Error).message}`, { cause: err });
    }
    return createCompactionStrategy(options, { gcGraceSeconds: table.gcGraceSeconds });
  }

  #state(table: Table): TableState {
    let state = this.#states.get(table);
    if (state === undefined) {
      const metrics = new CompactionMetrics({
        pendingTasks: () => this.#state(table).strategy.estimatePendingTasks(this.#candidates(table)),
        backlogBytes: () => this.#state(table).strategy.backlogBytes(this.#candidates(table)),
      });
      state = { strategy: this.#createStrategy(table), metrics, compacting: new Set(), running: 0, paused: 0, retryAfterMs: 0, auto: true };
      // Series are removed at DROP (forget); a table re-created under the same name starts new ones.
      if (this.#storage.metrics !== undefined) metrics.register(this.#storage.metrics, table.definition.keyspace, table.definition.name);
      this.#states.set(table, state);
    }
    return state;
  }
}
