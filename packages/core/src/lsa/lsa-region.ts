import { CharybdisError } from '../errors';
import { HandleTable } from './handle-table';
import { LsaErrorCode } from './lsa-errors';
import { OBJECT_HEADER_BYTES, SEGMENT_ACTIVE, footprintBytes } from './lsa-layout';
import type { LsaComparator, LsaPressureEvent, LsaRegionOptions, LsaRegionStats, RegionHost, RegionInspection } from './lsa-region-types';
import { LruList } from './lru-list';
import type { SegmentTable } from './segment-table';

/** Bit of a pin-map value: the owner freed the object while it was pinned. */
const ZOMBIE = 0x4000_0000;
const PIN_COUNT_MASK = ZOMBIE - 1;
/** Objects up to this many words are copied word by word during evacuation. */
const WORD_COPY_MAX_WORDS = 32;

/**
 * A region of the log-structured allocator (Seastar's `logalloc::region`): variable-size
 * byte objects addressed by small integer handles, stored back to back in the region's
 * own segments from the shard's {@link SegmentPool}. A memtable is a non-evictable
 * region; the row cache is an evictable one.
 *
 * - `allocate(size)` bump-allocates in the region's active segment (taking a segment from
 *   the pool, which may compact or evict first, when it is full) and returns a handle;
 *   `free(handle)` marks the object dead and accounts its bytes exactly.
 * - Objects move when compaction evacuates their segment; the handle stays valid, the
 *   bytes do not stay put. A view from `read()` (or `bufferOf`/`offsetOf`) is valid until
 *   the next call that can compact: any allocation in this pool, `compactStep`, or any
 *   `await` (the background compactor). `pin()` / `withPinned()` keep an object in place:
 *   compaction skips every segment holding a pinned object, and an object freed while
 *   pinned keeps its bytes until the last `unpin()`.
 * - Evictable regions keep live, unpinned objects in LRU order (`allocate` and `touch`
 *   make an object most recently used) and evict from the back through `onEvict`.
 *
 * Handles are region-local; 0 is `NULL_HANDLE`. Allocated bytes are not zeroed.
 *
 * Thread: a region belongs to one shard (its pool's); use it only on that shard's thread.
 */
export class LsaRegion {
  /** Index of the region in its pool, reused after `destroy()`. */
  readonly id: number;
  readonly name: string;
  readonly evictable: boolean;
  /** Largest object size: the segment size minus the object header. */
  readonly maxObjectBytes: number;
  /** @internal The segment being bump-allocated into, -1 if none. */
  active = -1;
  /** @internal Segments owned (maintained by the pool). */
  segmentCount = 0;
  #liveBytes = 0;
  #payloadBytes = 0;
  #evictedObjects = 0;
  #evictedBytes = 0;
  readonly #host: RegionHost;
  readonly #table: SegmentTable;
  readonly #segmentSizeBytes: number;
  readonly #wordBits: number;
  readonly #wordMask: number;
  readonly #handles = new HandleTable();
  readonly #lru: LruList | null;
  /** handle → pin count, | ZOMBIE if freed while pinned. Pins are few and short-lived. */
  readonly #pins = new Map<number, number>();
  #zombies = 0;
  #destroyed = false;
  readonly #onEvict: ((handle: number) => void) | undefined;
  readonly #onPressure: ((event: LsaPressureEvent) => void) | undefined;

  /** @internal Use SegmentPool.createRegion. */
  constructor(host: RegionHost, id: number, options: LsaRegionOptions) {
    this.#host = host;
    this.#table = host.table;
    this.id = id;
    this.name = options.name ?? `region-${id}`;
    this.evictable = options.evictable ?? false;
    this.#segmentSizeBytes = this.#table.segmentSizeBytes;
    this.maxObjectBytes = this.#segmentSizeBytes - OBJECT_HEADER_BYTES;
    this.#wordBits = this.#table.segmentWordBits;
    this.#wordMask = this.#table.segmentWordMask;
    this.#lru = this.evictable ? new LruList() : null;
    this.#onEvict = options.onEvict;
    this.#onPressure = options.onPressure;
  }

