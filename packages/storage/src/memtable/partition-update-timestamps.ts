import type { ColumnData, DeletionTime, PartitionUpdate } from '@charybdis/schema';

/** The smallest and largest write timestamp (µs) in an update; null when it holds none. */
export interface TimestampRangeUs {
  minUs: bigint;
  maxUs: bigint;
}

/**
 * Every client timestamp an update carries (partition, range, row and collection
 * deletions, row markers, cells), reduced to its min and max: what an SSTable's stats
 * will record. Pure.
 */
export function partitionUpdateTimestampRange(update: PartitionUpdate): TimestampRangeUs | null {
  let range: TimestampRangeUs | null = null;
  const see = (ts: bigint): void => {
    if (range === null) range = { minUs: ts, maxUs: ts };
    else {
      if (ts < range.minUs) range.minUs = ts;
      if (ts > range.maxUs) range.maxUs = ts;
    }
  };
  const seeDeletion = (d: DeletionTime | undefined): void => {
    if (d !== undefined) see(d.markedForDeleteAtUs);
  };
  const seeColumns = (columns: readonly ColumnData[]): void => {
    for (const c of columns) {
      if (c.kind === 'simple') see(c.cell.timestampUs);
      else {
        seeDeletion(c.deletion);
        for (const e of c.cells) see(e.cell.timestampUs);
      }
    }
  };
  seeDeletion(update.partitionDeletion);
  if (update.staticRow !== undefined) seeColumns(update.staticRow.columns);
  for (const row of update.rows) {
    if (row.marker !== undefined) see(row.marker.timestampUs);
    seeDeletion(row.deletion);
    seeColumns(row.columns);
  }
  for (const rt of update.rangeTombstones) seeDeletion(rt.deletion);
  return range;
}
