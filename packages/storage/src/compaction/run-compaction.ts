import { CharybdisError } from '@charybdis/core';
import { isEmptyPartitionUpdate, mergeManyPartitionUpdates, purgePartitionUpdate } from '@charybdis/schema';
import type { PartitionUpdate, TableComparators } from '@charybdis/schema';
import { comparePartitionPositions, mergePartitionStreams } from '../partition-stream';
import { isUnchangedByPurge } from '../sstable/partition-stats';
import type { RawPartition, SSTableReaderApi, SSTableStats, SSTableWriterApi } from '../sstable/sstable-types';
import { RawInputCursor, isRawCapable } from './raw-input-cursor';
import type { RawCapableReader } from './raw-input-cursor';
import { CompactionErrorCodes } from './compaction-error-codes';
import { countTombstones } from './count-tombstones';
import { supersedingVersion } from './superseding-version';

/** What `maxPurgeableTimestamp` returns when no data outside the compaction may hold the key: every tombstone timestamp is below it. */
export const NO_DATA_OUTSIDE_COMPACTION = (1n << 63n) - 1n;
/** The runner calls `yieldPoint` at least every this many merged partitions … */
export const COMPACTION_YIELD_EVERY_PARTITIONS = 16;
/** … and after any partition that brings the rows since the last yield to this many. */
export const COMPACTION_YIELD_EVERY_ROWS = 1024;

/** Progress of a running compaction (reported at each yield point and at the end). */
export interface CompactionProgress {
  /** Partitions read, counted per input (a partition found in 3 inputs counts 3). */
  readonly partitionsIn: number;
  /** Σ of the inputs' partition counts: what `partitionsIn` reaches at the end. */
  readonly partitionsInTotal: number;
  readonly partitionsOut: number;
  /** Compressed Data bytes written so far, all outputs. */
  readonly bytesWritten: number;
}

/** Options of {@link runCompaction}. `W` is the caller's writer type, handed back with each output. */
export interface RunCompactionOptions<W extends SSTableWriterApi = SSTableWriterApi> {
  /** The SSTables to merge; the runner only scans them (the caller closes and deletes them). */
  readonly inputs: readonly SSTableReaderApi[];
  readonly comparators: TableComparators;
  /** Creates the next output SSTable (the caller picks its generation, level and I/O class); sized for `expectedPartitions`. */
  readonly createWriter: (expectedPartitions: number) => Promise<W>;
  /** Start a new output once the current one has this many Data bytes (Infinity: one output). */
  readonly maxOutputBytes: number;
  /** The compaction's server time, seconds since the epoch: decides TTL expiry. */
  readonly nowSeconds: number;
  /** The table's gc_grace_seconds: tombstones deleted before nowSeconds − gcGraceSeconds may go. */
  readonly gcGraceSeconds: number;
  /**
   * The smallest timestamp among data NOT in this compaction that may contain the key
   * (memtables, other SSTables whose bloom filter admits it); NO_DATA_OUTSIDE_COMPACTION
   * when none. Tombstones at or above it are kept: they may shadow that data. Called once
   * per partition that holds something purgeable.
   */
  readonly maxPurgeableTimestamp: (partitionKey: Uint8Array, token: bigint) => bigint;
  /** The compaction scheduling group's yield, called every few partitions. */
  readonly yieldPoint?: () => Promise<void>;
  /** Aborts the task: outputs are aborted and COMPACTION_ABORTED is thrown. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: CompactionProgress) => void;
  /**
   * Deletes an output that was already finished when the task failed (the SSTable is
   * complete, TOC included). Default: the writer's `abort()`, which suits writers that can
   * delete a finished SSTable; `SSTableWriter` refuses that ("delete it through a reader"),
   * so with it pass e.g. `(o) => openReader(o.writer).then((r) => r.delete())`.
   */
  readonly deleteFinishedOutput?: (output: CompactionOutput<W>) => Promise<void>;
  /** Clock for `durationMs` (default performance.now). */
  readonly clockMs?: () => number;
}

/** One finished output: the writer `createWriter` returned for it (so the caller knows its generation) and its stats. */
export interface CompactionOutput<W extends SSTableWriterApi = SSTableWriterApi> {
  readonly writer: W;
  readonly stats: SSTableStats;
}

