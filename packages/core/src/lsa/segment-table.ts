import { SEGMENT_ACTIVE, SEGMENT_CLOSED, SEGMENT_FREE } from './lsa-layout';

/**
 * The segments of one shard's pool: their memory and their headers ("descriptors"),
 * kept out of the segment bytes in typed arrays indexed by segment number, so a segment
 * holds objects only and the whole table is a handful of JS objects.
 *
 * Memory: segments are carved from chunks (ArrayBuffers of `chunkSizeBytes`), allocated
 * on first use and kept until the pool is dropped, so the pool's footprint grows to what
 * the workload needed and then stays flat; it never exceeds `count × segmentSizeBytes`.
 *
 * Invariants (checked by `SegmentPool.checkInvariants`):
 * - `state[s]` is SEGMENT_FREE iff `s` is on the free stack or not yet materialized;
 *   then `owner[s] = -1` and `live[s] = top[s] = pinned[s] = 0`;
 * - for an owned segment: objects lie back to back in `[0, top[s])`, each a header
 *   (handle or 0 if dead, size) and its payload padded to 4 bytes; `live[s]` is exactly
 *   the sum of the footprints of its live objects, so `top[s] − live[s]` are dead bytes
 *   and `segmentSizeBytes − top[s]` are never-written tail bytes;
 * - `pinned[s]` is the number of distinct pinned objects in `s`;
 * - `liveTotal` is the sum of `live[]`, `usedCount` the number of owned segments.
 *
 * Thread: belongs to one shard's pool; touched only by that pool and its regions.
 */
export class SegmentTable {
  readonly segmentSizeBytes: number;
  /** log2(segmentSizeBytes / 4): a location is `(segment << segmentWordBits) | word`. */
  readonly segmentWordBits: number;
  readonly segmentWordMask: number;
  /** Segments in the budget. */
  readonly count: number;
  /** Region id owning each segment, -1 when free. */
  readonly owner: Int32Array;
  /** Footprint bytes of the live objects of each segment. */
  readonly live: Uint32Array;
  /** End of the last object written in each segment (the bump pointer of an active one). */
  readonly top: Uint32Array;
  /** Pinned objects in each segment; a segment with pins is never compacted. */
  readonly pinned: Uint32Array;
  /** SEGMENT_FREE, SEGMENT_ACTIVE or SEGMENT_CLOSED. */
  readonly state: Uint8Array;
  liveTotal = 0;
  usedCount = 0;
  readonly #bytes: Uint8Array[] = [];
  readonly #words: Uint32Array[] = [];
  readonly #segmentsPerChunk: number;
  readonly #chunkBytes: number[] = [];
  readonly #freeStack: Int32Array;
  #freeCount = 0;
  /** Segments below this index have memory. */
  #materialized = 0;

  constructor(segmentSizeBytes: number, count: number, chunkSizeBytes: number) {
    this.segmentSizeBytes = segmentSizeBytes;
    this.segmentWordBits = Math.log2(segmentSizeBytes / 4);
    this.segmentWordMask = (1 << this.segmentWordBits) - 1;
    this.count = count;
    this.owner = new Int32Array(count).fill(-1);
    this.live = new Uint32Array(count);
    this.top = new Uint32Array(count);
    this.pinned = new Uint32Array(count);
    this.state = new Uint8Array(count);
    this.#freeStack = new Int32Array(count);
    this.#segmentsPerChunk = Math.max(1, Math.floor(chunkSizeBytes / segmentSizeBytes));
  }

  /** Segments a `take()` can return now (free or not yet materialized). */
  get available(): number {
    return this.#freeCount + (this.count - this.#materialized);
  }

  /** Bytes of segment memory allocated from the system so far. */
  get materializedBytes(): number {
    let total = 0;
    for (const b of this.#chunkBytes) total += b;
    return total;
  }

  /** Bytes of the descriptor arrays. */
  get descriptorBytes(): number {
    return this.count * (4 + 4 + 4 + 4 + 1 + 4);
  }

  /** The bytes of segment `s` (must be materialized: owned, or free after use). */
  bytes(s: number): Uint8Array {
    return this.#bytes[s]!;
  }

  /** The same memory as u32 words, for headers. */
  words(s: number): Uint32Array {
    return this.#words[s]!;
  }

  /** Hands a free segment to region `ownerId` as its new active segment; -1 if none. */
  take(ownerId: number): number {
    let s: number;
    if (this.#freeCount > 0) {
      s = this.#freeStack[--this.#freeCount]!;
    } else if (this.#materialized < this.count) {
      s = this.#materialized++;
      this.#materialize(s);
    } else {
      return -1;
    }
    this.owner[s] = ownerId;
    this.state[s] = SEGMENT_ACTIVE;
    this.usedCount++;
    return s;
  }

  /** Marks active segment `s` closed (full or abandoned). */
  close(s: number): void {
    this.state[s] = SEGMENT_CLOSED;
  }

  /** Returns segment `s`, which holds no live object, to the free stack. */
  release(s: number): void {
    this.owner[s] = -1;
    this.live[s] = 0;
    this.top[s] = 0;
    this.pinned[s] = 0;
    this.state[s] = SEGMENT_FREE;
    this.#freeStack[this.#freeCount++] = s;
    this.usedCount--;
  }

  /** Whether `s` is active or closed (owned by a region). */
  isOwned(s: number): boolean {
    const st = this.state[s];
    return st === SEGMENT_ACTIVE || st === SEGMENT_CLOSED;
  }

  #materialize(s: number): void {
    const per = this.#segmentsPerChunk;
    if (s % per !== 0) return;
    const n = Math.min(per, this.count - s);
    const chunk = new ArrayBuffer(n * this.segmentSizeBytes);
    this.#chunkBytes.push(chunk.byteLength);
    for (let i = 0; i < n; i++) {
      const offset = i * this.segmentSizeBytes;
      this.#bytes[s + i] = new Uint8Array(chunk, offset, this.segmentSizeBytes);
      this.#words[s + i] = new Uint32Array(chunk, offset, this.segmentSizeBytes / 4);
    }
  }
}
