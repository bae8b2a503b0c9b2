import type { ClusteringComparator, ClusteringPrefix, ColumnData, DeletionTime, PartitionUpdate, Cell } from '@charybdis/schema';
import type { SSTableStats } from './sstable-types';

/**
 * Accumulates the SSTableStats of the partitions appended to a writer (one pass over each
 * update, no allocation per cell). Counts follow the contract: tombstones are range
 * tombstones, row deletions, partition deletions and tombstone cells (collection
 * tombstones and expired cells are not counted); timestamps cover cells, markers and
 * every deletion; local deletion times cover deletions, tombstone and expiring cells and
 * expiring markers.
 */
export class StatsCollector {
  partitionCount = 0;
  rowCount = 0;
  tombstoneCount = 0;
  hasPartitionOrRangeDeletions = false;
  #minTs: bigint | null = null;
  #maxTs: bigint | null = null;
  #minLdt: number | null = null;
  #maxLdt: number | null = null;
  #minClustering: ClusteringPrefix | null = null;
  #maxClustering: ClusteringPrefix | null = null;
  #first: PartitionUpdate | null = null;
  #last: PartitionUpdate | null = null;

  constructor(private readonly comparator: ClusteringComparator) {}

  add(update: PartitionUpdate): void {
    this.partitionCount++;
    this.#first ??= update;
    this.#last = update;
    if (update.partitionDeletion !== undefined) {
      this.tombstoneCount++;
      this.hasPartitionOrRangeDeletions = true;
      this.#deletion(update.partitionDeletion);
    }
    if (update.staticRow !== undefined) this.#columns(update.staticRow.columns);
    const rows = update.rows;
    this.rowCount += rows.length;
    for (const row of rows) {
      if (row.marker !== undefined) {
        this.#timestamp(row.marker.timestampUs);
        if (row.marker.localExpirationTimeSeconds !== undefined) this.#ldt(row.marker.localExpirationTimeSeconds);
      }
      if (row.deletion !== undefined) {
        this.tombstoneCount++;
        this.#deletion(row.deletion);
      }
      this.#columns(row.columns);
    }
    if (rows.length > 0) {
      // Rows are sorted: only the first and last can move the bounds.
      const lo = rows[0]!.clustering;
      const hi = rows[rows.length - 1]!.clustering;
      if (this.#minClustering === null || this.comparator.compare(lo, this.#minClustering) < 0) this.#minClustering = lo;
      if (this.#maxClustering === null || this.comparator.compare(hi, this.#maxClustering) > 0) this.#maxClustering = hi;
    }
    for (const rt of update.rangeTombstones) {
      this.tombstoneCount++;
      this.hasPartitionOrRangeDeletions = true;
      this.#deletion(rt.deletion);
    }
  }

  #timestamp(ts: bigint): void {
    if (this.#minTs === null || ts < this.#minTs) this.#minTs = ts;
    if (this.#maxTs === null || ts > this.#maxTs) this.#maxTs = ts;
  }

  #ldt(seconds: number): void {
    if (this.#minLdt === null || seconds < this.#minLdt) this.#minLdt = seconds;
    if (this.#maxLdt === null || seconds > this.#maxLdt) this.#maxLdt = seconds;
  }

  #deletion(d: DeletionTime): void {
    this.#timestamp(d.markedForDeleteAtUs);
    this.#ldt(d.localDeletionTimeSeconds);
  }

  #cell(cell: Cell): void {
    this.#timestamp(cell.timestampUs);
    if (cell.kind === 'tombstone') {
      this.tombstoneCount++;
      this.#ldt(cell.localDeletionTimeSeconds);
    } else if (cell.kind === 'expiring') {
      this.#ldt(cell.localDeletionTimeSeconds);
    }
  }

  #columns(columns: readonly ColumnData[]): void {
    for (const c of columns) {
      if (c.kind === 'simple') this.#cell(c.cell);
      else {
        if (c.deletion !== undefined) this.#deletion(c.deletion);
        for (const e of c.cells) this.#cell(e.cell);
      }
    }
  }

  /** The stats of everything added (at least one partition). */
  stats(sizes: { dataSizeBytes: number; uncompressedSizeBytes: number; level: number; createdAtMs: number }): SSTableStats {
    const first = this.#first!;
    const last = this.#last!;
    return {
      partitionCount: this.partitionCount,
      rowCount: this.rowCount,
      tombstoneCount: this.tombstoneCount,
      dataSizeBytes: sizes.dataSizeBytes,
      uncompressedSizeBytes: sizes.uncompressedSizeBytes,
      firstToken: first.token,
      lastToken: last.token,
      firstKey: Buffer.from(first.partitionKey),
      lastKey: Buffer.from(last.partitionKey),
      minTimestampUs: this.#minTs,
      maxTimestampUs: this.#maxTs,
      minLocalDeletionTimeSeconds: this.#minLdt,
      maxLocalDeletionTimeSeconds: this.#maxLdt,
      minClustering: this.#minClustering,
      maxClustering: this.#maxClustering,
      hasPartitionOrRangeDeletions: this.hasPartitionOrRangeDeletions,
      level: sizes.level,
      createdAtMs: sizes.createdAtMs,
    };
  }
}