/** What a successful compaction did. */
export interface CompactionResult<W extends SSTableWriterApi = SSTableWriterApi> {
  /** Finished outputs in partition order, one per `createWriter` call, in call order. Empty when everything was purged. */
  readonly outputs: readonly CompactionOutput<W>[];
  /** Σ of the inputs' Data sizes (a scan reads all of Data). */
  readonly bytesRead: number;
  /** Σ of the outputs' Data sizes. */
  readonly bytesWritten: number;
  readonly partitionsIn: number;
  /** Partitions after merging, before dropping those purging left empty. */
  readonly partitionsMerged: number;
  readonly partitionsOut: number;
  /** Tombstones and expired cells/markers dropped (see `countTombstones`). */
  readonly tombstonesPurged: number;
  readonly durationMs: number;
}

/**
 * Runs one compaction: merges the inputs' scans (`mergePartitionStreams`: Cassandra's
 * reconcile rules), purges each merged partition (`purgePartitionUpdate` with gcBefore =
 * now − gc_grace and the caller's maxPurgeableTimestamp, so a tombstone goes only after
 * gc_grace AND when nothing outside the compaction can hold data it shadows), drops
 * partitions left empty and appends the rest to output writers, finishing one and
 * creating the next at the first partition boundary after `maxOutputBytes`.
 *
 * On any error or abort the unfinished output is aborted and the finished ones are
 * deleted (`deleteFinishedOutput`), so no output survives, and the error is rethrown (COMPACTION_ABORTED for the signal;
 * COMPACTION_CLEANUP_FAILED, with the original error and the abort failures in an
 * AggregateError `cause`, when an abort fails too). Inputs are never modified.
 *
 * Crash safety is the caller's part: open the outputs, make them visible, then delete the
 * inputs. A crash after an output's TOC is written but before the inputs are deleted
 * leaves both at start-up; that is safe because merging is idempotent (a partition read
 * from both gives the same result) — only space and read amplification are lost until
 * they are compacted together. ScyllaDB avoids the duplicates by logging each
 * compaction's inputs and outputs in a `pending_delete` log (replayed at start-up to finish
 * deleting the inputs); Cassandra uses a transaction log per compaction instead.
 */
export async function runCompaction<W extends SSTableWriterApi>(options: RunCompactionOptions<W>): Promise<CompactionResult<W>> {
  checkRunOptions(options);
  return new CompactionRun(options).run();
}

function invalidTask(message: string): CharybdisError {
  return new CharybdisError(CompactionErrorCodes.INVALID_TASK, `runCompaction: ${message}`);
}

function checkRunOptions<W extends SSTableWriterApi>(options: RunCompactionOptions<W>): void {
  if (options.inputs.length === 0) throw invalidTask('no inputs');
  const seen = new Set<string>();
  for (const r of options.inputs) {
    const id = `${r.directory}#${r.generation}`;
    if (seen.has(id)) throw invalidTask(`input generation ${r.generation} of ${r.directory} is given twice`);
    seen.add(id);
  }
  if (!(options.maxOutputBytes > 0)) throw invalidTask(`maxOutputBytes must be > 0, got ${options.maxOutputBytes}`);
  if (!Number.isSafeInteger(options.nowSeconds) || options.nowSeconds < 0) {
    throw invalidTask(`nowSeconds must be a non-negative integer, got ${options.nowSeconds}`);
  }
  if (!Number.isSafeInteger(options.gcGraceSeconds) || options.gcGraceSeconds < 0) {
    throw invalidTask(`gcGraceSeconds must be a non-negative integer, got ${options.gcGraceSeconds}`);
  }
}

/** The state of one `runCompaction` call. */
class CompactionRun<W extends SSTableWriterApi> {
  readonly #o: RunCompactionOptions<W>;
  readonly #clockMs: () => number;
  readonly #created: W[] = [];
  readonly #outputs: CompactionOutput<W>[] = [];
  readonly #partitionsInTotal: number;
  readonly #dataBytesIn: number;
  #current: W | null = null;
  #partitionsIn = 0;
  #partitionsMerged = 0;
  #partitionsOut = 0;
  #tombstonesPurged = 0;
  #partitionsSinceYield = 0;
  #rowsSinceYield = 0;

  constructor(options: RunCompactionOptions<W>) {
    this.#o = options;
    this.#clockMs = options.clockMs ?? (() => performance.now());
    this.#partitionsInTotal = options.inputs.reduce((n, r) => n + r.stats.partitionCount, 0);
    this.#dataBytesIn = options.inputs.reduce((n, r) => n + r.stats.dataSizeBytes, 0);
  }

