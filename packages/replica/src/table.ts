import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CharybdisError, hasErrorCode, LsaErrorCode } from '@charybdis/core';
import { TableComparators, isEmptyPartitionUpdate } from '@charybdis/schema';
import type { PartitionUpdate } from '@charybdis/schema';
import {
  DEFAULT_GC_GRACE_SECONDS,
  Memtable,
  NO_DATA_OUTSIDE_COMPACTION,
  compareReplayPositions,
  SSTableReader,
  SSTableWriter,
  listSSTables,
  mergePartitionStreams,
  readRange,
  readSinglePartition,
  sstableFileName,
} from '@charybdis/storage';
import type { ReadCommand, RangeReadCommand, RangeReadResult, ReplayPosition, SinglePartitionReadResult, SSTableReaderApi, SSTableStats } from '@charybdis/storage';
import { CompactionLog } from './compaction-log';
import { unlinkIfExists } from './durable-files';
import { MemtableSlot } from './memtable-slot';
import { ReplicaErrorCodes } from './replica-error-codes';
import { IoClasses } from './replica-types';
import type { ShardStorage } from './replica-types';
import { SSTableSet } from './sstable-set';
import { TableMetrics, elapsedUs } from './table-metrics';
import type { TableDefinition } from './table-definition';
import { tableDirectories } from './table-directories';
import type { TableDirectories } from './table-directories';
import { readTruncationRecord, writeTruncationRecord } from './truncation-record';

/** Partitions a flush writes between two yields to the scheduler. */
const FLUSH_YIELD_EVERY_PARTITIONS = 32;
/** Delay before retrying a failed flush, doubling up to the max. */
const FLUSH_RETRY_MIN_MS = 500;
const FLUSH_RETRY_MAX_MS = 30_000;

/** A consistent view for one read: memtables and SSTables kept alive until released. */
interface TableView {
  readonly memtables: readonly Memtable[];
  readonly sstables: readonly SSTableReaderApi[];
  release(): void;
}

/** Counters of one table on one shard (for tablestats and metrics). */
export interface TableStats {
  readonly memtablePartitions: number;
  readonly memtableBytes: number;
  readonly flushingMemtables: number;
  readonly sstableCount: number;
  readonly sstableBytes: number;
  /** Partitions in the SSTables (each SSTable's count, summed: a partition in two counts twice). */
  readonly sstablePartitions: number;
  readonly flushes: number;
  readonly writes: number;
  readonly reads: number;
  readonly failed: string | null;
}

/**
 * One table on one shard: its active memtable, memtables being flushed, and SSTables. All
 * methods run on the owning shard. Writes go to the active memtable (the database logs
 * them to the commitlog first); reads see a consistent view — the switch from a flushed
 * memtable to its SSTable happens in one synchronous step — over memtables and SSTables
 * leased for the duration of the read.
 *
 * A table whose data fails a check (an SSTable that cannot be opened or a checksum error)
 * is marked failed: every later read and write gets REPLICA_TABLE_FAILED naming the cause,
 * and the rest of the node keeps serving.
 */
export class Table {
  #definition: TableDefinition;
  #comparators: TableComparators;
  readonly directories: TableDirectories;
  #gcGraceSeconds: number;
  readonly #storage: ShardStorage;
  readonly #sstables: SSTableSet;
  #active: MemtableSlot;
  readonly #flushing: MemtableSlot[] = [];
  #nextGeneration: number;
  #flushChain: Promise<void> = Promise.resolve();
  #flushRetryMs = FLUSH_RETRY_MIN_MS;
  #flushRetryTimer: NodeJS.Timeout | undefined;
  #failure: CharybdisError | null = null;
  #stopped = false;
  #truncatedBefore: ReplayPosition | null;
  /** The oldest commitlog entry replay could not apply because the table had failed: kept for a later start. */
  #replayPin: ReplayPosition | null = null;
  #counters = { flushes: 0, writes: 0, reads: 0 };
  /** Called after every flush and SSTable replacement (commitlog discard, compaction check). */
  onSSTablesChanged: () => void = () => {};
  /** The table's metrics on this shard (series labeled {ks, table}; removed by `drop`). */
  readonly metrics: TableMetrics;

