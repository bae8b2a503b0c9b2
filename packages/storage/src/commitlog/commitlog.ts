import fs from 'node:fs/promises';
import path from 'node:path';
import { AppendWriter, CharybdisError, DmaFile } from '@charybdis/core';
import type { IoBackend, ShardIo } from '@charybdis/core';
import { CommitlogErrorCodes } from './commitlog-error-codes';
import { ENTRY_OVERHEAD_BYTES, SEGMENT_HEADER_BYTES, encodeEntry, encodeSegmentHeader, segmentCrcSeed } from './commitlog-format';
import {
  COMMITLOG_IO_CLASS,
  DEFAULT_MAX_RECYCLED_SEGMENTS,
  DEFAULT_SEGMENT_SIZE_BYTES,
  DEFAULT_SYNC_PERIOD_MS,
} from './commitlog-options';
import type { CommitlogLogger, CommitlogOptions, CommitlogSyncMode } from './commitlog-options';
import type { ReplayPosition } from './replay-position';
import { listCommitlogDirectory, recycledFileName, segmentFileName, syncDirectory } from './segment-files';
import type { SegmentFile } from './segment-files';

/** Largest AppendWriter chunk (the writer's default). */
const MAX_CHUNK_BYTES = 128 * 1024;
const MIN_SEGMENT_SIZE_BYTES = 8192;

/** Counters of one commitlog (plain data). */
export interface CommitlogStats {
  entriesAppended: number;
  bytesAppended: number;
  /** fdatasyncs of the active segment (periodic, batch group commits, explicit sync()). */
  syncs: number;
  /** Batch mode: group commits, and the appends they acknowledged. */
  groupCommits: number;
  entriesGroupCommitted: number;
  maxEntriesPerGroupCommit: number;
  segmentsCreated: number;
  segmentsReused: number;
  segmentsRecycled: number;
  segmentsDeleted: number;
  activeSegmentId: number;
  /** Segment files holding entries: the active one and the closed ones not yet discarded. */
  segmentsInUse: number;
  /** Recycled files waiting for reuse. */
  segmentsRecycledWaiting: number;
  /** Operations (appends, syncs) queued behind the one running, not started yet. */
  pendingOperations: number;
  /** Batch mode: appends written, waiting for the fdatasync that acknowledges them. */
  pendingSyncWaiters: number;
  /** Bytes appended that no completed fdatasync covers yet. */
  unsyncedBytes: number;
}

interface ActiveSegment {
  id: number;
  path: string;
  file: DmaFile;
  writer: AppendWriter;
  seed: number;
}