  async run(): Promise<CompactionResult<W>> {
    const startMs = this.#clockMs();
    try {
      this.#checkAborted();
      if (this.#o.inputs.every(isRawCapable)) await this.#runRaw(this.#o.inputs);
      else await this.#runDecoded();
      if (this.#current !== null) await this.#finishCurrent();
    } catch (err) {
      await this.#abortAll(err);
      throw err;
    }
    this.#o.onProgress?.(this.#progress());
    return {
      outputs: this.#outputs,
      bytesRead: this.#dataBytesIn,
      bytesWritten: this.#outputs.reduce((n, o) => n + o.stats.dataSizeBytes, 0),
      partitionsIn: this.#partitionsIn,
      partitionsMerged: this.#partitionsMerged,
      partitionsOut: this.#partitionsOut,
      tombstonesPurged: this.#tombstonesPurged,
      durationMs: this.#clockMs() - startMs,
    };
  }

  /** The generic path: every partition decoded, merged, purged and encoded again. */
  async #runDecoded(): Promise<void> {
    const sources = this.#o.inputs.map((r) => this.#counted(r.scan()));
    for await (const merged of mergePartitionStreams(sources, this.#o.comparators)) {
      this.#checkAborted();
      await this.#consume(merged);
      const y = this.#maybeYield(merged.rows.length);
      if (y !== null) await y;
    }
  }

  /**
   * The fast path, when every input can be read raw: a k-way merge over the inputs' raw
   * batches. A partition found in one input only, holding nothing that purging at
   * nowSeconds could change (its Index stats say so: no deletion, no expired cell), is
   * copied as its encoded record (`appendRaw`), with no decode or encode; it is then exactly
   * what the generic path would write. Every other partition is decoded, merged and purged
   * as on the generic path. Awaits only for I/O, a new batch, or a yield point.
   */
  async #runRaw(inputs: readonly RawCapableReader[]): Promise<void> {
    const cursors = inputs.map((r, i) => new RawInputCursor(r, i));
    const { nowSeconds, comparators, maxOutputBytes } = this.#o;
    const group: RawInputCursor[] = [];
    const heads: RawPartition[] = [];
    try {
      for (const c of cursors) await c.start();
      for (;;) {
        let min: RawPartition | null = null;
        group.length = 0;
        for (const c of cursors) {
          const h = c.head;
          if (h === null) continue;
          const d = min === null ? -1 : comparePartitionPositions(h.token, h.partitionKey, min.token, min.partitionKey);
          if (d < 0) {
            min = h;
            group.length = 0;
          }
          if (d <= 0) group.push(c);
        }
        if (min === null) return;
        this.#checkAborted();
        this.#partitionsIn += group.length;
        let rows: number;
        const unchanged = group.length === 1 ? (isUnchangedByPurge(min.stats, nowSeconds) ? group[0]! : null) : this.#superseding(group, heads);
        if (unchanged !== null) {
          this.#partitionsMerged++;
          const raw = unchanged.head!;
          const w = this.#current ?? (this.#current = await this.#createWriter());
          await (w.appendRaw !== undefined ? w.appendRaw(raw) : w.append(unchanged.reader.decodeRaw(raw)));
          this.#partitionsOut++;
          if (w.dataBytesWritten >= maxOutputBytes) await this.#finishCurrent();
          rows = raw.stats.rowCount;
        } else {
          const updates = group.map((c) => c.reader.decodeRaw(c.head!));
          const merged = updates.length === 1 ? updates[0]! : mergeManyPartitionUpdates(updates, comparators);
          await this.#consume(merged);
          rows = merged.rows.length;
        }
        for (const c of group) {
          const p = c.advance();
          if (p !== null) await p;
        }
        const y = this.#maybeYield(rows);
        if (y !== null) await y;
      }
    } finally {
      await Promise.allSettled(cursors.map((c) => c.close()));
    }
  }

  /**
   * The input of `group` (several inputs holding one key) whose version the merge and purge
   * would give back unchanged (`supersedingVersion`: the common overwrite), or null.
   * `heads` is a scratch array reused across partitions.
   */
  #superseding(group: readonly RawInputCursor[], heads: RawPartition[]): RawInputCursor | null {
    heads.length = 0;
    for (const c of group) heads.push(c.head!);
    const winner = supersedingVersion(heads, this.#o.nowSeconds);
    return winner === null ? null : group[heads.indexOf(winner)]!;
  }

  async *#counted(scan: AsyncGenerator<PartitionUpdate, void, undefined>): AsyncGenerator<PartitionUpdate, void, undefined> {
    // for-await closes `scan` when the merge stops early (error, abort).
    for await (const p of scan) {
      this.#partitionsIn++;
      yield p;
    }
  }

