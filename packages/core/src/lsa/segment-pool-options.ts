import { CharybdisError } from '../errors';
import type { MetricsRegistry } from '../metrics';
import { LsaErrorCode } from './lsa-errors';
import {
  DEFAULT_CHUNK_SIZE_BYTES,
  DEFAULT_PRESSURE_RATIO,
  DEFAULT_RECLAIM_COMPACT_OCCUPANCY,
  DEFAULT_RESERVE_SEGMENTS,
  DEFAULT_SEGMENT_SIZE_BYTES,
  DEFAULT_TARGET_OCCUPANCY,
  MAX_BUDGET_BYTES,
  MAX_SEGMENT_SIZE_BYTES,
  MIN_SEGMENT_SIZE_BYTES,
} from './lsa-layout';

/** Options of {@link SegmentPool}. */
export interface SegmentPoolOptions {
  /**
   * The shard's LSA memory budget: segment memory never exceeds it (floor(budget /
   * segment size) segments). Handle tables, LRU links and indexes are JS-side metadata
   * outside it, reported as `metadataBytes`. At most 8 GiB.
   */
  budgetBytes: number;
  /** Power of two, 4 KiB..16 MiB; default 128 KiB. Also bounds the largest object. */
  segmentSizeBytes?: number;
  /** Size of the ArrayBuffers segments are carved from, allocated on first use; default 8 MiB. */
  chunkSizeBytes?: number;
  /** Segments only compaction may take; default 1 (see lsa-layout.ts). */
  reserveSegments?: number;
  /** Background compaction keeps occupancy (live / used segment bytes) at least this; default 0.9. */
  targetOccupancy?: number;
  /** On demand, compact segments at most this full before evicting; default 0.85. */
  reclaimCompactOccupancy?: number;
  /** Soft pressure when non-evictable regions hold this fraction of the budget; default 0.5. */
  pressureRatio?: number;
  /** Registers the pool's metrics (lsa_*) here; one pool per registry. */
  metrics?: MetricsRegistry;
}

/** The validated, defaulted options. */
export interface ResolvedPoolOptions {
  budgetBytes: number;
  segmentSizeBytes: number;
  chunkSizeBytes: number;
  reserveSegments: number;
  targetOccupancy: number;
  reclaimCompactOccupancy: number;
  pressureRatio: number;
}

/** Plain-data snapshot of a pool (`pool.stats()`). */
export interface SegmentPoolStats {
  budgetBytes: number;
  segmentSizeBytes: number;
  totalSegments: number;
  usedSegments: number;
  /** Segments not owned by a region (free or not yet materialized), reserve included. */
  freeSegments: number;
  reserveSegments: number;
  /** Segment memory allocated from the system so far (grows to what was needed, then stays). */
  materializedBytes: number;
  /** Footprint of every live object (pinned objects freed by their owner included until unpinned). */
  liveBytes: number;
  /** liveBytes / (usedSegments × segment size); 1 when no segment is used. */
  occupancy: number;
  regions: number;
  /** Segments held by non-evictable regions (memtables). */
  nonEvictableSegments: number;
  /** Closed, unpinned segments with live objects: what compaction can pick from. */
  compactibleSegments: number;
  /** Handle tables, LRU links, segment descriptors and buckets, bytes (outside the budget). */
  metadataBytes: number;
  compactionMovedBytes: number;
  segmentsCompacted: number;
  /** Segments evacuated on demand (an allocation needed memory), a subset of segmentsCompacted. */
  onDemandCompactions: number;
  evictedObjects: number;
  evictedBytes: number;
  outOfMemoryErrors: number;
  pressureEvents: number;
}

/** Validates `options` and fills in the defaults; LSA_INVALID_OPTION on a bad value. */
export function resolvePoolOptions(options: SegmentPoolOptions): ResolvedPoolOptions {
  const segmentSizeBytes = options.segmentSizeBytes ?? DEFAULT_SEGMENT_SIZE_BYTES;
  if (
    !Number.isInteger(segmentSizeBytes) ||
    segmentSizeBytes < MIN_SEGMENT_SIZE_BYTES ||
    segmentSizeBytes > MAX_SEGMENT_SIZE_BYTES ||
    (segmentSizeBytes & (segmentSizeBytes - 1)) !== 0
  ) {
    throw invalid(`segmentSizeBytes must be a power of two in [${MIN_SEGMENT_SIZE_BYTES}, ${MAX_SEGMENT_SIZE_BYTES}], got ${String(segmentSizeBytes)}`);
  }
  const reserveSegments = options.reserveSegments ?? DEFAULT_RESERVE_SEGMENTS;
  if (!Number.isInteger(reserveSegments) || reserveSegments < 1) {
    throw invalid(`reserveSegments must be an integer >= 1, got ${String(reserveSegments)}`);
  }
  const budgetBytes = options.budgetBytes;
  if (!Number.isSafeInteger(budgetBytes) || budgetBytes > MAX_BUDGET_BYTES || budgetBytes < (reserveSegments + 1) * segmentSizeBytes) {
    throw invalid(
      `budgetBytes must be an integer in [${(reserveSegments + 1) * segmentSizeBytes}, ${MAX_BUDGET_BYTES}] (reserve + 1 segments .. 8 GiB), got ${String(budgetBytes)}`,
    );
  }
  const chunkSizeBytes = options.chunkSizeBytes ?? DEFAULT_CHUNK_SIZE_BYTES;
  if (!Number.isSafeInteger(chunkSizeBytes) || chunkSizeBytes < segmentSizeBytes) {
    throw invalid(`chunkSizeBytes must be an integer >= segmentSizeBytes, got ${String(chunkSizeBytes)}`);
  }
  return {
    budgetBytes,
    segmentSizeBytes,
    chunkSizeBytes,
    reserveSegments,
    targetOccupancy: ratio('targetOccupancy', options.targetOccupancy ?? DEFAULT_TARGET_OCCUPANCY),
    reclaimCompactOccupancy: ratio('reclaimCompactOccupancy', options.reclaimCompactOccupancy ?? DEFAULT_RECLAIM_COMPACT_OCCUPANCY),
    pressureRatio: ratio('pressureRatio', options.pressureRatio ?? DEFAULT_PRESSURE_RATIO),
  };
}

function ratio(name: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) throw invalid(`${name} must be in (0, 1], got ${String(value)}`);
  return value;
}

function invalid(message: string): CharybdisError {
  return new CharybdisError(LsaErrorCode.INVALID_OPTION, `SegmentPool: ${message}`);
}