interface SyncWaiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The commitlog of one shard (owned by that shard's thread): entries appended to
 * preallocated segment files (`commitlog-<id>.log`, ids increasing), each entry framed with
 * its length and CRCs (docs/commitlog-format.md), written through an AppendWriter on an
 * O_DIRECT DmaFile, in the 'commitlog' I/O class when opened with a ShardIo.
 *
 * Sync modes: `periodic` acknowledges an append once its bytes are in the writer's buffer
 * and fdatasyncs every `syncPeriodMs`; `batch` acknowledges an append only after an
 * fdatasync that covers it, and appends that arrive while one sync runs (or in the same
 * turn of the event loop) share the next one (group commit).
 *
 * Every file operation runs in one serial chain, so entries land in call order and a
 * segment switch is never interleaved with an append. After any I/O failure the commitlog
 * is broken: every later call rejects with that failure. The caller must leave an entry's
 * bytes untouched until its append settles. `discardUpTo` recycles (renames to
 * `commitlog-recycled-<n>.log` for reuse as a later segment) or deletes the segments
 * before a position once the memtables they cover are flushed.
 */
export class Commitlog {
  readonly directory: string;
  readonly segmentSizeBytes: number;
  readonly syncMode: CommitlogSyncMode;
  readonly syncPeriodMs: number;
  readonly #backend: IoBackend | undefined;
  readonly #shardIo: ShardIo | undefined;
  readonly #direct: boolean;
  readonly #maxRecycled: number;
  readonly #logger: CommitlogLogger;
  #active!: ActiveSegment;
  #nextSegmentId: number;
  #nextRecycledSeq: number;
  /** Segments no longer written (older ones, from before this process included), by id. */
  readonly #closedSegments: SegmentFile[];
  /** Recycled files ready for reuse, oldest first. */
  readonly #recycled: SegmentFile[];
  #tail: Promise<unknown> = Promise.resolve();
  #failure: Error | undefined = undefined;
  #closing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #dirty = false;
  #periodicRunning = false;
  #waiters: SyncWaiter[] = [];
  #groupScheduled = false;
  #groupRunning = false;
  #loggedDirectFallback = false;
  readonly #stats: CommitlogStats = {
    entriesAppended: 0,
    bytesAppended: 0,
    syncs: 0,
    groupCommits: 0,
    entriesGroupCommitted: 0,
    maxEntriesPerGroupCommit: 0,
    segmentsCreated: 0,
    segmentsReused: 0,
    segmentsRecycled: 0,
    segmentsDeleted: 0,
    activeSegmentId: 0,
    segmentsInUse: 0,
    segmentsRecycledWaiting: 0,
    pendingOperations: 0,
    pendingSyncWaiters: 0,
    unsyncedBytes: 0,
  };
  /** `bytesAppended` as of the start of the last completed fdatasync. */
  #syncedBytes = 0;
  #queuedOps = 0;
  #syncObserver: ((latencyUs: number) => void) | undefined;

  private constructor(options: CommitlogOptions, existing: SegmentFile[], recycled: SegmentFile[]) {
    this.directory = options.directory;
    this.segmentSizeBytes = options.segmentSizeBytes ?? DEFAULT_SEGMENT_SIZE_BYTES;
    this.syncMode = options.syncMode ?? 'periodic';
    this.syncPeriodMs = options.syncPeriodMs ?? DEFAULT_SYNC_PERIOD_MS;
    this.#backend = options.backend;
    this.#shardIo = options.shardIo;
    this.#direct = options.direct ?? true;
    this.#maxRecycled = options.maxRecycledSegments ?? DEFAULT_MAX_RECYCLED_SEGMENTS;
    this.#logger = options.logger;
    this.#closedSegments = existing;
    this.#recycled = recycled;
    const maxExisting = existing.length > 0 ? existing[existing.length - 1]!.id : 0;
    // Ids stay increasing across restarts even when every old segment was deleted: start
    // at the wall clock in ms unless the directory already holds a larger id.
    this.#nextSegmentId = Math.max(maxExisting + 1, Date.now());
    this.#nextRecycledSeq = recycled.length > 0 ? recycled[recycled.length - 1]!.id + 1 : 1;
  }

  /**
   * Opens the commitlog in `options.directory` (created when missing) and starts a new
   * segment whose id is above every existing one. Segments already there are left alone
   * for `replayCommitlog` and are discarded by a later `discardUpTo`.
   */
  static async open(options: CommitlogOptions): Promise<Commitlog> {
    validateOptions(options);
    await fs.mkdir(options.directory, { recursive: true });
    const listing = await listCommitlogDirectory(options.directory);
    const log = new Commitlog(options, listing.segments, listing.recycled);
    log.#active = await log.#createSegment();
    if (log.syncMode === 'periodic') {
      log.#timer = setInterval(() => log.#periodicSync(), log.syncPeriodMs);
      log.#timer.unref();
    }
    options.logger.info(
      { directory: options.directory, segmentId: log.#active.id, syncMode: log.syncMode, segmentSizeBytes: log.segmentSizeBytes },
      'commitlog opened',
    );
    return log;
  }

  /** Largest payload one entry may carry. */
  get maxEntrySizeBytes(): number {
    return this.segmentSizeBytes - SEGMENT_HEADER_BYTES - ENTRY_OVERHEAD_BYTES;
  }

  /**
   * Appends one entry; resolves with its position. Periodic mode: once buffered (durable
   * within `syncPeriodMs`). Batch mode: once an fdatasync covering it has completed.
   */
  append(entry: Uint8Array): Promise<ReplayPosition> {
    const refused = this.#refusal('append');
    if (refused !== null) return Promise.reject(refused);
    if (entry.length > this.maxEntrySizeBytes) {
      return Promise.reject(
        new CharybdisError(
          CommitlogErrorCodes.ENTRY_TOO_LARGE,
          `commitlog entry of ${entry.length} bytes exceeds the ${this.maxEntrySizeBytes} bytes a ${this.segmentSizeBytes}-byte segment holds`,
        ),
      );
    }
    const appended = this.#serial(() => this.#appendNow(entry));
    if (this.syncMode === 'periodic') return appended;
    const durable = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.#scheduleGroupCommit();
    return Promise.all([appended, durable]).then(([position]) => position);
  }

  /** Makes everything appended before the call durable (flush + fdatasync of the active segment). */
  sync(): Promise<void> {
    const refused = this.#refusal('sync');
    if (refused !== null) return Promise.reject(refused);
    return this.#serial(() => this.#syncNow());
  }

  /** The position the next entry would get if it fits in the active segment. */
  get position(): ReplayPosition {
    return { segmentId: this.#active.id, offset: this.#active.writer.position };
  }

  stats(): CommitlogStats {
    return {
      ...this.#stats,
      activeSegmentId: this.#active.id,
      segmentsInUse: this.#closedSegments.length + 1,
      segmentsRecycledWaiting: this.#recycled.length,
      pendingOperations: this.#queuedOps,
      pendingSyncWaiters: this.#waiters.length,
      unsyncedBytes: this.#stats.bytesAppended - this.#syncedBytes,
    };
  }

  /**
   * Calls `observe` with the duration of every fdatasync of a segment, in µs (for the sync
   * latency histogram; see `registerCommitlogMetrics`). Undefined stops it.
   */
  observeSyncs(observe: ((latencyUs: number) => void) | undefined): void {
    this.#syncObserver = observe;
  }

  /**
   * Declares every entry before `position` flushed: the segments wholly before it (id below
   * `position.segmentId`, never the active one) are recycled while fewer than
   * `maxRecycledSegments` wait for reuse, deleted otherwise. Resolves once the directory
   * change is durable.
   */
  async discardUpTo(position: ReplayPosition): Promise<void> {
    const limit = Math.min(position.segmentId, this.#active.id);
    const victims: SegmentFile[] = [];
    while (this.#closedSegments.length > 0 && this.#closedSegments[0]!.id < limit) victims.push(this.#closedSegments.shift()!);
    if (victims.length === 0) return;
    for (const segment of victims) {
      if (this.#recycled.length < this.#maxRecycled && this.#closing === undefined) {
        const target = path.join(this.directory, recycledFileName(this.#nextRecycledSeq++));
        await fs.rename(segment.path, target);
        this.#recycled.push({ id: this.#nextRecycledSeq - 1, path: target });
        this.#stats.segmentsRecycled++;
      } else {
        await fs.unlink(segment.path);
        this.#stats.segmentsDeleted++;
      }
    }
    await syncDirectory(this.directory);
    this.#logger.debug({ upToSegmentId: limit, segments: victims.map((s) => s.id) }, 'commitlog segments discarded');
  }

  /**
   * Stops the periodic sync, waits for every queued operation, syncs and closes the active
   * segment (acknowledging pending batch appends). Later calls reject with COMMITLOG_CLOSED.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#timer !== undefined) clearInterval(this.#timer);
      try {
        await this.#serial(async () => {
          await this.#active.writer.close();
          await this.#timedSync(this.#active.file);
        });
        // Appends queued before close() are covered by the sync above.
        for (const w of this.#takeWaiters()) w.resolve();
      } catch (err) {
        for (const w of this.#takeWaiters()) w.reject(err);
        throw err;
      } finally {
        // Nothing can be queued behind the op above (closing refuses new work), so the
        // active segment is final here.
        await this.#active.file.close();
      }
      this.#logger.info({ directory: this.directory, stats: this.stats() }, 'commitlog closed');
    })();
    return this.#closing;
  }

  #refusal(op: string): Error | null {
    if (this.#closing !== undefined) return new CharybdisError(CommitlogErrorCodes.CLOSED, `commitlog ${op} in ${this.directory}: the commitlog is closed`);
    if (this.#failure !== undefined) return this.#failure;
    return null;
  }

  /** Runs `op` after every operation queued before it; a failure breaks the commitlog. */
  #serial<T>(op: () => Promise<T>): Promise<T> {
    this.#queuedOps++;
    const run = this.#tail.then(async () => {
      this.#queuedOps--;
      if (this.#failure !== undefined) throw this.#failure;
      try {
        return await op();
      } catch (err) {
        this.#failure ??= asError(err);
        throw err;
      }
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #appendNow(entry: Uint8Array): Promise<ReplayPosition> {
    const size = entry.length + ENTRY_OVERHEAD_BYTES;
    if (this.#active.writer.position + size > this.segmentSizeBytes) await this.#roll();
    const segment = this.#active;
    const offset = segment.writer.position;
    await segment.writer.append(encodeEntry(entry, segment.seed));
    this.#dirty = true;
    this.#stats.entriesAppended++;
    this.#stats.bytesAppended += size;
    return { segmentId: segment.id, offset };
  }

  async #syncNow(): Promise<void> {
    this.#dirty = false;
    const covered = this.#stats.bytesAppended;
    const startMs = performance.now();
    await this.#active.writer.sync();
    this.#syncDone(covered, startMs);
  }

  /** fdatasync of `file`, counted and timed; covers every byte appended before the call. */
  async #timedSync(file: DmaFile): Promise<void> {
    const covered = this.#stats.bytesAppended;
    const startMs = performance.now();
    await file.fdatasync();
    this.#syncDone(covered, startMs);
  }

  #syncDone(coveredBytes: number, startMs: number): void {
    this.#stats.syncs++;
    if (coveredBytes > this.#syncedBytes) this.#syncedBytes = coveredBytes;
    this.#syncObserver?.((performance.now() - startMs) * 1000);
  }

  /** Closes the full active segment (durably) and starts the next one. */
  async #roll(): Promise<void> {
    const old = this.#active;
    await old.writer.close();
    await this.#timedSync(old.file);
    await old.file.close();
    this.#closedSegments.push({ id: old.id, path: old.path });
    this.#active = await this.#createSegment();
  }

  /**
   * A new segment: a recycled file renamed to the new id (its space already allocated) or a
   * new file preallocated with fallocate; the header is the first appended bytes, and the
   * directory is fsynced so the name survives a crash before any entry is acknowledged.
   */
  async #createSegment(): Promise<ActiveSegment> {
    const id = this.#nextSegmentId++;
    const segmentPath = path.join(this.directory, segmentFileName(id));
    const recycled = this.#recycled.shift();
    if (recycled !== undefined) await fs.rename(recycled.path, segmentPath);
    const file = await this.#openFile(segmentPath);
    try {
      if (recycled === undefined || (await file.size()) < this.segmentSizeBytes) await file.fallocate(0, this.segmentSizeBytes);
      await syncDirectory(this.directory);
      const writer = new AppendWriter(file, { chunkSizeBytes: Math.min(MAX_CHUNK_BYTES, this.segmentSizeBytes) });
      await writer.append(encodeSegmentHeader(id));
      if (recycled === undefined) this.#stats.segmentsCreated++;
      else this.#stats.segmentsReused++;
      this.#stats.activeSegmentId = id;
      return { id, path: segmentPath, file, writer, seed: segmentCrcSeed(id) };
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  async #openFile(filePath: string): Promise<DmaFile> {
    const options = { direct: this.#direct, create: true };
    const file =
      this.#shardIo !== undefined
        ? await this.#shardIo.open(filePath, COMMITLOG_IO_CLASS, options)
        : await DmaFile.open(this.#backend!, filePath, options);
    if (file.directFallbackReason !== null && !this.#loggedDirectFallback) {
      this.#loggedDirectFallback = true;
      this.#logger.info({ path: filePath, reason: file.directFallbackReason }, 'commitlog segments use buffered I/O');
    }
    return file;
  }

  /**
   * Periodic mode's sync. Only writing the buffered bytes out waits in the serial chain; the
   * fdatasync is started before the chain moves on (so a segment roll cannot close the file
   * under it) but appends do not wait for it: on a disk whose fdatasync takes hundreds of
   * ms, every write would otherwise stall that long every period. A failure still breaks
   * the commitlog, as any I/O failure does.
   */
  #periodicSync(): void {
    if (this.#closing !== undefined || this.#failure !== undefined || !this.#dirty || this.#periodicRunning) return;
    this.#periodicRunning = true;
    this.#serial(async () => {
      this.#dirty = false;
      const segment = this.#active;
      await segment.writer.flush();
      return { synced: this.#timedSync(segment.file) };
    })
      .then(async ({ synced }) => {
        try {
          await synced;
        } catch (err) {
          this.#failure ??= asError(err);
          throw err;
        }
      })
      .catch((err: unknown) => {
        this.#logger.error({ err, directory: this.directory }, 'commitlog periodic sync failed; the commitlog refuses further appends');
      })
      .finally(() => {
        this.#periodicRunning = false;
      });
  }

  /** Batch mode: starts a group commit after the current turn unless one is pending or running. */
  #scheduleGroupCommit(): void {
    if (this.#groupScheduled || this.#groupRunning) return;
    this.#groupScheduled = true;
    queueMicrotask(() => {
      this.#groupScheduled = false;
      this.#startGroupCommit();
    });
  }

  /**
   * One fdatasync for every append queued so far: their waiters are taken now, and the sync
   * is queued behind their appends in the serial chain. Appends arriving meanwhile wait for
   * the next group commit, started when this one ends. close() acknowledges whatever is
   * left when closing.
   */
  #startGroupCommit(): void {
    if (this.#groupRunning || this.#closing !== undefined || this.#waiters.length === 0) return;
    const group = this.#takeWaiters();
    this.#groupRunning = true;
    this.#serial(() => this.#syncNow())
      .then(
        () => {
          this.#stats.groupCommits++;
          this.#stats.entriesGroupCommitted += group.length;
          this.#stats.maxEntriesPerGroupCommit = Math.max(this.#stats.maxEntriesPerGroupCommit, group.length);
          for (const w of group) w.resolve();
        },
        (err: unknown) => {
          for (const w of group) w.reject(err);
        },
      )
      .finally(() => {
        this.#groupRunning = false;
        this.#startGroupCommit();
      });
  }

  #takeWaiters(): SyncWaiter[] {
    const w = this.#waiters;
    this.#waiters = [];
    return w;
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function validateOptions(options: CommitlogOptions): void {
  const bad = (why: string): never => {
    throw new CharybdisError(CommitlogErrorCodes.INVALID_OPTION, `Commitlog.open(${options.directory}): ${why}`);
  };
  if ((options.backend === undefined) === (options.shardIo === undefined)) bad('give exactly one of backend and shardIo');
  const size = options.segmentSizeBytes ?? DEFAULT_SEGMENT_SIZE_BYTES;
  if (!(Number.isSafeInteger(size) && size >= MIN_SEGMENT_SIZE_BYTES && size % 4096 === 0)) {
    bad(`segmentSizeBytes must be a multiple of 4096 and at least ${MIN_SEGMENT_SIZE_BYTES}, got ${size}`);
  }
  const period = options.syncPeriodMs ?? DEFAULT_SYNC_PERIOD_MS;
  if (!(Number.isFinite(period) && period > 0)) bad(`syncPeriodMs must be positive, got ${period}`);
  const mode = options.syncMode ?? 'periodic';
  if (mode !== 'periodic' && mode !== 'batch') bad(`syncMode must be 'periodic' or 'batch', got ${String(mode)}`);
  const recycled = options.maxRecycledSegments ?? DEFAULT_MAX_RECYCLED_SEGMENTS;
  if (!(Number.isInteger(recycled) && recycled >= 0)) bad(`maxRecycledSegments must be a non-negative integer, got ${recycled}`);
}
