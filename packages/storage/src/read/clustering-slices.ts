import type { ClusteringComparator, ClusteringPrefix, Row } from '@charybdis/schema';
import type { ClusteringSlice } from '../sstable/sstable-types';

/**
 * Slice arithmetic of the read path: where a paged read resumes, which rows of a sorted
 * row array a slice covers, whether slices can touch an SSTable's clustering range.
 * Slices are sorted, disjoint and non-empty (as `planRead` checks).
 */

/**
 * The part of `slices` strictly after `last` in the read's direction (after it when
 * forward, before it when reversed): a paged read resumes there. Slices wholly behind the
 * resume point are dropped, the one containing it is cut.
 */
export function slicesAfter(
  slices: readonly ClusteringSlice[],
  last: ClusteringPrefix,
  reversed: boolean,
  cmp: ClusteringComparator,
): ClusteringSlice[] {
  const out: ClusteringSlice[] = [];
  for (const s of slices) {
    if (!reversed) {
      if (cmp.compareToBound(last, s.end) > 0) continue;
      if (cmp.compareToBound(last, s.start) < 0) {
        out.push(s);
        continue;
      }
      const start = { kind: 'exclStart' as const, prefix: last };
      if (cmp.compareBounds(start, s.end) < 0) out.push({ start, end: s.end });
    } else {
      if (cmp.compareToBound(last, s.start) < 0) continue;
      if (cmp.compareToBound(last, s.end) > 0) {
        out.push(s);
        continue;
      }
      const end = { kind: 'exclEnd' as const, prefix: last };
      if (cmp.compareBounds(s.start, end) < 0) out.push({ start: s.start, end });
    }
  }
  return out;
}

/** Index of the first row at or after which `before(row)` turns false (rows sorted). */
function partitionPoint(rows: readonly Row[], lo: number, before: (row: Row) => boolean): number {
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(rows[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * For each slice (in slice order), the half-open index range [lo, hi) of the sorted
 * `rows` inside it, flattened as [lo0, hi0, lo1, hi1, …]. Binary searches, so a
 * one-row read of a large partition costs O(log rows).
 */
export function sliceRowRanges(rows: readonly Row[], slices: readonly ClusteringSlice[], cmp: ClusteringComparator): number[] {
  const out: number[] = [];
  let from = 0;
  for (const s of slices) {
    const lo = partitionPoint(rows, from, (r) => cmp.compareToBound(r.clustering, s.start) < 0);
    const hi = partitionPoint(rows, lo, (r) => cmp.compareToBound(r.clustering, s.end) < 0);
    out.push(lo, hi);
    from = hi;
  }
  return out;
}

/**
 * True when some slice can hold a row whose clustering is within [min, max] (an SSTable's
 * clustering statistics). A table without clustering columns has min = max = [].
 */
export function slicesIntersectClusteringRange(
  slices: readonly ClusteringSlice[],
  min: ClusteringPrefix,
  max: ClusteringPrefix,
  cmp: ClusteringComparator,
): boolean {
  for (const s of slices) {
    if (cmp.compareToBound(max, s.start) > 0 && cmp.compareToBound(min, s.end) < 0) return true;
  }
  return false;
}
