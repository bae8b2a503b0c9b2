import type { SSTableStats } from '../sstable/sstable-types';

/**
 * One live SSTable as a strategy sees it: plain data the caller (the table's compaction
 * manager) builds from its open readers. `compacting` is true while a running task has it
 * as an input; strategies never hand it out again until that task ends.
 */
export interface CompactionCandidate {
  readonly generation: number;
  /** Size on disk used for bucketing and level budgets (the caller's choice: Data size or all components). */
  readonly sizeBytes: number;
  /** Leveled compaction's level (0 for flushes and size-tiered output); usually `stats.level`. */
  readonly level: number;
  readonly stats: SSTableStats;
  readonly compacting: boolean;
}

/** Why a task was chosen (for logs and metrics). */
export type CompactionReason =
  | 'size-tiered'
  | 'leveled-l0'
  | 'leveled-l0-size-tiered'
  | 'leveled-promotion'
  | 'tombstones';

/**
 * What to compact next, as plain data: the input generations, the level of the outputs,
 * and the size at which the runner starts a new output SSTable (Infinity: one output).
 */
export interface CompactionTask {
  readonly inputs: readonly number[];
  readonly outputLevel: number;
  readonly maxOutputBytes: number;
  readonly reason: CompactionReason;
}

/**
 * A compaction strategy: pure selection over the live SSTables. Implementations keep no
 * state but what the policy itself needs (leveled compaction's round-robin position), so
 * the caller owns which tasks run; it must mark a task's inputs `compacting` from the
 * moment `nextTask` returns it until the task ends.
 */
export interface CompactionStrategy {
  /** The next task to start, or null when nothing is worth compacting (or `enabled` is false). */
  nextTask(sstables: readonly CompactionCandidate[], nowMs: number): CompactionTask | null;
  /** Estimated number of tasks still needed to reach a compacted state (a metric, not a promise). */
  estimatePendingTasks(sstables: readonly CompactionCandidate[]): number;
  /** Bytes of compaction work outstanding (ScyllaDB-style backlog; see README.md for the formula). */
  backlogBytes(sstables: readonly CompactionCandidate[]): number;
}

/** Cassandra's default gc_grace_seconds (10 days). */
export const DEFAULT_GC_GRACE_SECONDS = 864_000;

/** Table facts a strategy needs besides its options. */
export interface CompactionStrategyContext {
  /** The table's gc_grace_seconds (decides which tombstones a single-SSTable compaction could drop). */
  readonly gcGraceSeconds?: number;
}
