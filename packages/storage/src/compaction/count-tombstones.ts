import { isCellLive, isLivenessLive } from '@charybdis/schema';
import type { ColumnData, PartitionUpdate } from '@charybdis/schema';

function countColumnTombstones(columns: readonly ColumnData[], nowSeconds: number): number {
  let n = 0;
  for (const c of columns) {
    if (c.kind === 'simple') {
      if (!isCellLive(c.cell, nowSeconds)) n++;
      continue;
    }
    if (c.deletion !== undefined) n++;
    for (const e of c.cells) if (!isCellLive(e.cell, nowSeconds)) n++;
  }
  return n;
}

/**
 * Everything in `update` that purging could drop or rewrite at `nowSeconds`: partition,
 * range, row and collection deletions, tombstone cells, expired cells and expired row
 * markers. Zero means purging is the identity (no call to maxPurgeableTimestamp is
 * needed); the drop in this count across a purge is what compaction reports as purged.
 */
export function countTombstones(update: PartitionUpdate, nowSeconds: number): number {
  let n = (update.partitionDeletion === undefined ? 0 : 1) + update.rangeTombstones.length;
  if (update.staticRow !== undefined) n += countColumnTombstones(update.staticRow.columns, nowSeconds);
  for (const row of update.rows) {
    if (row.deletion !== undefined) n++;
    if (row.marker !== undefined && !isLivenessLive(row.marker, nowSeconds)) n++;
    n += countColumnTombstones(row.columns, nowSeconds);
  }
  return n;
}
