/**
 * Compaction: strategy options (`compaction = {...}`), the size-tiered and leveled
 * selection policies, the task runner (merge, purge after gc_grace, split outputs) and
 * its metrics. See README.md.
 */
export { CompactionErrorCodes } from './compaction-error-codes';
export type { CompactionErrorCode } from './compaction-error-codes';
export {
  parseCompactionOptions,
  DEFAULT_COMPACTION_OPTIONS,
  DEFAULT_LEVELED_OPTIONS,
  MAX_COMPACTION_THRESHOLD,
  MAX_LEVELED_SSTABLE_SIZE_MB,
  MAX_LEVELED_FANOUT,
} from './compaction-options';
export type {
  CompactionOptions,
  CompactionOptionMap,
  CommonCompactionOptions,
  SizeTieredParams,
  SizeTieredCompactionOptions,
  LeveledCompactionOptions,
} from './compaction-options';
export { DEFAULT_GC_GRACE_SECONDS } from './compaction-task';
export type { CompactionCandidate, CompactionTask, CompactionReason, CompactionStrategy, CompactionStrategyContext } from './compaction-task';
export { SizeTieredStrategy } from './size-tiered-strategy';
export { LeveledStrategy, LEVELED_MAX_LEVEL, LEVELED_L0_TRIGGER, LEVELED_MAX_COMPACTING_L0 } from './leveled-strategy';
export { createCompactionStrategy } from './create-compaction-strategy';
export { sizeTieredBacklogBytes } from './size-tiered-buckets';
export { estimateDroppableTombstoneRatio } from './tombstone-compaction';
export {
  runCompaction,
  NO_DATA_OUTSIDE_COMPACTION,
  COMPACTION_YIELD_EVERY_PARTITIONS,
  COMPACTION_YIELD_EVERY_ROWS,
} from './run-compaction';
export type { RunCompactionOptions, CompactionResult, CompactionOutput, CompactionProgress } from './run-compaction';
export { CompactionMetrics } from './compaction-metrics';
export type { CompactionMetricsSnapshot, CompactionTaskFigures, CompactionMetricsSources } from './compaction-metrics';
