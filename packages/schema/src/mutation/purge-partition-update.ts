import { isCellLive } from './cell';
import type { Cell } from './cell';
import { deletionDeletes, isPurgeable, maxDeletion } from './deletion-time';
import type { DeletionTime } from './deletion-time';
import { isLivenessLive } from './liveness-info';
import type { LivenessInfo } from './liveness-info';
import type { PartitionUpdate } from './partition-update';
import { RangeTombstoneCursor } from './range-tombstone-list';
import type { ColumnData, ComplexCell, Row, StaticRow } from './row';
import type { TableComparators } from './table-comparators';

/** When purging may happen: the compaction's clock and gc_grace cut-off. */
export interface PurgeOptions {
  /** The server time of the purge (seconds since the epoch): decides which TTLs have expired. */
  readonly nowSeconds: number;
  /** now - gc_grace_seconds: tombstones deleted before it may go. */
  readonly gcBeforeSeconds: number;
  /**
   * Tombstones at or above this timestamp are kept because data they shadow may still exist
   * in SSTables outside the compaction (Cassandra's maxPurgeableTimestamp). Default: none.
   */
  readonly maxPurgeableTimestampUs?: bigint;
}

/**
 * Cassandra 4's `AbstractCell.purge`: a cell that is not live at `now` is dropped when
 * purgeable (its timestamp and local deletion time — for an expired cell, its expiry —
 * pass the gc cut-off); an expired but not yet purgeable cell becomes a tombstone, dated
 * back to its write time (expiry - TTL) "as long as the expiring column and the tombstone
 * together live longer than gc_grace" — Cassandra's words. Live cells stay.
 */
function purgeCell(cell: Cell, options: PurgeOptions): Cell | undefined {
  if (isCellLive(cell, options.nowSeconds)) return cell;
  if (cell.kind === 'tombstone' || cell.kind === 'expiring') {
    if (isPurgeable(cell.timestampUs, cell.localDeletionTimeSeconds, options.gcBeforeSeconds, options.maxPurgeableTimestampUs)) return undefined;
    if (cell.kind === 'expiring') {
      return { kind: 'tombstone', timestampUs: cell.timestampUs, localDeletionTimeSeconds: cell.localDeletionTimeSeconds - cell.ttlSeconds };
    }
  }
  return cell;
}

function purgeDeletion(deletion: DeletionTime | undefined, options: PurgeOptions): DeletionTime | undefined {
  if (deletion === undefined) return undefined;
  return isPurgeable(deletion.markedForDeleteAtUs, deletion.localDeletionTimeSeconds, options.gcBeforeSeconds, options.maxPurgeableTimestampUs)
    ? undefined
    : deletion;
}

/** Cassandra's `DeletionPurger.shouldPurge(LivenessInfo)`: an expired marker past gc grace goes. */
function purgeMarker(marker: LivenessInfo | undefined, options: PurgeOptions): LivenessInfo | undefined {
  if (marker === undefined || isLivenessLive(marker, options.nowSeconds)) return marker;
  return isPurgeable(marker.timestampUs, marker.localExpirationTimeSeconds!, options.gcBeforeSeconds, options.maxPurgeableTimestampUs)
    ? undefined
    : marker;
}

function purgeColumns(
  columns: readonly ColumnData[],
  active: DeletionTime | undefined,
  options: PurgeOptions,
  comparators: TableComparators,
): ColumnData[] {
  const out: ColumnData[] = [];
  for (const c of columns) {
    if (c.kind === 'simple') {
      // Merging keeps shadowed counter cells (see shadowColumns); compaction drops them.
      if (comparators.column(c.column).counter && deletionDeletes(active, c.cell.timestampUs)) continue;
      const cell = purgeCell(c.cell, options);
      if (cell !== undefined) out.push(cell === c.cell ? c : { kind: 'simple', column: c.column, cell });
      continue;
    }
    const deletion = purgeDeletion(c.deletion, options);
    const cells: ComplexCell[] = [];
    for (const e of c.cells) {
      const cell = purgeCell(e.cell, options);
      if (cell !== undefined) cells.push(cell === e.cell ? e : { path: e.path, cell });
    }
    if (deletion === undefined && cells.length === 0) continue;
    out.push(deletion === undefined ? { kind: 'complex', column: c.column, cells } : { kind: 'complex', column: c.column, deletion, cells });
  }
  return out;
}

