import type { ClusteringBound, ClusteringComparator, PartitionUpdate, RangeTombstone, Row } from '@charybdis/schema';
import type { ClusteringBlock } from './partition-record';
import type { ClusteringSlice } from './sstable-types';

/**
 * What a sliced read returns (pure): the rows inside some slice, and the range tombstones
 * intersecting the slices clipped to each slice they meet; the partition deletion and the
 * static row always. `slices` are sorted and disjoint; so are rows and range tombstones of
 * a normalized update, which keeps this a merge (linear in rows + slices).
 */
export function restrictToSlices(update: PartitionUpdate, slices: readonly ClusteringSlice[], comparator: ClusteringComparator): PartitionUpdate {
  const rows: Row[] = [];
  let s = 0;
  for (const row of update.rows) {
    while (s < slices.length && comparator.compareToBound(row.clustering, slices[s]!.end) > 0) s++;
    if (s === slices.length) break;
    if (comparator.compareToBound(row.clustering, slices[s]!.start) > 0) rows.push(row);
  }
  const rangeTombstones: RangeTombstone[] = [];
  let first = 0;
  for (const rt of update.rangeTombstones) {
    // Slices that end at or before this tombstone's start cannot meet any later tombstone.
    while (first < slices.length && comparator.compareBounds(slices[first]!.end, rt.start) <= 0) first++;
    for (let i = first; i < slices.length; i++) {
      const slice = slices[i]!;
      if (comparator.compareBounds(slice.start, rt.end) >= 0) break;
      const start = comparator.compareBounds(rt.start, slice.start) >= 0 ? rt.start : slice.start;
      const end = comparator.compareBounds(rt.end, slice.end) <= 0 ? rt.end : slice.end;
      if (comparator.compareBounds(start, end) < 0) rangeTombstones.push(start === rt.start && end === rt.end ? rt : { start, end, deletion: rt.deletion });
    }
  }
  return withContent(update, rows, rangeTombstones);
}

/** `update` with other rows and range tombstones (absent optional fields stay absent). */
export function withContent(update: PartitionUpdate, rows: readonly Row[], rangeTombstones: readonly RangeTombstone[]): PartitionUpdate {
  const out: { -readonly [K in keyof PartitionUpdate]: PartitionUpdate[K] } = {
    tableId: update.tableId,
    partitionKey: update.partitionKey,
    token: update.token,
    rows,
    rangeTombstones,
  };
  if (update.partitionDeletion !== undefined) out.partitionDeletion = update.partitionDeletion;
  if (update.staticRow !== undefined) out.staticRow = update.staticRow;
  return out;
}

/**
 * The running maximum of the blocks' ends: block ends are not monotonic (a range
 * tombstone in one block can reach past the rows of the next blocks), their running
 * maximum is, which lets a binary search skip the blocks that end before a slice.
 */
export function runningBlockEnds(blocks: readonly ClusteringBlock[], comparator: ClusteringComparator): ClusteringBound[] {
  const out: ClusteringBound[] = [];
  let max: ClusteringBound | null = null;
  for (const b of blocks) {
    if (max === null || comparator.compareBounds(b.end, max) > 0) max = b.end;
    out.push(max);
  }
  return out;
}

/** Indexes (increasing) of the blocks whose span intersects some slice. */
export function selectBlocks(
  blocks: readonly ClusteringBlock[],
  runningEnds: readonly ClusteringBound[],
  slices: readonly ClusteringSlice[],
  comparator: ClusteringComparator,
): number[] {
  const selected = new Set<number>();
  for (const slice of slices) {
    // First block whose running end is after the slice start: every earlier block ends
    // before it. (Not "after the previous slice's blocks": a block holding a long range
    // tombstone can serve several slices.)
    let lo = 0;
    let hi = blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (comparator.compareBounds(slice.start, runningEnds[mid]!) < 0) hi = mid;
      else lo = mid + 1;
    }
    for (let i = lo; i < blocks.length && comparator.compareBounds(blocks[i]!.start, slice.end) < 0; i++) {
      if (comparator.compareBounds(slice.start, blocks[i]!.end) < 0) selected.add(i);
    }
  }
  return [...selected].sort((a, b) => a - b);
}
