import type { Cell, ColumnData, PartitionUpdate, Row } from '@charybdis/schema';
import { invalidRequest } from '../terms/term-errors';
import { BATCH_SIZE_FAIL_THRESHOLD_BYTES } from './modification-limits';

/**
 * The BATCH size check (ScyllaDB's batch_statement::verify_batch_size): a batch whose
 * mutations span more than one partition and whose estimated size exceeds
 * BATCH_SIZE_FAIL_THRESHOLD_BYTES is refused with "Batch too large". ScyllaDB measures the
 * mutations' memory footprint, not only their data (Cassandra's dataSize()), so the
 * estimate adds a fixed overhead per partition, row and cell to the bytes written.
 */

const PARTITION_OVERHEAD_BYTES = 160;
const ROW_OVERHEAD_BYTES = 96;
const CELL_OVERHEAD_BYTES = 32;

function cellSize(cell: Cell): number {
  return CELL_OVERHEAD_BYTES + ('value' in cell && cell.value instanceof Uint8Array ? cell.value.length : 0);
}

function columnsSize(columns: readonly ColumnData[]): number {
  let size = 0;
  for (const c of columns) {
    if (c.kind === 'simple') size += cellSize(c.cell);
    else for (const e of c.cells) size += e.path.length + cellSize(e.cell);
  }
  return size;
}

function rowSize(row: Row): number {
  let size = ROW_OVERHEAD_BYTES + columnsSize(row.columns);
  for (const v of row.clustering) size += v.length;
  return size;
}

/** The estimated in-memory size of one partition update, in bytes. */
export function estimateUpdateSizeBytes(u: PartitionUpdate): number {
  let size = PARTITION_OVERHEAD_BYTES + u.partitionKey.length + u.rangeTombstones.length * ROW_OVERHEAD_BYTES;
  if (u.staticRow !== undefined) size += ROW_OVERHEAD_BYTES + columnsSize(u.staticRow.columns);
  for (const r of u.rows) size += rowSize(r);
  return size;
}

/** Refuses a multi-partition batch whose updates are estimated above the fail threshold. */
export function checkBatchSize(updates: readonly PartitionUpdate[]): void {
  if (updates.length <= 1) return;
  let size = 0;
  for (const u of updates) {
    size += estimateUpdateSizeBytes(u);
    if (size > BATCH_SIZE_FAIL_THRESHOLD_BYTES) throw invalidRequest('Batch too large');
  }
}
