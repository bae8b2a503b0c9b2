import { CharybdisError, LsaBTree, NULL_HANDLE } from '@charybdis/core';
import type { LsaPressureEvent, LsaRegion, SegmentPool } from '@charybdis/core';
import { decodePartitionUpdate, encodePartitionUpdate, mergePartitionUpdates, normalizePartitionUpdate } from '@charybdis/schema';
import type { PartitionUpdate, TableComparators } from '@charybdis/schema';
import { compareEntryKeys, encodeEntryKey, entryUpdateOffset, readOrderedToken } from './memtable-entry';
import { MemtableErrorCodes } from './memtable-error-codes';
import { partitionUpdateTimestampRange } from './partition-update-timestamps';

/** Options of {@link Memtable}. */
export interface MemtableOptions {
  /** The table's id (UUID string); updates of other tables are rejected (MEMTABLE_WRONG_TABLE). */
  tableId: string;
  /**
   * Called (asynchronously, from the pool's pressure microtask) when the LSA wants this
   * memtable's memory back: `soft` when memtables hold the pool's pressure ratio of the
   * budget, `hard` after an allocation failed with LSA_OUT_OF_MEMORY. The owner should
   * flush it and then `destroy()` it. Only wired when the region's `onPressure` forwards
   * to {@link Memtable.handlePressure} (as {@link Memtable.create} does).
   */
  onFlushNeeded?: (event: LsaPressureEvent) => void;
  /** Minimum degree of the partition index (LsaBTree); default the B-tree's. */
  indexMinDegree?: number;
}

/** Options of {@link Memtable.create}: the memtable's, plus the region's name. */
export interface CreateMemtableOptions extends MemtableOptions {
  /** Region name for LSA stats and pressure events, e.g. `memtable:ks.t`. */
  name?: string;
}

/**
 * The memtable of one table on one shard: every partition written since the last flush,
 * merged, held in an LSA region (outside the JS heap) and ordered by (token, partition
 * key) in an LsaBTree. Each partition is one LSA object: its key prefix and its encoded,
 * normalized PartitionUpdate (layout in memtable-entry.ts, design in docs/memtable.md).
 *
 * Ownership: one shard; the memtable owns its region (`destroy()` destroys it) and the
 * region's objects; updates given to `apply` and those returned by `get`/`scan` are plain
 * data owned by the caller (decoding copies every byte out of segment memory).
 */
export class Memtable {
  readonly tableId: string;
  readonly #region: LsaRegion;
  readonly #comparators: TableComparators;
  readonly #index: LsaBTree;
  readonly #onFlushNeeded: ((event: LsaPressureEvent) => void) | undefined;
  #minTimestampUs: bigint | null = null;
  #maxTimestampUs: bigint | null = null;
  #destroyed = false;

  /**
   * A memtable over `region`, which must be non-evictable and used by nothing else. To get
   * pressure events, create the region with `onPressure: (e) => memtable.handlePressure(e)`
   * or use {@link Memtable.create}.
   */
  constructor(region: LsaRegion, comparators: TableComparators, options: MemtableOptions) {
    if (region.evictable) {
      throw new CharybdisError(MemtableErrorCodes.INVALID_OPTION, `memtable region ${region.name} must not be evictable`);
    }
    if (region.destroyed) throw new CharybdisError(MemtableErrorCodes.INVALID_OPTION, `memtable region ${region.name} is destroyed`);
    this.tableId = options.tableId;
    this.#region = region;
    this.#comparators = comparators;
    this.#onFlushNeeded = options.onFlushNeeded;
    this.#index = new LsaBTree(region, compareEntryKeys, options.indexMinDegree === undefined ? {} : { minDegree: options.indexMinDegree });
  }

  /** Creates a region in `pool` for a new memtable whose pressure events go to `onFlushNeeded`. */
  static create(pool: SegmentPool, comparators: TableComparators, options: CreateMemtableOptions): Memtable {
    let memtable: Memtable | null = null;
    const region = pool.createRegion({
      name: options.name ?? `memtable:${options.tableId}`,
      onPressure: (event) => memtable?.handlePressure(event),
    });
    try {
      memtable = new Memtable(region, comparators, options);
    } catch (err) {
      region.destroy();
      throw err;
    }
    return memtable;
  }

  /** Partitions held. */
  get partitionCount(): number {
    return this.#destroyed ? 0 : this.#index.size;
  }

  /** LSA bytes of the live entries (headers and padding included); 0 once destroyed. */
  get occupiedBytes(): number {
    return this.#destroyed ? 0 : this.#region.liveBytes;
  }

  /** Smallest timestamp (µs) of any update applied since creation or `clear()`; null if none. */
  get minTimestampUs(): bigint | null {
    return this.#minTimestampUs;
  }

  /** Largest timestamp (µs) of any update applied since creation or `clear()`; null if none. */
  get maxTimestampUs(): bigint | null {
    return this.#maxTimestampUs;
  }

  /** Whether `destroy()` was called. */
  get destroyed(): boolean {
    return this.#destroyed;
  }

