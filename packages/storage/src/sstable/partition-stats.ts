import type { Cell, ColumnData, DeletionTime, PartitionUpdate } from '@charybdis/schema';
import type { PartitionStatsSummary } from './sstable-types';

/**
 * Computes one partition's PartitionStatsSummary in one pass over the update, with no
 * allocation per row or cell (the accumulator is reused by its owner, one writer). The
 * rules are the contract's (sstable-types.ts): tombstones are range tombstones, row and
 * partition deletions and tombstone cells (collection tombstones and expiring cells are not
 * counted); timestamps cover cells, markers and every deletion; local deletion times cover
 * deletions, tombstone and expiring cells and expiring markers.
 */
export class PartitionStatsAccumulator {
  #tombstones = 0;
  #hasDeletions = false;
  #hasTs = false;
  #minTs = 0n;
  #maxTs = 0n;
  #hasLdt = false;
  #minLdt = 0;
  #maxLdt = 0;

  summarize(update: PartitionUpdate): PartitionStatsSummary {
    this.#tombstones = 0;
    this.#hasDeletions = false;
    this.#hasTs = false;
    this.#hasLdt = false;
    const partitionDeletions = update.partitionDeletion !== undefined || update.rangeTombstones.length > 0;
    if (update.partitionDeletion !== undefined) this.#deletion(update.partitionDeletion, true);
    if (update.staticRow !== undefined) this.#columns(update.staticRow.columns);
    const rows = update.rows;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const marker = row.marker;
      if (marker !== undefined) {
        this.#timestamp(marker.timestampUs);
        if (marker.localExpirationTimeSeconds !== undefined) this.#ldt(marker.localExpirationTimeSeconds);
      }
      if (row.deletion !== undefined) this.#deletion(row.deletion, true);
      this.#columns(row.columns);
    }
    for (const rt of update.rangeTombstones) this.#deletion(rt.deletion, true);
    return {
      rowCount: rows.length,
      tombstoneCount: this.#tombstones,
      hasDeletions: this.#hasDeletions,
      hasPartitionOrRangeDeletions: partitionDeletions,
      minTimestampUs: this.#hasTs ? this.#minTs : null,
      maxTimestampUs: this.#hasTs ? this.#maxTs : null,
      minLocalDeletionTimeSeconds: this.#hasLdt ? this.#minLdt : null,
      maxLocalDeletionTimeSeconds: this.#hasLdt ? this.#maxLdt : null,
      minClustering: rows.length > 0 ? rows[0]!.clustering : null,
      maxClustering: rows.length > 0 ? rows[rows.length - 1]!.clustering : null,
    };
  }

  #timestamp(ts: bigint): void {
    if (!this.#hasTs) {
      this.#hasTs = true;
      this.#minTs = ts;
      this.#maxTs = ts;
    } else if (ts < this.#minTs) this.#minTs = ts;
    else if (ts > this.#maxTs) this.#maxTs = ts;
  }

  #ldt(seconds: number): void {
    if (!this.#hasLdt) {
      this.#hasLdt = true;
      this.#minLdt = seconds;
      this.#maxLdt = seconds;
    } else if (seconds < this.#minLdt) this.#minLdt = seconds;
    else if (seconds > this.#maxLdt) this.#maxLdt = seconds;
  }

  /** A deletion; `counted` when the contract counts it as a tombstone (all but collection tombstones). */
  #deletion(d: DeletionTime, counted: boolean): void {
    this.#hasDeletions = true;
    if (counted) this.#tombstones++;
    this.#timestamp(d.markedForDeleteAtUs);
    this.#ldt(d.localDeletionTimeSeconds);
  }

  #cell(cell: Cell): void {
    this.#timestamp(cell.timestampUs);
    if (cell.kind === 'tombstone') {
      this.#hasDeletions = true;
      this.#tombstones++;
      this.#ldt(cell.localDeletionTimeSeconds);
    } else if (cell.kind === 'expiring') {
      this.#ldt(cell.localDeletionTimeSeconds);
    }
  }

  #columns(columns: readonly ColumnData[]): void {
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!;
      if (c.kind === 'simple') this.#cell(c.cell);
      else {
        if (c.deletion !== undefined) this.#deletion(c.deletion, false);
        for (const e of c.cells) this.#cell(e.cell);
      }
    }
  }
}

/**
 * True when purging at `nowSeconds` leaves a partition with these stats exactly as it is:
 * no deletion of any kind, and every expiring cell and marker still live (now < expiry).
 * Compaction copies such a partition's record unchanged when no other input holds its key.
 */
export function isUnchangedByPurge(stats: PartitionStatsSummary, nowSeconds: number): boolean {
  return !stats.hasDeletions && (stats.minLocalDeletionTimeSeconds === null || stats.minLocalDeletionTimeSeconds > nowSeconds);
}