function purgeRow(row: Row, active: DeletionTime | undefined, options: PurgeOptions, comparators: TableComparators): Row | undefined {
  const effective = maxDeletion(active, row.deletion);
  const deletion = purgeDeletion(row.deletion, options);
  const marker = purgeMarker(row.marker, options);
  const columns = purgeColumns(row.columns, effective, options, comparators);
  if (deletion === undefined && marker === undefined && columns.length === 0) return undefined;
  const out: { clustering: Row['clustering']; marker?: LivenessInfo; deletion?: DeletionTime; columns: ColumnData[] } = {
    clustering: row.clustering,
    columns,
  };
  if (marker !== undefined) out.marker = marker;
  if (deletion !== undefined) out.deletion = deletion;
  return out;
}

/**
 * What compaction keeps of a normalized update at `nowSeconds`: tombstones (partition,
 * range, row, collection, cell) whose local deletion time is before `gcBeforeSeconds`
 * are dropped, expired cells become tombstones or go, expired markers past gc grace go,
 * and counter cells shadowed by a deletion go. The input must be normalized
 * (`normalizePartitionUpdate`), so data shadowed by a purged tombstone is already gone.
 */
export function purgePartitionUpdate(update: PartitionUpdate, options: PurgeOptions, comparators: TableComparators): PartitionUpdate {
  const partitionDeletion = purgeDeletion(update.partitionDeletion, options);
  const cursor = new RangeTombstoneCursor(update.rangeTombstones, comparators.clustering);
  const rows: Row[] = [];
  for (const row of update.rows) {
    const active = maxDeletion(update.partitionDeletion, cursor.coveringDeletion(row.clustering));
    const purged = purgeRow(row, active, options, comparators);
    if (purged !== undefined) rows.push(purged);
  }
  const rangeTombstones = update.rangeTombstones.filter((rt) => purgeDeletion(rt.deletion, options) !== undefined);
  let staticRow: StaticRow | undefined;
  if (update.staticRow !== undefined) {
    const columns = purgeColumns(update.staticRow.columns, update.partitionDeletion, options, comparators);
    if (columns.length > 0) staticRow = { columns };
  }
  const out: {
    tableId: string;
    partitionKey: Uint8Array;
    token: bigint;
    partitionDeletion?: DeletionTime;
    staticRow?: StaticRow;
    rows: Row[];
    rangeTombstones: PartitionUpdate['rangeTombstones'];
  } = { tableId: update.tableId, partitionKey: update.partitionKey, token: update.token, rows, rangeTombstones };
  if (partitionDeletion !== undefined) out.partitionDeletion = partitionDeletion;
  if (staticRow !== undefined) out.staticRow = staticRow;
  return out;
}

/**
 * True when the row has live data at `nowSeconds` (Cassandra's Row.hasLiveData): a live
 * marker or a live cell not shadowed by `active` (the partition deletion and covering
 * range tombstone, applied to counter cells, which merging keeps).
 */
export function rowHasLiveData(row: Row, nowSeconds: number, active?: DeletionTime): boolean {
  const effective = maxDeletion(active, row.deletion);
  if (isLivenessLive(row.marker, nowSeconds) && !deletionDeletes(effective, row.marker!.timestampUs)) return true;
  for (const c of row.columns) {
    if (c.kind === 'simple') {
      if (isCellLive(c.cell, nowSeconds) && !deletionDeletes(effective, c.cell.timestampUs)) return true;
    } else {
      const deletion = maxDeletion(effective, c.deletion);
      if (c.cells.some((e) => isCellLive(e.cell, nowSeconds) && !deletionDeletes(deletion, e.cell.timestampUs))) return true;
    }
  }
  return false;
}
