import type { SSTableStats } from '../sstable/sstable-types';
import type { CommonCompactionOptions } from './compaction-options';
import type { CompactionCandidate } from './compaction-task';
import { rangesOverlap } from './partition-range';

/**
 * Estimated fraction of an SSTable's rows and tombstones that are tombstones droppable at
 * `gcBeforeSeconds`. Statistics keep only the count and the min/max local deletion time
 * (not Cassandra's histogram), so the droppable share of the tombstones is interpolated
 * linearly between min and max; the denominator is rows + tombstones (Cassandra divides
 * by cells, which we do not count). A rough estimate, used only to trigger a compaction.
 */
export function estimateDroppableTombstoneRatio(stats: SSTableStats, gcBeforeSeconds: number): number {
  const min = stats.minLocalDeletionTimeSeconds;
  const max = stats.maxLocalDeletionTimeSeconds;
  if (stats.tombstoneCount === 0 || min === null || max === null || min >= gcBeforeSeconds) return 0;
  const share = max < gcBeforeSeconds ? 1 : (gcBeforeSeconds - min) / (max - min + 1);
  return (stats.tombstoneCount * share) / Math.max(1, stats.rowCount + stats.tombstoneCount);
}

/**
 * Cassandra's `worthDroppingTombstones`, simplified: the SSTable is older than
 * tombstone_compaction_interval, its droppable-tombstone ratio exceeds
 * tombstone_threshold, and (unless unchecked_tombstone_compaction) no other SSTable
 * overlapping its partitions holds data as old as its newest write — such data could be
 * shadowed by the tombstones, which then could not be purged and the compaction would be
 * wasted. (Cassandra estimates how many keys fall outside the overlap instead.)
 */
export function worthDroppingTombstones(
  sstable: CompactionCandidate,
  all: readonly CompactionCandidate[],
  options: CommonCompactionOptions,
  nowMs: number,
  gcGraceSeconds: number,
): boolean {
  if (nowMs < sstable.stats.createdAtMs + options.tombstoneCompactionIntervalSeconds * 1000) return false;
  const gcBeforeSeconds = Math.floor(nowMs / 1000) - gcGraceSeconds;
  if (estimateDroppableTombstoneRatio(sstable.stats, gcBeforeSeconds) <= options.tombstoneThreshold) return false;
  if (options.uncheckedTombstoneCompaction) return true;
  const newest = sstable.stats.maxTimestampUs;
  return !all.some(
    (o) =>
      o.generation !== sstable.generation &&
      rangesOverlap(o.stats, sstable.stats) &&
      o.stats.minTimestampUs !== null &&
      newest !== null &&
      o.stats.minTimestampUs <= newest,
  );
}

/**
 * The smallest SSTable (not compacting, among `pool`) worth compacting alone to drop
 * tombstones, as Cassandra picks it; null when none.
 */
export function tombstoneCompactionCandidate(
  pool: readonly CompactionCandidate[],
  all: readonly CompactionCandidate[],
  options: CommonCompactionOptions,
  nowMs: number,
  gcGraceSeconds: number,
): CompactionCandidate | null {
  let best: CompactionCandidate | null = null;
  for (const s of pool) {
    if (s.compacting || !worthDroppingTombstones(s, all, options, nowMs, gcGraceSeconds)) continue;
    if (best === null || s.sizeBytes < best.sizeBytes || (s.sizeBytes === best.sizeBytes && s.generation < best.generation)) best = s;
  }
  return best;
}
