import type { DeletionTime, TableComparators } from '@charybdis/schema';
import type { ClusteringSlice, SSTableReaderApi } from '../sstable/sstable-types';
import { slicesIntersectClusteringRange } from './clustering-slices';

/** Which SSTable-skipping rules a read may use (all by default; tests turn them off to check that skipping never changes a result). */
export interface SSTableSkipping {
  readonly bloom?: boolean;
  readonly clustering?: boolean;
  readonly timestamp?: boolean;
}

/** The SSTables a single-partition read has to look at, and why the others were left out. */
export interface SSTableSelection {
  /** To read in this order (decreasing maxTimestampUs), applying {@link eliminatedByTimestamp} before each. */
  readonly candidates: SSTableReaderApi[];
  readonly skippedByBloom: number;
  readonly skippedByClustering: number;
}

/** maxTimestampUs as a sort key: an SSTable without any timestamp sorts last. */
function maxTimestampOf(sstable: SSTableReaderApi): bigint | null {
  return sstable.stats.maxTimestampUs;
}

/**
 * Chooses the SSTables a read of one partition must consult (ScyllaDB/Cassandra's
 * selection):
 *
 * - the bloom filter rules out SSTables that certainly lack the key;
 * - the clustering statistics rule out SSTables whose row clusterings [min, max] touch no
 *   slice — only when the SSTable has no partition deletion or range tombstone (those
 *   apply beyond the row range the statistics describe) and the read does not need the
 *   static row (`needsStaticRow`: the statistics cannot say whether an SSTable holds
 *   static data). An SSTable with no clustered row at all is then skipped too.
 *
 * The rest come back in decreasing maxTimestampUs order: reading newest first lets a
 * partition deletion found early eliminate the older SSTables ({@link eliminatedByTimestamp}).
 */
export function selectSSTables(
  sstables: readonly SSTableReaderApi[],
  partitionKey: Uint8Array,
  token: bigint,
  slices: readonly ClusteringSlice[],
  needsStaticRow: boolean,
  comparators: TableComparators,
  skipping: SSTableSkipping = {},
): SSTableSelection {
  const candidates: SSTableReaderApi[] = [];
  let skippedByBloom = 0;
  let skippedByClustering = 0;
  const byClustering = skipping.clustering !== false && !needsStaticRow;
  for (const sstable of sstables) {
    if (skipping.bloom !== false && !sstable.mayContainKey(partitionKey, token)) {
      skippedByBloom++;
      continue;
    }
    const stats = sstable.stats;
    if (
      byClustering &&
      !stats.hasPartitionOrRangeDeletions &&
      (stats.minClustering === null ||
        stats.maxClustering === null ||
        !slicesIntersectClusteringRange(slices, stats.minClustering, stats.maxClustering, comparators.clustering))
    ) {
      skippedByClustering++;
      continue;
    }
    candidates.push(sstable);
  }
  candidates.sort((a, b) => {
    const ta = maxTimestampOf(a);
    const tb = maxTimestampOf(b);
    if (ta === tb) return 0;
    if (ta === null) return 1;
    if (tb === null) return -1;
    return ta > tb ? -1 : 1;
  });
  return { candidates, skippedByBloom, skippedByClustering };
}

/**
 * True when a partition deletion already found deletes everything `sstable` can hold:
 * every timestamp in it (cells, markers, deletions) is below the deletion's
 * `markedForDeleteAtUs`. Not for counter tables: a counter tombstone beats a counter cell
 * whatever the timestamps, so an older SSTable can still matter. With candidates in decreasing maxTimestampUs order, every later
 * candidate is then eliminated too.
 */
export function eliminatedByTimestamp(sstable: SSTableReaderApi, partitionDeletion: DeletionTime | undefined): boolean {
  if (partitionDeletion === undefined) return false;
  const max = sstable.stats.maxTimestampUs;
  return max === null || partitionDeletion.markedForDeleteAtUs > max;
}