  async #consume(merged: PartitionUpdate): Promise<void> {
    this.#partitionsMerged++;
    const purged = this.#purge(merged);
    if (isEmptyPartitionUpdate(purged)) return;
    if (this.#current === null) this.#current = await this.#createWriter();
    await this.#current.append(purged);
    this.#partitionsOut++;
    if (this.#current.dataBytesWritten >= this.#o.maxOutputBytes) await this.#finishCurrent();
  }

  #purge(merged: PartitionUpdate): PartitionUpdate {
    const { nowSeconds, gcGraceSeconds } = this.#o;
    const before = countTombstones(merged, nowSeconds);
    // Nothing deleted or expired: purging is the identity, and the (bloom-filter) lookup of
    // maxPurgeableTimestamp is skipped — most partitions of most compactions.
    if (before === 0) return merged;
    const maxPurgeableTimestampUs = this.#o.maxPurgeableTimestamp(merged.partitionKey, merged.token);
    const purged = purgePartitionUpdate(merged, { nowSeconds, gcBeforeSeconds: nowSeconds - gcGraceSeconds, maxPurgeableTimestampUs }, this.#o.comparators);
    this.#tombstonesPurged += Math.max(0, before - countTombstones(purged, nowSeconds));
    return purged;
  }

  async #createWriter(): Promise<W> {
    const total = Math.max(1, this.#partitionsInTotal);
    const perOutput =
      Number.isFinite(this.#o.maxOutputBytes) && this.#dataBytesIn > 0
        ? Math.ceil((total * this.#o.maxOutputBytes) / this.#dataBytesIn)
        : total;
    const remaining = Math.max(1, total - this.#partitionsOut);
    const writer = await this.#o.createWriter(Math.max(1, Math.min(perOutput, remaining)));
    this.#created.push(writer);
    return writer;
  }

  async #finishCurrent(): Promise<void> {
    const writer = this.#current!;
    this.#current = null;
    const stats = await writer.finish();
    this.#outputs.push({ writer, stats });
  }

  /** Counts a merged partition of `rows` rows; at a yield point reports progress and returns the yield to await. */
  #maybeYield(rows: number): Promise<void> | null {
    this.#partitionsSinceYield++;
    this.#rowsSinceYield += rows;
    if (this.#partitionsSinceYield < COMPACTION_YIELD_EVERY_PARTITIONS && this.#rowsSinceYield < COMPACTION_YIELD_EVERY_ROWS) return null;
    this.#partitionsSinceYield = 0;
    this.#rowsSinceYield = 0;
    this.#o.onProgress?.(this.#progress());
    return this.#o.yieldPoint !== undefined ? this.#o.yieldPoint() : null;
  }

  #progress(): CompactionProgress {
    let bytesWritten = this.#outputs.reduce((n, o) => n + o.stats.dataSizeBytes, 0);
    if (this.#current !== null) bytesWritten += this.#current.dataBytesWritten;
    return { partitionsIn: this.#partitionsIn, partitionsInTotal: this.#partitionsInTotal, partitionsOut: this.#partitionsOut, bytesWritten };
  }

  #checkAborted(): void {
    const signal = this.#o.signal;
    if (signal?.aborted === true) {
      throw new CharybdisError(CompactionErrorCodes.ABORTED, `compaction of generations ${this.#describeInputs()} aborted`, { cause: signal.reason });
    }
  }

  #describeInputs(): string {
    return `[${this.#o.inputs.map((r) => r.generation).join(', ')}] in ${this.#o.inputs[0]!.directory}`;
  }

  /** Aborts the open writer and deletes the finished outputs: no output may survive a failed task. */
  async #abortAll(cause: unknown): Promise<void> {
    this.#current = null;
    const failures: unknown[] = [];
    const finished = new Map(this.#outputs.map((o) => [o.writer, o] as const));
    const deleteFinished = this.#o.deleteFinishedOutput ?? ((o: CompactionOutput<W>) => o.writer.abort());
    for (const writer of this.#created) {
      const output = finished.get(writer);
      try {
        await (output === undefined ? writer.abort() : deleteFinished(output));
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length === 0) return;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new CharybdisError(
      CompactionErrorCodes.CLEANUP_FAILED,
      `compaction of generations ${this.#describeInputs()} failed (${reason}) and ${failures.length} of its ${this.#created.length} outputs could not be aborted or deleted; their files may remain`,
      { cause: new AggregateError([cause, ...failures], 'compaction error, then output abort errors') },
    );
  }
}
