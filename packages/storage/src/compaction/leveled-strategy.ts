import { comparePartitionPositions } from '../partition-stream';
import type { LeveledCompactionOptions } from './compaction-options';
import { DEFAULT_GC_GRACE_SECONDS } from './compaction-task';
import type { CompactionCandidate, CompactionReason, CompactionStrategy, CompactionStrategyContext, CompactionTask } from './compaction-task';
import { overlapping, rangesOverlap, unionRange } from './partition-range';
import { mostInterestingBucket, sizeTieredBuckets } from './size-tiered-buckets';
import { tombstoneCompactionCandidate } from './tombstone-compaction';

/** Deepest level (Cassandra keeps 9 levels, 0..8); SSTables claiming a deeper one count as this one. */
export const LEVELED_MAX_LEVEL = 8;
/** L0 SSTables that trigger an L0 → L1 compaction. */
export const LEVELED_L0_TRIGGER = 4;
/** Most L0 SSTables one L0 → L1 task takes; beyond this many in L0, L0 is size-tiered first (Cassandra's MAX_COMPACTING_L0). */
export const LEVELED_MAX_COMPACTING_L0 = 32;

interface LastKey {
  readonly token: bigint;
  readonly key: Uint8Array;
}

/**
 * Leveled compaction (Cassandra's LCS): L0 holds flushes; levels 1..8 each hold
 * non-overlapping SSTables of about sstable_size_in_mb, level n up to fanout^n × that
 * size. Priorities, as Cassandra's: (1) more than 32 SSTables in L0 → size-tiered
 * compaction within L0 (output stays in L0, one SSTable); (2) the deepest level over its
 * budget promotes one SSTable — the next after the last one promoted from that level,
 * round robin by partition order — merged with the SSTables it overlaps in the next
 * level; (3) 4 or more L0 SSTables → up to 32 of them (oldest first) with every L1
 * SSTable overlapping their span go to L1, unless an L0 SSTable is already being
 * compacted (one L0 task at a time); (4) a single-SSTable tombstone compaction, in place.
 *
 * Concurrency: a task never takes a `compacting` SSTable, and a task writing into level
 * O ≥ 1 is not issued when its partition span overlaps a `compacting` SSTable of level
 * O − 1 or O (which may belong to another task writing into O). This is conservative: it
 * can hold back a task that would have been safe, never issue two that could leave
 * overlapping SSTables in one level.
 *
 * State: the round-robin position per level, advanced when a task is issued (a task that
 * then fails just makes the next pick skip ahead; the order is a fairness heuristic).
 */
export class LeveledStrategy implements CompactionStrategy {
  readonly gcGraceSeconds: number;
  readonly #lastCompacted: (LastKey | undefined)[] = [];

  constructor(
    readonly options: LeveledCompactionOptions,
    context: CompactionStrategyContext = {},
  ) {
    this.gcGraceSeconds = context.gcGraceSeconds ?? DEFAULT_GC_GRACE_SECONDS;
  }

  /** Bytes level `level` (≥ 1) may hold: fanout^level × sstable size. */
  maxBytesForLevel(level: number): number {
    return Math.pow(this.options.fanoutSize, level) * this.options.sstableSizeBytes;
  }

  /** See the class comment for the order of preference. */
  nextTask(sstables: readonly CompactionCandidate[], nowMs: number): CompactionTask | null {
    if (!this.options.enabled) return null;
    const levels = groupByLevel(sstables);
    const l0 = levels[0]!;
    if (l0.length > LEVELED_MAX_COMPACTING_L0) {
      const bucket = mostInterestingBucket(sizeTieredBuckets(free(l0), this.options), this.options);
      if (bucket !== null) return this.#task(bucket, 0, Number.POSITIVE_INFINITY, 'leveled-l0-size-tiered');
    }
    for (let level = LEVELED_MAX_LEVEL - 1; level >= 1; level--) {
      if (totalBytes(free(levels[level]!)) <= this.maxBytesForLevel(level)) continue;
      const task = this.#promotion(levels, level);
      if (task !== null) return task;
    }
    if (free(l0).length >= LEVELED_L0_TRIGGER) {
      const task = this.#l0ToL1(levels);
      if (task !== null) return task;
    }
    return this.#tombstoneTask(sstables, levels, nowMs);
  }

  /**
   * Promotions needed to bring every level within budget (⌈excess / sstable size⌉ per
   * level, SSTables not compacting) plus ⌈free L0 SSTables / 32⌉ L0 → L1 tasks once L0
   * reaches the trigger.
   */
  estimatePendingTasks(sstables: readonly CompactionCandidate[]): number {
    const levels = groupByLevel(sstables);
    const l0Free = free(levels[0]!).length;
    let tasks = l0Free >= LEVELED_L0_TRIGGER ? Math.ceil(l0Free / LEVELED_MAX_COMPACTING_L0) : 0;
    for (let level = 1; level <= LEVELED_MAX_LEVEL; level++) {
      const excess = totalBytes(free(levels[level]!)) - this.maxBytesForLevel(level);
      if (excess > 0) tasks += Math.ceil(excess / this.options.sstableSizeBytes);
    }
    return tasks;
  }

