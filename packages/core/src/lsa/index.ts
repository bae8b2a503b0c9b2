/**
 * The log-structured allocator (DESIGN.md §4; design in README.md): per-shard segment
 * pools with a memory budget, regions of handle-addressed byte objects, compaction
 * (incremental and on demand), LRU eviction for the cache, pinning, and the B-tree index
 * a memtable sorts its entries with.
 */
export { SegmentPool } from './segment-pool';
export type { SegmentPoolOptions, SegmentPoolStats } from './segment-pool-options';
export { LsaRegion } from './lsa-region';
export type { LsaComparator, LsaPressureEvent, LsaRegionOptions, LsaRegionStats } from './lsa-region-types';
export { LsaBackgroundCompactor } from './lsa-background-compactor';
export type { LsaBackgroundCompactorOptions } from './lsa-background-compactor';
export { LsaBTree, DEFAULT_BTREE_MIN_DEGREE } from './lsa-btree';
export type { LsaBTreeOptions } from './lsa-btree';
export { LsaBTreeCursor } from './lsa-btree-cursor';
export { checkBTreeInvariants } from './check-btree-invariants';
export type { LsaInvariantReport } from './check-lsa-invariants';
export { compareBytes, reverseComparator } from './lsa-comparators';
export { LsaErrorCode } from './lsa-errors';
export type { LsaErrorCodeValue } from './lsa-errors';
export {
  NULL_HANDLE,
  OBJECT_HEADER_BYTES,
  footprintBytes,
  DEFAULT_SEGMENT_SIZE_BYTES,
  DEFAULT_CHUNK_SIZE_BYTES,
  DEFAULT_RESERVE_SEGMENTS,
  DEFAULT_TARGET_OCCUPANCY,
  DEFAULT_RECLAIM_COMPACT_OCCUPANCY,
  DEFAULT_PRESSURE_RATIO,
  DEFAULT_COMPACTION_STEP_BYTES,
  MAX_BUDGET_BYTES,
  MAX_REGIONS,
} from './lsa-layout';
