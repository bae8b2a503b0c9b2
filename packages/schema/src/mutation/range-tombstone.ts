import type { ClusteringBound } from '../types/clustering-comparator';
import type { DeletionTime } from './deletion-time';

/**
 * A deletion of every row of a clustering slice: `start` is an `inclStart`/`exclStart`
 * bound, `end` an `inclEnd`/`exclEnd` bound (`BOTTOM_BOUND`/`TOP_BOUND` for an open
 * side). `DELETE … WHERE pk = ? AND c1 = ?` is [inclStart (c1), inclEnd (c1)];
 * `c1 > 3 AND c1 <= 5` is [exclStart (3), inclEnd (5)].
 *
 * In a normalized PartitionUpdate the range tombstones are sorted, do not overlap, and
 * adjacent ones with the same deletion are joined (like Cassandra's RangeTombstoneList).
 */
export interface RangeTombstone {
  readonly start: ClusteringBound;
  readonly end: ClusteringBound;
  readonly deletion: DeletionTime;
}