  /**
   * Bytes still to be written to reach the leveled shape: every L0 byte and every byte over
   * a level's budget has to move down each level to the deepest one in use (D), and moving
   * a byte down one level rewrites it with about `fanout` bytes of the next level:
   * backlog = Σ_L excess_L × (fanout + 1) × max(1, D − L), excess_0 = all L0 bytes.
   */
  backlogBytes(sstables: readonly CompactionCandidate[]): number {
    const levels = groupByLevel(sstables);
    let deepest = 1;
    for (let level = LEVELED_MAX_LEVEL; level >= 1; level--) {
      if (levels[level]!.length > 0) {
        deepest = level;
        break;
      }
    }
    let backlog = 0;
    for (let level = 0; level <= LEVELED_MAX_LEVEL; level++) {
      const bytes = totalBytes(levels[level]!);
      const excess = level === 0 ? bytes : Math.max(0, bytes - this.maxBytesForLevel(level));
      backlog += excess * (this.options.fanoutSize + 1) * Math.max(1, deepest - level);
    }
    return backlog;
  }

  #promotion(levels: readonly CompactionCandidate[][], level: number): CompactionTask | null {
    const next = levels[level + 1]!;
    for (const candidate of this.#roundRobinOrder(levels[level]!, level)) {
      if (candidate.compacting) continue;
      const inputs = [candidate, ...overlapping(candidate.stats, next)];
      if (!this.#canWriteInto(levels, level + 1, inputs)) continue;
      this.#lastCompacted[level] = { token: candidate.stats.lastToken, key: candidate.stats.lastKey };
      return this.#task(inputs, level + 1, this.options.sstableSizeBytes, 'leveled-promotion');
    }
    return null;
  }

  /** The level's SSTables in partition order, starting after the last one promoted from it. */
  #roundRobinOrder(sstables: readonly CompactionCandidate[], level: number): CompactionCandidate[] {
    const sorted = [...sstables].sort(
      (a, b) => comparePartitionPositions(a.stats.firstToken, a.stats.firstKey, b.stats.firstToken, b.stats.firstKey) || a.generation - b.generation,
    );
    const last = this.#lastCompacted[level];
    if (last === undefined) return sorted;
    const start = sorted.findIndex((s) => comparePartitionPositions(s.stats.firstToken, s.stats.firstKey, last.token, last.key) > 0);
    return start <= 0 ? sorted : [...sorted.slice(start), ...sorted.slice(0, start)];
  }

  #l0ToL1(levels: readonly CompactionCandidate[][]): CompactionTask | null {
    // One L0 task at a time: L0 inputs leave gaps in their span, and two L0 → L1 tasks
    // with interleaved spans would both write L1 SSTables across each other's gaps.
    if (levels[0]!.some((s) => s.compacting)) return null;
    const l0 = free(levels[0]!)
      .sort((a, b) => a.stats.createdAtMs - b.stats.createdAtMs || a.generation - b.generation)
      .slice(0, LEVELED_MAX_COMPACTING_L0);
    const inputs = [...l0, ...overlapping(unionRange(l0), levels[1]!)];
    if (!this.#canWriteInto(levels, 1, inputs)) return null;
    return this.#task(inputs, 1, this.options.sstableSizeBytes, 'leveled-l0');
  }

  #tombstoneTask(all: readonly CompactionCandidate[], levels: readonly CompactionCandidate[][], nowMs: number): CompactionTask | null {
    for (let level = LEVELED_MAX_LEVEL; level >= 0; level--) {
      const single = tombstoneCompactionCandidate(levels[level]!, all, this.options, nowMs, this.gcGraceSeconds);
      if (single === null || (level > 0 && !this.#canWriteInto(levels, level, [single]))) continue;
      const maxOutputBytes = level === 0 ? Number.POSITIVE_INFINITY : this.options.sstableSizeBytes;
      return this.#task([single], level, maxOutputBytes, 'tombstones');
    }
    return null;
  }

  /** False when an input is compacting or the inputs' span overlaps a compacting SSTable of level − 1 or level. */
  #canWriteInto(levels: readonly CompactionCandidate[][], level: number, inputs: readonly CompactionCandidate[]): boolean {
    if (inputs.some((s) => s.compacting)) return false;
    const span = unionRange(inputs);
    const busy = [...levels[level - 1]!, ...levels[level]!].filter((s) => s.compacting);
    return !busy.some((s) => rangesOverlap(span, s.stats));
  }

  #task(inputs: readonly CompactionCandidate[], outputLevel: number, maxOutputBytes: number, reason: CompactionReason): CompactionTask {
    return { inputs: inputs.map((s) => s.generation), outputLevel, maxOutputBytes, reason };
  }
}

/** SSTables by level 0..LEVELED_MAX_LEVEL (deeper claims clamp to the last level). */
function groupByLevel(sstables: readonly CompactionCandidate[]): CompactionCandidate[][] {
  const levels: CompactionCandidate[][] = Array.from({ length: LEVELED_MAX_LEVEL + 2 }, () => []);
  for (const s of sstables) levels[Math.min(Math.max(0, s.level), LEVELED_MAX_LEVEL)]!.push(s);
  return levels;
}

function free(sstables: readonly CompactionCandidate[]): CompactionCandidate[] {
  return sstables.filter((s) => !s.compacting);
}

function totalBytes(sstables: readonly CompactionCandidate[]): number {
  return sstables.reduce((sum, s) => sum + s.sizeBytes, 0);
}