  private constructor(definition: TableDefinition, storage: ShardStorage, generations: number, truncatedBefore: ReplayPosition | null) {
    this.#definition = definition;
    this.#comparators = new TableComparators(definition.schema);
    this.directories = tableDirectories(storage.dataDirectory, definition, storage.shardId);
    this.#gcGraceSeconds = definition.gcGraceSeconds ?? DEFAULT_GC_GRACE_SECONDS;
    this.#storage = storage;
    this.#sstables = new SSTableSet(storage.logger);
    this.#nextGeneration = generations + 1;
    this.#truncatedBefore = truncatedBefore;
    this.#active = this.#newMemtable();
    this.metrics = new TableMetrics(storage.metrics, definition.keyspace, definition.name, {
      liveSSTables: () => this.#sstables.size,
      liveDiskBytes: () => this.#sstables.liveBytes,
      totalDiskBytes: () => this.#sstables.liveBytes + this.#sstables.obsoleteBytes,
      memtableBytes: () => this.#memtableBytes(),
      memtablePartitions: () => this.#memtablePartitions(),
      estimatedPartitions: () => this.#memtablePartitions() + this.#sstables.partitionCount,
      pendingFlushes: () => this.#flushing.length,
    });
  }

  /**
   * Opens the table's shard directory (created when missing): completes interrupted
   * compactions, removes partial SSTables, opens the rest. An SSTable that fails to open
   * marks the table failed (logged with the file) rather than failing the shard.
   */
  static async open(definition: TableDefinition, storage: ShardStorage): Promise<Table> {
    const dirs = tableDirectories(storage.dataDirectory, definition, storage.shardId);
    await fs.mkdir(dirs.shard, { recursive: true });
    await CompactionLog.recover(dirs.shard, (g) => unlinkIfExists(path.join(dirs.shard, sstableFileName(g, 'TOC'))), storage.logger);
    const { generations } = await listSSTables(dirs.shard, storage.logger);
    const truncatedBefore = await readTruncationRecord(dirs.shard);
    const table = new Table(definition, storage, generations.length > 0 ? generations[generations.length - 1]! : 0, truncatedBefore);
    for (const generation of generations) {
      try {
        table.#sstables.add(await table.openSSTable(generation));
      } catch (err) {
        table.#fail(err, `SSTable generation ${generation} of ${table.qualifiedName} could not be opened`);
        break;
      }
    }
    storage.logger.info({ table: table.qualifiedName, shard: storage.shardId, sstables: table.#sstables.size }, 'table opened');
    return table;
  }

  get definition(): TableDefinition {
    return this.#definition;
  }

  /** The comparators of the current definition (a superset of every earlier one's columns: dropped columns stay). */
  get comparators(): TableComparators {
    return this.#comparators;
  }

  get gcGraceSeconds(): number {
    return this.#gcGraceSeconds;
  }

  /**
   * ALTER TABLE: takes the new definition (same id). New writes go to a fresh memtable
   * with the new comparators; the old memtable is flushed in the background (it decodes
   * with its own). SSTables opened from now on use the new comparators; the ones already
   * open only hold data of the older columns, which the new ones keep (dropped columns
   * stay in the mutation schema), so they need no reopening.
   */
  alter(definition: TableDefinition): void {
    this.#checkNotStopped();
    if (definition.id !== this.#definition.id) {
      throw new CharybdisError(ReplicaErrorCodes.INVALID_ARGUMENT, `ALTER of ${this.qualifiedName} with another table's id ${definition.id}`);
    }
    this.#definition = definition;
    this.#comparators = new TableComparators(definition.schema);
    this.#gcGraceSeconds = definition.gcGraceSeconds ?? DEFAULT_GC_GRACE_SECONDS;
    if (this.#active.memtable.partitionCount > 0) {
      this.#flushInBackground();
    } else {
      this.#switchMemtable();
    }
  }

  get id(): string {
    return this.definition.id;
  }

  get qualifiedName(): string {
    return `${this.definition.keyspace}.${this.definition.name}`;
  }

  /** Commitlog entries of this table before this position were truncated away: replay skips them. */
  get truncatedBefore(): ReplayPosition | null {
    return this.#truncatedBefore;
  }

  /** The oldest commitlog position whose data is only in memtables, or null when all is flushed. */
  get oldestUnflushedPosition(): ReplayPosition | null {
    let oldest: ReplayPosition | null = this.#replayPin;
    for (const slot of [...this.#flushing, this.#active]) {
      const p = slot.firstPosition;
      if (p !== null && (oldest === null || compareReplayPositions(p, oldest) < 0)) oldest = p;
    }
    return oldest;
  }

  /** The live SSTables (compaction candidates). */
  get sstables(): readonly SSTableReaderApi[] {
    return this.#sstables.readers;
  }

  get failure(): CharybdisError | null {
    return this.#failure;
  }

  /**
   * Applies a mutation to the active memtable; `position` is where the database logged it
   * (absent for data that needs no replay). When the LSA is out of memory the memtable is
   * flushed and the write retried once; if memory is still short, REPLICA_OVERLOADED.
   * `encodedNormalized`: see Memtable.apply (the commitlog's bytes of a normalized update).
   */
  async apply(update: PartitionUpdate, position?: ReplayPosition, encodedNormalized?: Uint8Array): Promise<void> {
    this.#checkUsable();
    this.#counters.writes++;
    try {
      this.#applyToActive(update, position, encodedNormalized);
      return;
    } catch (err) {
      if (!hasErrorCode(err, LsaErrorCode.OUT_OF_MEMORY)) throw err;
    }
    await this.flush();
    try {
      this.#applyToActive(update, position, encodedNormalized);
    } catch (err) {
      if (!hasErrorCode(err, LsaErrorCode.OUT_OF_MEMORY)) throw err;
      throw new CharybdisError(ReplicaErrorCodes.OVERLOADED, `no memory for a write to ${this.qualifiedName} even after a flush; try again later`, { cause: err });
    }
  }

  /**
   * Replay met an entry for this failed table: it cannot be applied now, so the commitlog
   * must keep it (segments from `position` on are not recycled) until a start where the
   * table is healthy again.
   */
  pinForReplay(position: ReplayPosition): void {
    if (this.#replayPin === null) {
      this.#replayPin = position;
      this.#storage.logger.warn({ table: this.qualifiedName, position }, 'table failed: its commitlog entries are kept, not replayed; the commitlog will grow until the table is repaired');
    }
  }

  /** A single-partition read (see storage's readSinglePartition). */
  async read(partitionKey: Uint8Array, token: bigint, command: ReadCommand): Promise<SinglePartitionReadResult> {
    this.#checkUsable();
    this.#counters.reads++;
    const startMs = performance.now();
    const view = this.#view();
    try {
      const result = await readSinglePartition({ memtables: view.memtables, sstables: view.sstables }, partitionKey, token, command, this.comparators);
      const metrics = this.metrics;
      metrics.reads.inc();
      metrics.sstablesPerRead.observe(result.sstablesRead);
      metrics.readLatencyUs.observe(elapsedUs(startMs));
      return result;
    } catch (err) {
      throw this.#noteReadError(err);
    } finally {
      view.release();
    }
  }

  /** A token-range read over memtables and SSTables (see storage's readRange). */
  async readRange(command: RangeReadCommand): Promise<RangeReadResult> {
    this.#checkUsable();
    this.#counters.reads++;
    this.metrics.rangeScans.inc();
    const view = this.#view();
    try {
      // A resumed page starts its scans at the paging state's token (readRange skips the rest).
      const resume = command.pagingState?.token;
      const from = resume !== undefined && (command.fromToken === undefined || resume > command.fromToken) ? resume : command.fromToken;
      const sources = [...view.memtables.map((m) => m.scan(from, command.toToken)), ...view.sstables.map((s) => s.scan(from, command.toToken))];
      return await readRange(mergePartitionStreams(sources, this.comparators), command, this.comparators);
    } catch (err) {
      throw this.#noteReadError(err);
    } finally {
      view.release();
    }
  }

  /**
   * Flushes the active memtable to a new SSTable (in the memtable group and I/O class) and
   * waits for every flush started before it. Resolves once the data is in SSTables.
   */
  flush(): Promise<void> {
    this.#checkUsable();
    if (this.#active.memtable.partitionCount > 0) {
      const slot = this.#active;
      this.#flushing.push(slot);
      this.#active = this.#newMemtable();
      this.metrics.memtableSwitches.inc();
      // After a failed flush (retried on its own timer) later flushes must still run.
      this.#flushChain = this.#flushChain.catch(() => {}).then(() => this.#flushSlot(slot));
    }
    return this.#flushChain;
  }

  /** Opens SSTable `generation` of this table's shard directory for reads and scans. */
  openSSTable(generation: number, ioClass: string = IoClasses.QUERY): Promise<SSTableReader> {
    return SSTableReader.open({
      directory: this.directories.shard,
      generation,
      comparators: this.comparators,
      io: this.#io(ioClass),
      logger: this.#storage.logger,
    });
  }

  /**
   * The smallest timestamp of data outside `excluded` (memtables, and SSTables whose bloom
   * filter admits the key) that a tombstone of this partition could shadow: compaction may
   * purge a tombstone only below it (NO_DATA_OUTSIDE_COMPACTION when there is none).
   */
  minTimestampOutside(excluded: ReadonlySet<number>, partitionKey: Uint8Array, token: bigint): bigint {
    let min = NO_DATA_OUTSIDE_COMPACTION;
    for (const slot of [this.#active, ...this.#flushing]) {
      const ts = slot.memtable.minTimestampUs;
      if (ts !== null && ts < min) min = ts;
    }
    for (const r of this.#sstables.readers) {
      if (excluded.has(r.generation) || r.stats.minTimestampUs === null || r.stats.minTimestampUs >= min) continue;
      if (r.mayContainKey(partitionKey, token)) min = r.stats.minTimestampUs;
    }
    return min;
  }

  /** Marks the table failed because of `err` (e.g. a compaction found corrupt data). */
  noteDataError(err: unknown, what: string): void {
    if (hasErrorCode(err, 'SSTABLE_CORRUPT') || hasErrorCode(err, 'SSTABLE_MISSING_COMPONENT')) this.#fail(err, what);
  }

  /** A writer of a new SSTable generation in `ioClass` (flush or compaction). */
  createSSTableWriter(ioClass: string, expectedPartitions: number, level = 0): Promise<SSTableWriter> {
    return SSTableWriter.create({
      directory: this.directories.shard,
      generation: this.#nextGeneration++,
      comparators: this.comparators,
      io: this.#io(ioClass),
      expectedPartitions: Math.max(1, expectedPartitions),
      level,
      logger: this.#storage.logger,
    });
  }

  /**
   * Replaces SSTables `removed` by `added` (compaction): the outputs are complete; a durable
   * log makes the removal of the inputs all-or-nothing across a crash (see CompactionLog);
   * reads in flight keep the inputs' files until they finish.
   */
  async replaceSSTables(removed: readonly number[], added: readonly SSTableReaderApi[]): Promise<void> {
    if (removed.length > 0) {
      const log = await CompactionLog.write(this.directories.shard, this.#nextGeneration++, removed);
      for (const g of removed) await unlinkIfExists(path.join(this.directories.shard, sstableFileName(g, 'TOC')));
      this.#sstables.replace(removed, added);
      await log.done();
    } else {
      this.#sstables.replace([], added);
    }
    this.onSSTablesChanged();
  }

  /**
   * Removes all data: memtables and SSTables. `position` is the commitlog position at the
   * time of the truncate; it is recorded durably first so replay skips older entries of
   * this table.
   */
  async truncate(position: ReplayPosition | null): Promise<void> {
    this.#checkNotStopped();
    await this.#flushChain.catch(() => {});
    if (position !== null) {
      await writeTruncationRecord(this.directories.shard, position, this.#storage.nowMs());
      this.#truncatedBefore = position;
    }
    for (const slot of this.#flushing.splice(0)) slot.retire();
    this.#switchMemtable();
    await this.replaceSSTables(this.#sstables.readers.map((r) => r.generation), []);
    this.#failure = null;
  }

  /** Removes everything (memtables, SSTables, the shard folder) and stops the table (DROP TABLE). */
  async drop(): Promise<void> {
    this.#checkNotStopped();
    await this.#flushChain.catch(() => {});
    for (const slot of this.#flushing.splice(0)) slot.retire();
    this.#active.retire();
    this.#active = this.#newMemtable();
    await this.replaceSSTables(this.#sstables.readers.map((r) => r.generation), []);
    await this.stop();
    this.metrics.unregister();
    await fs.rm(this.directories.shard, { recursive: true, force: true });
  }

  /**
   * Flushes (unless `skipFlush`: the snapshot then lacks what only the memtables hold),
   * then hard-links every SSTable of this shard into the snapshot folder `tag`.
   */
  async snapshot(tag: string, options: { skipFlush?: boolean } = {}): Promise<string[]> {
    if (options.skipFlush !== true) await this.flush();
    const dir = this.directories.snapshot(tag);
    await fs.mkdir(dir, { recursive: true });
    const view = this.#view();
    try {
      for (const sstable of view.sstables) await sstable.linkInto(dir);
      return view.sstables.map((s) => `${s.generation}`);
    } finally {
      view.release();
    }
  }

  stats(): TableStats {
    const readers = this.#sstables.readers;
    return {
      memtablePartitions: this.#active.memtable.partitionCount,
      memtableBytes: this.#memtableBytes(),
      flushingMemtables: this.#flushing.length,
      sstableCount: readers.length,
      sstableBytes: readers.reduce((n, r) => n + r.totalSizeBytes, 0),
      sstablePartitions: this.#sstables.partitionCount,
      ...this.#counters,
      failed: this.#failure?.message ?? null,
    };
  }

  /** Stops: waits for the flush under way, closes the SSTables, frees the memtables (flush first to keep their data out of the commitlog). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#flushRetryTimer);
    await this.#flushChain.catch(() => {});
    await this.#sstables.closeAll();
    for (const slot of this.#flushing.splice(0)) slot.retire();
    this.#active.retire();
  }

  #applyToActive(update: PartitionUpdate, position: ReplayPosition | undefined, encodedNormalized: Uint8Array | undefined): void {
    this.#active.memtable.apply(update, encodedNormalized);
    if (position !== undefined) this.#active.noteLogged(position);
  }

  /** Replaces the active memtable by an empty one, retiring the old (it must not need a flush). */
  #switchMemtable(): void {
    this.#active.retire();
    this.#active = this.#newMemtable();
    this.metrics.memtableSwitches.inc();
  }

  #memtableBytes(): number {
    let n = this.#active.memtable.occupiedBytes;
    for (const s of this.#flushing) n += s.memtable.occupiedBytes;
    return n;
  }

  #memtablePartitions(): number {
    let n = this.#active.memtable.partitionCount;
    for (const s of this.#flushing) n += s.memtable.partitionCount;
    return n;
  }

  #newMemtable(): MemtableSlot {
    const memtable = Memtable.create(this.#storage.pool, this.comparators, {
      tableId: this.definition.id,
      name: `memtable:${this.qualifiedName}`,
      onFlushNeeded: () => this.#flushInBackground(),
    });
    return new MemtableSlot(memtable);
  }

  #flushInBackground(): void {
    if (this.#stopped || this.#failure !== null) return;
    this.flush().catch(() => {
      // #flushSlot logged the failure and scheduled a retry.
    });
  }

  async #flushSlot(slot: MemtableSlot): Promise<void> {
    if (this.#stopped || !this.#flushing.includes(slot)) return;
    const startMs = this.#storage.nowMs();
    let stats: SSTableStats | null = null;
    let reader: SSTableReaderApi | null = null;
    try {
      const written = await this.#storage.memtableGroup.run(() => this.#writeMemtable(slot.memtable));
      if (written !== null) {
        stats = written.stats;
        reader = await this.openSSTable(written.generation);
      }
    } catch (err) {
      this.metrics.flushFailed();
      this.#storage.logger.error({ err, table: this.qualifiedName, retryInMs: this.#flushRetryMs }, 'memtable flush failed; its data stays in memory and in the commitlog');
      this.#scheduleFlushRetry(slot);
      throw err;
    }
    this.#flushRetryMs = FLUSH_RETRY_MIN_MS;
    // One synchronous step: the SSTable appears as the memtable disappears.
    if (reader !== null) this.#sstables.add(reader);
    this.#flushing.splice(this.#flushing.indexOf(slot), 1);
    slot.retire();
    this.#counters.flushes++;
    this.metrics.flushDone(stats?.dataSizeBytes ?? 0, this.#storage.nowMs() - startMs);
    this.#storage.logger.debug(
      { table: this.qualifiedName, generation: reader?.generation, partitions: stats?.partitionCount, bytes: stats?.dataSizeBytes, ms: this.#storage.nowMs() - startMs },
      'memtable flushed',
    );
    this.onSSTablesChanged();
  }

  async #writeMemtable(memtable: Memtable): Promise<{ generation: number; stats: SSTableStats } | null> {
    const writer = await this.createSSTableWriter(IoClasses.FLUSH, memtable.partitionCount);
    try {
      let n = 0;
      for (const update of memtable.scan()) {
        if (isEmptyPartitionUpdate(update)) continue;
        await writer.append(update);
        if (++n % FLUSH_YIELD_EVERY_PARTITIONS === 0) await this.#storage.memtableGroup.yield();
      }
      if (writer.partitionsWritten === 0) {
        await writer.abort();
        return null;
      }
      return { generation: writer.generation, stats: await writer.finish() };
    } catch (err) {
      await writer.abort().catch(() => {});
      throw err;
    }
  }

  #scheduleFlushRetry(slot: MemtableSlot): void {
    if (this.#stopped) return;
    clearTimeout(this.#flushRetryTimer);
    const delay = this.#flushRetryMs;
    this.#flushRetryMs = Math.min(FLUSH_RETRY_MAX_MS, this.#flushRetryMs * 2);
    this.#flushRetryTimer = setTimeout(() => {
      this.#flushChain = this.#flushChain.catch(() => {}).then(() => this.#flushSlot(slot));
      this.#flushChain.catch(() => {});
    }, delay);
    this.#flushRetryTimer.unref();
  }

  #view(): TableView {
    const slots = [this.#active, ...this.#flushing];
    for (const s of slots) s.acquire();
    const lease = this.#sstables.lease();
    let released = false;
    return {
      memtables: slots.map((s) => s.memtable),
      sstables: lease.readers,
      release: () => {
        if (released) return;
        released = true;
        lease.release();
        for (const s of slots) s.release();
      },
    };
  }

  #io(ioClass: string): { shardIo?: ShardStorage['shardIo']; backend?: ShardStorage['backend']; ioClass: string } {
    return this.#storage.shardIo !== undefined ? { shardIo: this.#storage.shardIo, ioClass } : { backend: this.#storage.backend, ioClass };
  }

  #noteReadError(err: unknown): unknown {
    if (hasErrorCode(err, 'SSTABLE_CORRUPT')) this.#fail(err, `a read of ${this.qualifiedName} found corrupt data`);
    return err;
  }

  #fail(err: unknown, what: string): void {
    const message = err instanceof Error ? err.message : String(err);
    this.#failure = new CharybdisError(ReplicaErrorCodes.TABLE_FAILED, `${what}: ${message}. The table serves no reads or writes until this is repaired (e.g. remove or restore the named file and restart)`, { cause: err });
    this.#storage.logger.error({ err, table: this.qualifiedName, shard: this.#storage.shardId }, 'table marked failed');
  }

  #checkUsable(): void {
    this.#checkNotStopped();
    if (this.#failure !== null) throw this.#failure;
  }

  #checkNotStopped(): void {
    if (this.#stopped) throw new CharybdisError(ReplicaErrorCodes.STOPPED, `table ${this.qualifiedName} is stopped`);
  }
}
