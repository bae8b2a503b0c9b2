import type { SizeTieredParams } from './compaction-options';
import type { CompactionCandidate } from './compaction-task';

/** A group of SSTables of similar size, smallest first. */
export interface SizeTieredBucket {
  readonly sstables: readonly CompactionCandidate[];
  readonly averageSizeBytes: number;
}

function bySizeThenGeneration(a: CompactionCandidate, b: CompactionCandidate): number {
  return a.sizeBytes - b.sizeBytes || a.generation - b.generation;
}

/**
 * Cassandra's size-tiered bucketing: SSTables in increasing size order each join the
 * first bucket whose average size `avg` has avg × bucket_low < size < avg × bucket_high
 * (the average then moves), or whose average and own size are both below
 * min_sstable_size (so all small SSTables end up together); otherwise they start a
 * bucket. The caller passes the SSTables it may compact (not `compacting` ones).
 */
export function sizeTieredBuckets(sstables: readonly CompactionCandidate[], params: SizeTieredParams): SizeTieredBucket[] {
  const buckets: { sstables: CompactionCandidate[]; totalBytes: number }[] = [];
  for (const s of [...sstables].sort(bySizeThenGeneration)) {
    const size = s.sizeBytes;
    const home = buckets.find((b) => {
      const avg = b.totalBytes / b.sstables.length;
      const similar = size > avg * params.bucketLow && size < avg * params.bucketHigh;
      const bothSmall = size < params.minSSTableSizeBytes && avg < params.minSSTableSizeBytes;
      return similar || bothSmall;
    });
    if (home === undefined) {
      buckets.push({ sstables: [s], totalBytes: size });
    } else {
      home.sstables.push(s);
      home.totalBytes += size;
    }
  }
  return buckets.map((b) => ({ sstables: b.sstables, averageSizeBytes: b.totalBytes / b.sstables.length }));
}

/**
 * The bucket to compact: among buckets with at least min_threshold SSTables, each cut to
 * its max_threshold smallest, the one with the most SSTables, then the smallest average
 * size, then the lowest first generation (determinism). Cassandra picks the "hottest"
 * bucket by read rate; we have no read rates, and this choice removes the most SSTables
 * per byte rewritten, which is what bounds read amplification. Null when no bucket
 * qualifies.
 */
export function mostInterestingBucket(buckets: readonly SizeTieredBucket[], params: SizeTieredParams): CompactionCandidate[] | null {
  let best: { sstables: CompactionCandidate[]; averageSizeBytes: number } | null = null;
  for (const b of buckets) {
    if (b.sstables.length < params.minThreshold) continue;
    const sstables = b.sstables.slice(0, params.maxThreshold);
    const averageSizeBytes = sstables.reduce((sum, s) => sum + s.sizeBytes, 0) / sstables.length;
    if (best === null || isBetter(sstables, averageSizeBytes, best)) best = { sstables, averageSizeBytes };
  }
  return best === null ? null : best.sstables;
}

function isBetter(sstables: CompactionCandidate[], avg: number, best: { sstables: CompactionCandidate[]; averageSizeBytes: number }): boolean {
  if (sstables.length !== best.sstables.length) return sstables.length > best.sstables.length;
  if (avg !== best.averageSizeBytes) return avg < best.averageSizeBytes;
  return minGeneration(sstables) < minGeneration(best.sstables);
}

function minGeneration(sstables: readonly CompactionCandidate[]): number {
  return Math.min(...sstables.map((s) => s.generation));
}

/**
 * Cassandra's estimate of the size-tiered tasks left: Σ over buckets with at least
 * min_threshold SSTables of ⌈count / max_threshold⌉.
 */
export function sizeTieredPendingTasks(buckets: readonly SizeTieredBucket[], params: SizeTieredParams): number {
  let n = 0;
  for (const b of buckets) if (b.sstables.length >= params.minThreshold) n += Math.ceil(b.sstables.length / params.maxThreshold);
  return n;
}

/**
 * ScyllaDB's size-tiered backlog: every byte is rewritten once per tier it still has to
 * climb, and a tier multiplies size by the fan-in (min_threshold), so
 * backlog = Σᵢ sizeᵢ × log_{min_threshold}(total / sizeᵢ), total = Σ sizes. One SSTable, or
 * all bytes in one SSTable, is no backlog; n equal SSTables give total × log_T(n).
 */
export function sizeTieredBacklogBytes(sizes: readonly number[], minThreshold: number): number {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total <= 0) return 0;
  const logT = Math.log(minThreshold);
  let backlog = 0;
  for (const size of sizes) if (size > 0) backlog += (size * Math.log(total / size)) / logT;
  return backlog;
}
