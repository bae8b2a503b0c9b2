import type { LsaRegion } from './lsa-region';
import type { OccupancyBuckets } from './occupancy-buckets';
import type { SegmentTable } from './segment-table';

/**
 * Compares two byte ranges: negative, zero or positive as `a` sorts before, equal to or
 * after `b`. Called with a segment's bytes and an object's payload offset and length, or
 * with a caller's probe; it must not keep the arrays (they are views of segment memory).
 */
export type LsaComparator = (
  a: Uint8Array,
  aOffset: number,
  aLength: number,
  b: Uint8Array,
  bOffset: number,
  bLength: number,
) => number;

/** Told to a non-evictable region's owner (`onPressure`) so it flushes. Plain data. */
export interface LsaPressureEvent {
  /**
   * `soft`: memory held by non-evictable regions crossed the pool's pressure threshold;
   * `hard`: an allocation failed with LSA_OUT_OF_MEMORY.
   */
  kind: 'soft' | 'hard';
  /** Name of the region told (the largest non-evictable region with a callback). */
  regionName: string;
  /** Segment bytes that region holds. */
  regionBytes: number;
  /** Segment bytes all non-evictable regions hold. */
  nonEvictableBytes: number;
  budgetBytes: number;
}

/** Options of {@link SegmentPool.createRegion}. */
export interface LsaRegionOptions {
  /** For stats, errors and pressure events, e.g. `memtable:ks.t:3` or `cache`. */
  name?: string;
  /**
   * An evictable region (the row cache) keeps its objects in LRU order and gives the
   * least recently used ones up when the pool needs memory; it must pass `onEvict`.
   */
  evictable?: boolean;
  /**
   * Called synchronously for each object being evicted, before it is freed: drop every
   * reference to the handle (e.g. remove it from the cache's index; freeing other handles
   * is allowed, allocating is not: LSA_INVALID_STATE). If the callback did not free the
   * handle, the region frees it. If it throws, eviction stops with LSA_EVICTION_FAILED.
   */
  onEvict?: (handle: number) => void;
  /**
   * For non-evictable regions (memtables): called asynchronously (a microtask) when the
   * pool wants this region's memory back, i.e. when it should flush. See
   * {@link LsaPressureEvent}.
   */
  onPressure?: (event: LsaPressureEvent) => void;
}

/** Plain-data snapshot of a region (`region.stats()`). */
export interface LsaRegionStats {
  name: string;
  evictable: boolean;
  /** Live objects (pinned ones freed by their owner are no longer counted). */
  objects: number;
  /** Sum of the live objects' sizes. */
  payloadBytes: number;
  /** Sum of the live objects' footprints (header + padded payload). */
  liveBytes: number;
  segments: number;
  /** Bytes of freed objects still inside the region's segments (compaction reclaims them). */
  deadBytes: number;
  /** liveBytes / (segments × segment size); 1 when the region holds no segment. */
  occupancy: number;
  pinnedObjects: number;
  /** Bytes of the handle table and LRU links (outside the pool's budget). */
  metadataBytes: number;
  evictedObjects: number;
  evictedBytes: number;
}

/**
 * What a region needs from its pool; implemented privately by SegmentPool, which does
 * every segment state transition (take, close, release, bucket moves).
 * @internal
 */
export interface RegionHost {
  readonly table: SegmentTable;
  readonly buckets: OccupancyBuckets;
  /** Makes `region.active` a segment with room for `totalBytes`, reclaiming memory or throwing OOM. */
  refill(region: LsaRegion, totalBytes: number): void;
  /** A fresh segment for evacuation into `region` (reserve included); -1 if none. */
  takeForCompaction(region: LsaRegion): number;
  /** Active segment `s` of `region` is done with. */
  close(region: LsaRegion, s: number): void;
  /** Closed segment `s` lost live bytes (freed objects): re-bucket or release it. */
  shrunk(s: number): void;
  /** Segment `s` got its first pin (`pinned` just became 1) or lost its last one. */
  pinsChanged(s: number): void;
  /** A region is being destroyed: release its segments and forget it. */
  destroyed(region: LsaRegion): void;
  /** Throws LSA_INVALID_STATE while the pool is reclaiming (eviction callbacks run). */
  checkNotReclaiming(what: string): void;
  /** True while the pool reclaims memory (compaction or eviction callbacks running). */
  reclaiming: boolean;
}

/** @internal What `region.inspect()` returns to the invariant checker. */
export interface RegionInspection {
  handleCount: number;
  lruLength: number;
  zombies: number;
  pinnedHandles: number[];
  zombieHandles: number[];
  /** The location of live handle `h`, -1 if not live. */
  locate: (h: number) => number;
}
