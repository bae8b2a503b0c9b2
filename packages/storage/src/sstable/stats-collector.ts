import type { ClusteringComparator, ClusteringPrefix } from '@charybdis/schema';
import type { PartitionStatsSummary, SSTableStats } from './sstable-types';

/**
 * Folds the PartitionStatsSummary of each partition appended to a writer (computed from
 * the update, or read from an Index entry when a record is copied raw) into the SSTable's
 * stats. Both paths fold the same summaries, so Statistics are exact either way. Keeps the
 * first and last key, and plain numbers: nothing per partition.
 */
export class StatsCollector {
  partitionCount = 0;
  rowCount = 0;
  tombstoneCount = 0;
  hasPartitionOrRangeDeletions = false;
  #minTs: bigint | null = null;
  #maxTs: bigint | null = null;
  #minLdt: number | null = null;
  #maxLdt: number | null = null;
  #minClustering: ClusteringPrefix | null = null;
  #maxClustering: ClusteringPrefix | null = null;
  #firstToken = 0n;
  #firstKey: Uint8Array | null = null;
  #lastToken = 0n;
  #lastKey: Uint8Array | null = null;

  constructor(private readonly comparator: ClusteringComparator) {}

  add(token: bigint, key: Uint8Array, s: PartitionStatsSummary): void {
    this.partitionCount++;
    if (this.#firstKey === null) {
      this.#firstToken = token;
      this.#firstKey = key;
    }
    this.#lastToken = token;
    this.#lastKey = key;
    this.rowCount += s.rowCount;
    this.tombstoneCount += s.tombstoneCount;
    if (s.hasPartitionOrRangeDeletions) this.hasPartitionOrRangeDeletions = true;
    if (s.minTimestampUs !== null && (this.#minTs === null || s.minTimestampUs < this.#minTs)) this.#minTs = s.minTimestampUs;
    if (s.maxTimestampUs !== null && (this.#maxTs === null || s.maxTimestampUs > this.#maxTs)) this.#maxTs = s.maxTimestampUs;
    if (s.minLocalDeletionTimeSeconds !== null && (this.#minLdt === null || s.minLocalDeletionTimeSeconds < this.#minLdt)) this.#minLdt = s.minLocalDeletionTimeSeconds;
    if (s.maxLocalDeletionTimeSeconds !== null && (this.#maxLdt === null || s.maxLocalDeletionTimeSeconds > this.#maxLdt)) this.#maxLdt = s.maxLocalDeletionTimeSeconds;
    const lo = s.minClustering;
    const hi = s.maxClustering;
    // Byte-equal prefixes compare equal: skip the (costlier) typed comparison, which is the
    // common case when partitions share clustering values (one row at ck 0, time buckets).
    if (lo !== null && (this.#minClustering === null || (!samePrefixBytes(lo, this.#minClustering) && this.comparator.compare(lo, this.#minClustering) < 0))) this.#minClustering = lo;
    if (hi !== null && (this.#maxClustering === null || (!samePrefixBytes(hi, this.#maxClustering) && this.comparator.compare(hi, this.#maxClustering) > 0))) this.#maxClustering = hi;
  }

  /** The stats of everything added (at least one partition). */
  stats(sizes: { dataSizeBytes: number; uncompressedSizeBytes: number; level: number; createdAtMs: number }): SSTableStats {
    return {
      partitionCount: this.partitionCount,
      rowCount: this.rowCount,
      tombstoneCount: this.tombstoneCount,
      dataSizeBytes: sizes.dataSizeBytes,
      uncompressedSizeBytes: sizes.uncompressedSizeBytes,
      firstToken: this.#firstToken,
      lastToken: this.#lastToken,
      firstKey: Buffer.from(this.#firstKey!),
      lastKey: Buffer.from(this.#lastKey!),
      minTimestampUs: this.#minTs,
      maxTimestampUs: this.#maxTs,
      minLocalDeletionTimeSeconds: this.#minLdt,
      maxLocalDeletionTimeSeconds: this.#maxLdt,
      minClustering: this.#minClustering,
      maxClustering: this.#maxClustering,
      hasPartitionOrRangeDeletions: this.hasPartitionOrRangeDeletions,
      level: sizes.level,
      createdAtMs: sizes.createdAtMs,
    };
  }
}

/** Byte equality with a plain loop: clustering components are short, and Buffer.compare's native call costs more than it saves. */
function samePrefixBytes(a: ClusteringPrefix, b: ClusteringPrefix): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
  }
  return true;
}
