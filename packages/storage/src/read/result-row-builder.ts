import { counterTotal, deletionDeletes, isCellLive, isLivenessLive, maxDeletion } from '@charybdis/schema';
import type { Cell, ColumnData, ComplexCell, DeletionTime, Row, StaticRow } from '@charybdis/schema';
import type { ResultColumn, ResultElement, ResultRow } from './read-result';

/**
 * Turns stored rows into result rows: live data only, at `nowSeconds`, under the deletion
 * that covers the row. One pass over the row's columns both decides whether the row is
 * live (over every column, as Cassandra's fetched columns) and collects the selected
 * columns' live cells, with no per-cell closure.
 */

const STATIC_CLUSTERING: readonly Uint8Array[] = Object.freeze([]);

/** The 8-byte big-endian encoding of a counter total (CQL `counter`). */
function encodeCounter(total: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, BigInt.asIntN(64, total));
  return out;
}

function ttlLeft(cell: Cell, nowSeconds: number): number | null {
  return cell.kind === 'expiring' ? cell.localDeletionTimeSeconds - nowSeconds : null;
}

/** The live elements of a complex column under `deletion`, or null when none. */
function liveElements(cells: readonly ComplexCell[], deletion: DeletionTime | undefined, nowSeconds: number): ResultElement[] | null {
  let out: ResultElement[] | null = null;
  for (let i = 0; i < cells.length; i++) {
    const e = cells[i]!;
    const cell = e.cell;
    if (!isCellLive(cell, nowSeconds) || deletionDeletes(deletion, cell.timestampUs)) continue;
    // Only live and expiring cells live in collections (counters cannot be elements).
    const value = cell.kind === 'live' || cell.kind === 'expiring' ? cell.value : new Uint8Array(0);
    (out ??= []).push({ path: e.path, value, writetimeUs: cell.timestampUs, ttlSeconds: ttlLeft(cell, nowSeconds) });
  }
  return out;
}

function hasLiveElement(cells: readonly ComplexCell[], deletion: DeletionTime | undefined, nowSeconds: number): boolean {
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!.cell;
    if (isCellLive(cell, nowSeconds) && !deletionDeletes(deletion, cell.timestampUs)) return true;
  }
  return false;
}

function simpleResult(column: string, cell: Cell, nowSeconds: number): ResultColumn {
  if (cell.kind === 'counter') {
    const total = counterTotal(cell.shards);
    return { kind: 'counter', column, value: encodeCounter(total), total, writetimeUs: cell.timestampUs };
  }
  const value = cell.kind === 'tombstone' ? new Uint8Array(0) : cell.value;
  return { kind: 'simple', column, value, writetimeUs: cell.timestampUs, ttlSeconds: ttlLeft(cell, nowSeconds) };
}

/**
 * Appends the selected columns' live data to `out` and returns true when any column
 * (selected or not) has a live cell. `deletion` is the row's effective deletion; `drops`
 * (TableComparators.droppedColumnDeletions) adds, per dropped column, its drop.
 */
export function collectLiveColumns(
  columns: readonly ColumnData[],
  rowDeletion: DeletionTime | undefined,
  nowSeconds: number,
  columnSet: ReadonlySet<string> | null,
  out: ResultColumn[],
  drops: ReadonlyMap<string, DeletionTime> | null = null,
): boolean {
  let live = false;
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    const selected = columnSet === null || columnSet.has(c.column);
    const drop = drops === null ? undefined : drops.get(c.column);
    const deletion = drop === undefined ? rowDeletion : maxDeletion(rowDeletion, drop);
    if (c.kind === 'simple') {
      if (!isCellLive(c.cell, nowSeconds) || deletionDeletes(deletion, c.cell.timestampUs)) continue;
      live = true;
      if (selected) out.push(simpleResult(c.column, c.cell, nowSeconds));
      continue;
    }
    const elementDeletion = maxDeletion(deletion, c.deletion);
    if (!selected) {
      if (!live) live = hasLiveElement(c.cells, elementDeletion, nowSeconds);
      continue;
    }
    const elements = liveElements(c.cells, elementDeletion, nowSeconds);
    if (elements !== null) {
      live = true;
      out.push({ kind: 'collection', column: c.column, elements });
    }
  }
  return live;
}

/**
 * The result row of a clustered row under `active` (the partition deletion or covering
 * range tombstone), or null when it has no live data: a row exists when its marker is live
 * or any of its cells is (Cassandra's `Row.hasLiveData`).
 */
export function buildResultRow(
  row: Row,
  active: DeletionTime | undefined,
  nowSeconds: number,
  columnSet: ReadonlySet<string> | null,
  drops: ReadonlyMap<string, DeletionTime> | null = null,
): ResultRow | null {
  const effective = row.deletion === undefined ? active : maxDeletion(active, row.deletion);
  const marker = row.marker;
  const markerLive = marker !== undefined && isLivenessLive(marker, nowSeconds) && !deletionDeletes(effective, marker.timestampUs);
  const cells: ResultColumn[] = [];
  const cellsLive = collectLiveColumns(row.columns, effective, nowSeconds, columnSet, cells, drops);
  return markerLive || cellsLive ? { clustering: row.clustering, cells } : null;
}

/** The result row of the static row under the partition deletion, or null when no static cell is live. */
export function buildStaticResultRow(
  staticRow: StaticRow,
  partitionDeletion: DeletionTime | undefined,
  nowSeconds: number,
  columnSet: ReadonlySet<string> | null,
  drops: ReadonlyMap<string, DeletionTime> | null = null,
): ResultRow | null {
  const cells: ResultColumn[] = [];
  return collectLiveColumns(staticRow.columns, partitionDeletion, nowSeconds, columnSet, cells, drops) ? { clustering: STATIC_CLUSTERING, cells } : null;
}