  /** Live objects (an object freed while pinned is no longer counted). */
  get objectCount(): number {
    return this.#handles.count - this.#zombies;
  }

  /** Whether `destroy()` was called. */
  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Sum of the live objects' footprints (header + padded payload), bytes. */
  get liveBytes(): number {
    return this.#liveBytes;
  }

  /** Sum of the live objects' sizes, bytes. */
  get payloadBytes(): number {
    return this.#payloadBytes;
  }

  /** Objects evicted so far (evictable regions). */
  get evictedObjects(): number {
    return this.#evictedObjects;
  }

  /** @internal Whether this region has an `onPressure` callback. */
  get hasPressureCallback(): boolean {
    return this.#onPressure !== undefined;
  }

  /**
   * Allocates an object of `sizeBytes` (0..maxObjectBytes; contents unspecified) and
   * returns its handle. May compact or evict to find room, and throws LSA_OUT_OF_MEMORY
   * when the budget cannot hold it. Every earlier unpinned view may be invalidated.
   */
  allocate(sizeBytes: number): number {
    this.#checkSize(sizeBytes);
    if (this.#host.reclaiming) this.#host.checkNotReclaiming('allocate');
    const total = footprintBytes(sizeBytes);
    const table = this.#table;
    let s = this.active;
    if (s < 0 || table.top[s]! + total > this.#segmentSizeBytes) {
      this.#refill(total);
      s = this.active;
    }
    const top = table.top[s]!;
    const h = this.#handles.allocate((s << this.#wordBits) | (top >>> 2));
    table.top[s] = top + total;
    table.live[s]! += total;
    table.liveTotal += total;
    const words = table.words(s);
    words[top >>> 2] = h;
    words[(top >>> 2) + 1] = sizeBytes;
    this.#liveBytes += total;
    this.#payloadBytes += sizeBytes;
    if (this.#lru !== null) this.#lru.pushFront(h);
    return h;
  }

  /** Allocates an object holding a copy of `bytes` and returns its handle. */
  allocateCopy(bytes: Uint8Array): number {
    const h = this.allocate(bytes.length);
    const loc = this.#handles.locate(h);
    this.#table.bytes(loc >>> this.#wordBits).set(bytes, ((loc & this.#wordMask) << 2) + OBJECT_HEADER_BYTES);
    return h;
  }

  /**
   * Frees the object. Its bytes become dead (reclaimed by compaction, or at once when its
   * segment empties); the handle may be reused by a later allocation. An object freed
   * while pinned stays in place until its last `unpin()`, but its handle is invalid now.
   */
  free(handle: number): void {
    const loc = this.#locate(handle);
    if (this.#pins.size !== 0) {
      const p = this.#pins.get(handle);
      if (p !== undefined) {
        this.#pins.set(handle, p | ZOMBIE);
        this.#zombies++;
        this.#liveBytes -= footprintBytes(this.#sizeAt(loc));
        this.#payloadBytes -= this.#sizeAt(loc);
        return;
      }
    }
    this.#freeAt(handle, loc, true, true);
  }

  /**
   * A view of the object's bytes (a subarray of its segment; writable). Valid until the
   * next allocation or compaction in this pool unless the object is pinned.
   */
  read(handle: number): Uint8Array {
    const loc = this.#locate(handle);
    const off = ((loc & this.#wordMask) << 2) + OBJECT_HEADER_BYTES;
    return this.#table.bytes(loc >>> this.#wordBits).subarray(off, off + this.#sizeAt(loc));
  }

  /** Copies `bytes` into the object at `offsetBytes` (RangeError past its end). */
  write(handle: number, bytes: Uint8Array, offsetBytes = 0): void {
    const loc = this.#locate(handle);
    const size = this.#sizeAt(loc);
    if (!(offsetBytes >= 0 && offsetBytes + bytes.length <= size)) {
      throw new RangeError(`write of ${bytes.length} bytes at ${offsetBytes} past the end of a ${size}-byte object`);
    }
    this.#table.bytes(loc >>> this.#wordBits).set(bytes, ((loc & this.#wordMask) << 2) + OBJECT_HEADER_BYTES + offsetBytes);
  }

  /** Size of the object in bytes. */
  sizeOf(handle: number): number {
    return this.#sizeAt(this.#locate(handle));
  }

  /**
   * The whole segment holding the object, for allocation-free access with `offsetOf`
   * and `sizeOf`. Same validity as `read()`.
   */
  bufferOf(handle: number): Uint8Array {
    return this.#table.bytes(this.#locate(handle) >>> this.#wordBits);
  }

  /** Offset of the object's first byte in `bufferOf(handle)`. */
  offsetOf(handle: number): number {
    return ((this.#locate(handle) & this.#wordMask) << 2) + OBJECT_HEADER_BYTES;
  }

  /** Whether `handle` is live here (allocated, not freed). */
  isLive(handle: number): boolean {
    return this.#handles.locate(handle) >= 0 && !this.#isZombie(handle);
  }

  /** `cmp(probe range, object bytes)` without allocating. */
  compareProbe(cmp: LsaComparator, probe: Uint8Array, probeOffset: number, probeLength: number, handle: number): number {
    const loc = this.#locate(handle);
    const off = (loc & this.#wordMask) << 2;
    const s = loc >>> this.#wordBits;
    return cmp(probe, probeOffset, probeLength, this.#table.bytes(s), off + OBJECT_HEADER_BYTES, this.#table.words(s)[(off >>> 2) + 1]!);
  }

  /** Makes the object most recently used (evictable regions; a no-op otherwise or while pinned). */
  touch(handle: number): void {
    this.#locate(handle);
    if (this.#lru === null || (this.#pins.size !== 0 && this.#pins.has(handle))) return;
    this.#lru.moveToFront(handle);
  }

  /**
   * Pins the object: it does not move (its segment is not compacted) and is not evicted
   * until a matching `unpin()`. Pins nest. Keep pins short: a pinned object keeps its
   * whole segment out of compaction.
   */
  pin(handle: number): void {
    const loc = this.#locate(handle);
    const p = this.#pins.get(handle);
    if (p !== undefined) {
      if ((p & PIN_COUNT_MASK) === PIN_COUNT_MASK) throw new CharybdisError(LsaErrorCode.LIMIT_EXCEEDED, 'pin count overflow');
      this.#pins.set(handle, p + 1);
      return;
    }
    this.#pins.set(handle, 1);
    const s = loc >>> this.#wordBits;
    if (this.#table.pinned[s]!++ === 0) this.#host.pinsChanged(s);
    if (this.#lru !== null) this.#lru.remove(handle);
  }

  /** Undoes one `pin()`; the last one frees the object if it was freed meanwhile. */
  unpin(handle: number): void {
    const p = this.#pins.get(handle);
    if (p === undefined) throw new CharybdisError(LsaErrorCode.INVALID_STATE, `region ${this.name}: handle ${handle} is not pinned`);
    if ((p & PIN_COUNT_MASK) > 1) {
      this.#pins.set(handle, p - 1);
      return;
    }
    this.#pins.delete(handle);
    const loc = this.#handles.locate(handle);
    const s = loc >>> this.#wordBits;
    if (--this.#table.pinned[s]! === 0) this.#host.pinsChanged(s);
    if ((p & ZOMBIE) !== 0) {
      this.#zombies--;
      this.#freeAt(handle, loc, false, false);
    } else if (this.#lru !== null) {
      this.#lru.pushFront(handle);
    }
  }

  /**
   * Runs `fn` with a view of the pinned object and unpins when it returns, or, if it
   * returns a promise, when that settles. The view stays valid for the whole call.
   */
  withPinned<T>(handle: number, fn: (view: Uint8Array) => T): T {
    this.pin(handle);
    let deferred = false;
    try {
      const result = fn(this.#viewAt(this.#handles.locate(handle)));
      if (isPromiseLike(result)) {
        deferred = true;
        return Promise.resolve(result).finally(() => this.unpin(handle)) as T;
      }
      return result;
    } finally {
      if (!deferred) this.unpin(handle);
    }
  }

  /** Pinned objects now. */
  get pinnedCount(): number {
    return this.#pins.size;
  }

  /**
   * Frees every object and gives all segments back to the pool (a flushed memtable).
   * Every handle becomes invalid. LSA_INVALID_STATE while objects are pinned.
   */
  destroy(): void {
    if (this.#destroyed) return;
    this.#host.checkNotReclaiming('destroy a region');
    if (this.#pins.size !== 0) {
      throw new CharybdisError(LsaErrorCode.INVALID_STATE, `region ${this.name}: cannot destroy with ${this.#pins.size} pinned objects`);
    }
    this.#host.destroyed(this);
    this.#handles.reset();
    this.#lru?.reset();
    this.#liveBytes = 0;
    this.#payloadBytes = 0;
    this.active = -1;
    this.#destroyed = true;
  }

  stats(): LsaRegionStats {
    const table = this.#table;
    let dead = 0;
    if (this.segmentCount > 0) {
      for (let s = 0; s < table.count; s++) if (table.owner[s] === this.id) dead += table.top[s]! - table.live[s]!;
    }
    const capacity = this.segmentCount * this.#segmentSizeBytes;
    return {
      name: this.name,
      evictable: this.evictable,
      objects: this.objectCount,
      payloadBytes: this.#payloadBytes,
      liveBytes: this.#liveBytes,
      segments: this.segmentCount,
      deadBytes: dead,
      occupancy: capacity === 0 ? 1 : this.#liveBytes / capacity,
      pinnedObjects: this.#pins.size,
      metadataBytes: this.metadataBytes,
      evictedObjects: this.#evictedObjects,
      evictedBytes: this.#evictedBytes,
    };
  }

  /** Bytes of the handle table and LRU links (JS-side memory outside the pool's budget). */
  get metadataBytes(): number {
    return this.#handles.bytes + (this.#lru?.bytes ?? 0);
  }

  // ---- called by the pool ----

  /**
   * @internal Moves every live object of closed, unpinned segment `s` into this region's
   * active segment (taking fresh ones as needed), rewrites their handles, and leaves `s`
   * empty for the pool to release. Returns the bytes moved.
   */
  evacuate(s: number): number {
    const table = this.#table;
    const src = table.words(s);
    const srcBytes = table.bytes(s);
    const top = table.top[s]!;
    let moved = 0;
    for (let off = 0; off < top; ) {
      const w = off >>> 2;
      const total = footprintBytes(src[w + 1]!);
      const h = src[w]!;
      if (h !== 0) {
        const d = this.#compactionTarget(total);
        const dTop = table.top[d]!;
        const n = total >>> 2;
        if (n <= WORD_COPY_MAX_WORDS) {
          const dst = table.words(d);
          const dw = dTop >>> 2;
          for (let i = 0; i < n; i++) dst[dw + i] = src[w + i]!;
        } else {
          table.bytes(d).set(srcBytes.subarray(off, off + total), dTop);
        }
        table.top[d] = dTop + total;
        table.live[d]! += total;
        this.#handles.relocate(h, (d << this.#wordBits) | (dTop >>> 2));
        moved += total;
      }
      off += total;
    }
    table.live[s] = 0;
    return moved;
  }

  /**
   * @internal Evicts least recently used objects until `targetBytes` of footprint were
   * freed or nothing is left; returns the bytes freed.
   */
  evict(targetBytes: number): number {
    const lru = this.#lru;
    if (lru === null) return 0;
    let freed = 0;
    while (freed < targetBytes) {
      const h = lru.back();
      if (h === 0) break;
      const total = footprintBytes(this.#sizeAt(this.#handles.locate(h)));
      if (this.#onEvict !== undefined) {
        try {
          this.#onEvict(h);
        } catch (err) {
          throw new CharybdisError(LsaErrorCode.EVICTION_FAILED, `region ${this.name}: onEvict(${h}) threw`, { cause: err });
        }
      }
      if (this.isLive(h)) this.free(h);
      freed += total;
      this.#evictedObjects++;
      this.#evictedBytes += total;
    }
    return freed;
  }

  /** @internal Delivers a pressure event to the owner (asynchronously). */
  notifyPressure(event: LsaPressureEvent): void {
    const cb = this.#onPressure;
    if (cb !== undefined) queueMicrotask(() => cb(event));
  }

  /** @internal The region's bookkeeping, for the pool's invariant checks. */
  inspect(): RegionInspection {
    return {
      handleCount: this.#handles.count,
      lruLength: this.#lru?.length ?? -1,
      zombies: this.#zombies,
      pinnedHandles: [...this.#pins.keys()],
      zombieHandles: [...this.#pins].filter(([, p]) => (p & ZOMBIE) !== 0).map(([h]) => h),
      locate: (h) => this.#handles.locate(h),
    };
  }

  // ---- private ----

  #refill(totalBytes: number): void {
    if (this.#destroyed) throw new CharybdisError(LsaErrorCode.INVALID_STATE, `region ${this.name} is destroyed`);
    this.#host.checkNotReclaiming('allocate');
    if (this.active >= 0) {
      const a = this.active;
      this.active = -1;
      this.#host.close(this, a);
    }
    this.#host.refill(this, totalBytes);
  }

  #compactionTarget(totalBytes: number): number {
    const a = this.active;
    if (a >= 0 && this.#table.top[a]! + totalBytes <= this.#segmentSizeBytes) return a;
    if (a >= 0) {
      this.active = -1;
      this.#host.close(this, a);
    }
    const d = this.#host.takeForCompaction(this);
    if (d < 0) throw new CharybdisError(LsaErrorCode.INVALID_STATE, `region ${this.name}: no segment to compact into`);
    return d;
  }

  #freeAt(handle: number, loc: number, linked: boolean, counted: boolean): void {
    const table = this.#table;
    const s = loc >>> this.#wordBits;
    const w = loc & this.#wordMask;
    const words = table.words(s);
    const size = words[w + 1]!;
    const total = footprintBytes(size);
    words[w] = 0;
    table.live[s]! -= total;
    table.liveTotal -= total;
    if (counted) {
      this.#liveBytes -= total;
      this.#payloadBytes -= size;
    }
    this.#handles.release(handle);
    if (linked && this.#lru !== null) this.#lru.remove(handle);
    if (table.state[s] === SEGMENT_ACTIVE) {
      if (table.live[s] === 0) table.top[s] = 0;
    } else {
      this.#host.shrunk(s);
    }
  }

  #locate(handle: number): number {
    const loc = this.#handles.locate(handle);
    if (loc < 0 || (this.#zombies !== 0 && this.#isZombie(handle))) {
      if (this.#destroyed) throw new CharybdisError(LsaErrorCode.INVALID_STATE, `region ${this.name} is destroyed`);
      throw new CharybdisError(LsaErrorCode.INVALID_HANDLE, `region ${this.name}: ${String(handle)} is not a live handle`);
    }
    return loc;
  }

  #isZombie(handle: number): boolean {
    const p = this.#pins.get(handle);
    return p !== undefined && (p & ZOMBIE) !== 0;
  }

  #sizeAt(loc: number): number {
    return this.#table.words(loc >>> this.#wordBits)[(loc & this.#wordMask) + 1]!;
  }

  #viewAt(loc: number): Uint8Array {
    const off = ((loc & this.#wordMask) << 2) + OBJECT_HEADER_BYTES;
    return this.#table.bytes(loc >>> this.#wordBits).subarray(off, off + this.#sizeAt(loc));
  }

  #checkSize(sizeBytes: number): void {
    if (Number.isInteger(sizeBytes) && sizeBytes >= 0 && sizeBytes <= this.maxObjectBytes) return;
    if (Number.isInteger(sizeBytes) && sizeBytes > this.maxObjectBytes) {
      throw new CharybdisError(
        LsaErrorCode.OBJECT_TOO_LARGE,
        `region ${this.name}: object of ${sizeBytes} bytes exceeds the largest LSA object (${this.maxObjectBytes} bytes)`,
      );
    }
    throw new CharybdisError(LsaErrorCode.INVALID_OPTION, `region ${this.name}: object size must be a non-negative integer, got ${String(sizeBytes)}`);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
