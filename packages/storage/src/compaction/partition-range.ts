import { comparePartitionPositions } from '../partition-stream';
import type { CompactionCandidate } from './compaction-task';

/** The first-to-last partition span of SSTables, inclusive, in partition order. */
export interface PartitionRange {
  readonly firstToken: bigint;
  readonly firstKey: Uint8Array;
  readonly lastToken: bigint;
  readonly lastKey: Uint8Array;
}

/** The span of one SSTable, from its Statistics. */
export function rangeOf(s: CompactionCandidate): PartitionRange {
  return s.stats;
}

/** True when two inclusive spans share at least one partition position. */
export function rangesOverlap(a: PartitionRange, b: PartitionRange): boolean {
  return (
    comparePartitionPositions(a.firstToken, a.firstKey, b.lastToken, b.lastKey) <= 0 &&
    comparePartitionPositions(b.firstToken, b.firstKey, a.lastToken, a.lastKey) <= 0
  );
}

/** The smallest span covering every SSTable given (at least one). */
export function unionRange(sstables: readonly CompactionCandidate[]): PartitionRange {
  let first = sstables[0]!.stats;
  let last = sstables[0]!.stats;
  for (const s of sstables) {
    if (comparePartitionPositions(s.stats.firstToken, s.stats.firstKey, first.firstToken, first.firstKey) < 0) first = s.stats;
    if (comparePartitionPositions(s.stats.lastToken, s.stats.lastKey, last.lastToken, last.lastKey) > 0) last = s.stats;
  }
  return { firstToken: first.firstToken, firstKey: first.firstKey, lastToken: last.lastToken, lastKey: last.lastKey };
}

/** The SSTables of `pool` overlapping `range`. */
export function overlapping(range: PartitionRange, pool: readonly CompactionCandidate[]): CompactionCandidate[] {
  return pool.filter((s) => rangesOverlap(range, s.stats));
}
