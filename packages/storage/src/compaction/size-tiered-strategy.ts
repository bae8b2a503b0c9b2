import type { SizeTieredCompactionOptions } from './compaction-options';
import { DEFAULT_GC_GRACE_SECONDS } from './compaction-task';
import type { CompactionCandidate, CompactionStrategy, CompactionStrategyContext, CompactionTask } from './compaction-task';
import { mostInterestingBucket, sizeTieredBacklogBytes, sizeTieredBuckets, sizeTieredPendingTasks } from './size-tiered-buckets';
import { tombstoneCompactionCandidate } from './tombstone-compaction';

/**
 * Size-tiered compaction (Cassandra's STCS, the default): SSTables of similar size are
 * bucketed together and a bucket of at least min_threshold is merged into one SSTable,
 * so data climbs tiers of geometrically growing size. When no bucket qualifies, the
 * smallest SSTable whose droppable tombstones pass tombstone_threshold is compacted
 * alone. Outputs stay in level 0 and are not split (maxOutputBytes = Infinity).
 */
export class SizeTieredStrategy implements CompactionStrategy {
  readonly gcGraceSeconds: number;

  constructor(
    readonly options: SizeTieredCompactionOptions,
    context: CompactionStrategyContext = {},
  ) {
    this.gcGraceSeconds = context.gcGraceSeconds ?? DEFAULT_GC_GRACE_SECONDS;
  }

  /** The most interesting bucket (see `mostInterestingBucket`), else a tombstone compaction, else null. */
  nextTask(sstables: readonly CompactionCandidate[], nowMs: number): CompactionTask | null {
    if (!this.options.enabled) return null;
    const free = sstables.filter((s) => !s.compacting);
    const bucket = mostInterestingBucket(sizeTieredBuckets(free, this.options), this.options);
    if (bucket !== null) {
      return { inputs: bucket.map((s) => s.generation), outputLevel: 0, maxOutputBytes: Number.POSITIVE_INFINITY, reason: 'size-tiered' };
    }
    const single = tombstoneCompactionCandidate(free, sstables, this.options, nowMs, this.gcGraceSeconds);
    if (single === null) return null;
    return { inputs: [single.generation], outputLevel: 0, maxOutputBytes: Number.POSITIVE_INFINITY, reason: 'tombstones' };
  }

  /** Σ over qualifying buckets of the SSTables not compacting of ⌈count / max_threshold⌉ (Cassandra's estimate). */
  estimatePendingTasks(sstables: readonly CompactionCandidate[]): number {
    const free = sstables.filter((s) => !s.compacting);
    return sizeTieredPendingTasks(sizeTieredBuckets(free, this.options), this.options);
  }

  /** Σ sizeᵢ × log_{min_threshold}(total / sizeᵢ) over every SSTable (see `sizeTieredBacklogBytes`). */
  backlogBytes(sstables: readonly CompactionCandidate[]): number {
    return sizeTieredBacklogBytes(sstables.map((s) => s.sizeBytes), this.options.minThreshold);
  }
}
