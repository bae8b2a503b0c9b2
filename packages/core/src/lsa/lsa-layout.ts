/**
 * The LSA's fixed layout constants and defaults (see README.md for the pictures). Plain
 * data only; every number that bounds something is named here.
 */

/** The handle that refers to nothing; never allocated (handle tables start at 1). */
export const NULL_HANDLE = 0;

/**
 * Bytes of an object's header inside its segment: word 0 is the handle back-pointer
 * (0 once the object is dead), word 1 the payload size in bytes.
 */
export const OBJECT_HEADER_BYTES = 8;
/** Objects start on 4-byte boundaries so headers are read as aligned u32 words. */
export const OBJECT_ALIGN_BYTES = 4;

/** Bytes an object of `sizeBytes` occupies in its segment: header plus padded payload. */
export function footprintBytes(sizeBytes: number): number {
  return OBJECT_HEADER_BYTES + ((sizeBytes + OBJECT_ALIGN_BYTES - 1) & ~(OBJECT_ALIGN_BYTES - 1));
}

/** Segment size of a pool unless configured (Seastar's LSA uses 128 KiB too). */
export const DEFAULT_SEGMENT_SIZE_BYTES = 128 * 1024;
/** Segment sizes are powers of two in this range. */
export const MIN_SEGMENT_SIZE_BYTES = 4 * 1024;
export const MAX_SEGMENT_SIZE_BYTES = 16 * 1024 * 1024;
/**
 * Largest budget of one pool. A handle's location is a u32 word address (segment index
 * and offset / 4) whose top bit marks free handle slots, so 2^31 words = 8 GiB.
 */
export const MAX_BUDGET_BYTES = 8 * 1024 * 1024 * 1024;
/** Size of the ArrayBuffers the pool carves segments from, allocated on first use. */
export const DEFAULT_CHUNK_SIZE_BYTES = 8 * 1024 * 1024;
/**
 * Segments only compaction may take: evacuating one segment needs at most one fresh
 * segment and gives one back, so one is enough for on-demand compaction to progress when
 * user allocations have taken everything else.
 */
export const DEFAULT_RESERVE_SEGMENTS = 1;
/** Background compaction runs while the pool's occupancy (live / used) is below this. */
export const DEFAULT_TARGET_OCCUPANCY = 0.9;
/**
 * On demand (an allocation found no free segment), a segment this sparse or sparser is
 * compacted before anything is evicted; denser ones only after eviction had nothing left.
 */
export const DEFAULT_RECLAIM_COMPACT_OCCUPANCY = 0.85;
/**
 * Soft pressure: when segments held by non-evictable regions (memtables) reach this
 * fraction of the budget, the largest such region's owner is told to flush.
 */
export const DEFAULT_PRESSURE_RATIO = 0.5;
/** Bytes a background compaction step moves at most (at least one segment is evacuated). */
export const DEFAULT_COMPACTION_STEP_BYTES = 64 * 1024;
/** Regions per pool (memtables are regions, so this bounds memtables per shard too). */
export const MAX_REGIONS = 65_536;
/** Handles per region: handle numbers are u32 in headers, and bit 31 marks free slots. */
export const MAX_HANDLES = 0x7fff_ffff;
/** Occupancy classes of the sparsest-segment index (1/32 of a segment each). */
export const OCCUPANCY_BUCKETS = 32;

/** Segment states kept in `SegmentTable.state`. */
export const SEGMENT_FREE = 0;
/** The segment a region bump-allocates into; never compacted, not in the buckets. */
export const SEGMENT_ACTIVE = 1;
/** A full (or abandoned) segment of a region: only frees and compaction touch it. */
export const SEGMENT_CLOSED = 2;
