import { OCCUPANCY_BUCKETS } from './lsa-layout';

/**
 * The compaction candidates of a pool, by occupancy: closed, unpinned segments that hold
 * at least one live object, in OCCUPANCY_BUCKETS intrusive doubly linked lists (typed
 * arrays indexed by segment) by live bytes. Finding an (approximately, within 1/32 of a
 * segment) sparsest candidate is a scan of at most 32 list heads; a free moves a segment
 * between lists in O(1).
 *
 * Invariant: a segment is listed iff it is closed, unpinned and has live > 0, and then in
 * the bucket of its current live bytes. The pool and its regions keep that true on every
 * close, free, pin, unpin, evacuation and release. Owned by one shard's pool.
 */
export class OccupancyBuckets {
  readonly #segmentSizeBytes: number;
  readonly #head = new Int32Array(OCCUPANCY_BUCKETS).fill(-1);
  readonly #next: Int32Array;
  readonly #prev: Int32Array;
  /** Bucket of each segment, -1 when not listed. */
  readonly #bucketOf: Int8Array;
  #count = 0;

  constructor(segmentCount: number, segmentSizeBytes: number) {
    this.#segmentSizeBytes = segmentSizeBytes;
    this.#next = new Int32Array(segmentCount).fill(-1);
    this.#prev = new Int32Array(segmentCount).fill(-1);
    this.#bucketOf = new Int8Array(segmentCount).fill(-1);
  }

  /** Listed segments. */
  get count(): number {
    return this.#count;
  }

  /** Bytes of the typed arrays. */
  get bytes(): number {
    return this.#next.byteLength * 2 + this.#bucketOf.byteLength + this.#head.byteLength;
  }

  contains(s: number): boolean {
    return this.#bucketOf[s] !== -1;
  }

  /** The bucket a segment with `liveBytes` belongs in. */
  bucketFor(liveBytes: number): number {
    return Math.min(OCCUPANCY_BUCKETS - 1, Math.floor((liveBytes * OCCUPANCY_BUCKETS) / this.#segmentSizeBytes));
  }

  /** Which bucket `s` is listed in (-1 if none); for checks. */
  bucketOf(s: number): number {
    return this.#bucketOf[s]!;
  }

  insert(s: number, liveBytes: number): void {
    const b = this.bucketFor(liveBytes);
    const first = this.#head[b]!;
    this.#next[s] = first;
    this.#prev[s] = -1;
    if (first !== -1) this.#prev[first] = s;
    this.#head[b] = s;
    this.#bucketOf[s] = b;
    this.#count++;
  }

  remove(s: number): void {
    const b = this.#bucketOf[s]!;
    const next = this.#next[s]!;
    const prev = this.#prev[s]!;
    if (prev === -1) this.#head[b] = next;
    else this.#next[prev] = next;
    if (next !== -1) this.#prev[next] = prev;
    this.#bucketOf[s] = -1;
    this.#count--;
  }

  /** Moves listed `s` to the bucket of `liveBytes` if that changed it. */
  update(s: number, liveBytes: number): void {
    if (this.bucketFor(liveBytes) === this.#bucketOf[s]) return;
    this.remove(s);
    this.insert(s, liveBytes);
  }

  /**
   * A listed segment from the lowest non-empty bucket whose segments can hold less than
   * `maxLiveBytes`, if its live bytes are below `maxLiveBytes` (checked against `live`);
   * -1 otherwise.
   */
  sparsest(live: Uint32Array, maxLiveBytes: number): number {
    const per = this.#segmentSizeBytes / OCCUPANCY_BUCKETS;
    for (let b = 0; b < OCCUPANCY_BUCKETS && b * per < maxLiveBytes; b++) {
      const s = this.#head[b]!;
      if (s !== -1) return live[s]! < maxLiveBytes ? s : -1;
    }
    return -1;
  }
}