  /**
   * Merges `update` into its partition (or adds the partition). All or nothing: the new
   * entry is allocated before the old one is touched, so when allocation fails
   * (LSA_OUT_OF_MEMORY, LSA_OBJECT_TOO_LARGE) the partition keeps its previous content.
   * `update.token` must be the key's token (not checked).
   *
   * `encodedNormalized`, when given, must be `encodePartitionUpdate(update)` of an `update`
   * that is already normalized (what the database wrote to the commitlog): a partition new
   * to this memtable then stores those bytes as they are instead of encoding them again.
   */
  apply(update: PartitionUpdate, encodedNormalized?: Uint8Array): void {
    this.#checkLive();
    if (update.tableId !== this.tableId) {
      throw new CharybdisError(MemtableErrorCodes.WRONG_TABLE, `update of table ${update.tableId} applied to the memtable of ${this.tableId}`);
    }
    const key = encodeEntryKey(update.token, update.partitionKey);
    const old = this.#index.get(key);
    const encoded =
      old !== NULL_HANDLE
        ? // The old entry decoded as views into the region: merged and encoded at once, before
          // the allocation below may move it.
          encodePartitionUpdate(mergePartitionUpdates(this.#decodeEntry(old, false), update, this.#comparators))
        : (encodedNormalized ?? encodePartitionUpdate(normalizePartitionUpdate(update, this.#comparators)));
    const region = this.#region;
    const h = region.allocate(key.length + encoded.length); // may compact: no view is held here
    const buf = region.bufferOf(h);
    const off = region.offsetOf(h);
    buf.set(key, off);
    buf.set(encoded, off + key.length);
    let replaced: number;
    try {
      replaced = this.#index.insert(h);
    } catch (err) {
      region.free(h);
      throw err;
    }
    if (replaced !== NULL_HANDLE) region.free(replaced);
    this.#noteTimestamps(update);
  }

  /** The partition's merged content (a copy), or null when the memtable has nothing for it. */
  get(partitionKey: Uint8Array, token: bigint): PartitionUpdate | null {
    this.#checkLive();
    const h = this.#index.get(encodeEntryKey(token, partitionKey));
    return h === NULL_HANDLE ? null : this.#decodeEntry(h);
  }

  /**
   * Partitions with `fromToken ≤ token ≤ toToken` (either bound optional), in (token,
   * partition key) order, each decoded (copied) when reached. Nothing is pinned: an
   * entry's bytes are only read synchronously inside `next()`, so compaction and
   * allocations between steps are safe. Writes between steps are allowed too: the scan
   * re-seeks past the last key it yielded and sees the index as it is then (a partition
   * added behind the scan's position is not seen; one ahead is).
   */
  *scan(fromToken?: bigint, toToken?: bigint): Generator<PartitionUpdate, void, undefined> {
    this.#checkLive();
    const index = this.#index;
    const cursor = index.cursor();
    if (fromToken === undefined) cursor.seekFirst();
    else cursor.seek(encodeEntryKey(fromToken, new Uint8Array(0)));
    for (;;) {
      if (!cursor.valid) return;
      const view = this.#region.read(cursor.handle);
      if (toToken !== undefined && readOrderedToken(view, 0) > toToken) return;
      const keyLength = entryUpdateOffset(view, 0);
      const lastKey = view.slice(0, keyLength);
      const version = index.version;
      yield decodePartitionUpdate(view.subarray(keyLength), this.#comparators);
      this.#checkLive();
      if (index.version === version) {
        cursor.next();
      } else {
        cursor.seek(lastKey);
        if (cursor.valid && this.#region.compareProbe(compareEntryKeys, lastKey, 0, lastKey.length, cursor.handle) === 0) cursor.next();
      }
    }
  }

  /** Frees every partition; the memtable stays usable (and keeps its region). */
  clear(): void {
    this.#checkLive();
    const handles: number[] = [];
    const cursor = this.#index.cursor().seekFirst();
    while (cursor.valid) {
      handles.push(cursor.handle);
      cursor.next();
    }
    this.#index.clear();
    for (const h of handles) this.#region.free(h);
    this.#minTimestampUs = null;
    this.#maxTimestampUs = null;
  }

  /**
   * Frees everything and destroys the region, giving all its segments back to the pool
   * (after a flush). Idempotent; every later call but `destroy` throws MEMTABLE_DESTROYED.
   */
  destroy(): void {
    if (this.#destroyed) return;
    this.#index.clear();
    this.#region.destroy();
    this.#destroyed = true;
  }

  /** Forwards an LSA pressure event to `onFlushNeeded` (ignored once destroyed). */
  handlePressure(event: LsaPressureEvent): void {
    if (!this.#destroyed) this.#onFlushNeeded?.(event);
  }

  /** The entry's update; `copyBytes` false: its byte arrays are views into the region, valid only until the next allocation. */
  #decodeEntry(h: number, copyBytes = true): PartitionUpdate {
    const view = this.#region.read(h);
    return decodePartitionUpdate(view.subarray(entryUpdateOffset(view, 0)), this.#comparators, { copyBytes });
  }

  #noteTimestamps(update: PartitionUpdate): void {
    const range = partitionUpdateTimestampRange(update);
    if (range === null) return;
    if (this.#minTimestampUs === null || range.minUs < this.#minTimestampUs) this.#minTimestampUs = range.minUs;
    if (this.#maxTimestampUs === null || range.maxUs > this.#maxTimestampUs) this.#maxTimestampUs = range.maxUs;
  }

  #checkLive(): void {
    if (this.#destroyed) throw new CharybdisError(MemtableErrorCodes.DESTROYED, `memtable of ${this.tableId} is destroyed`);
  }
}
