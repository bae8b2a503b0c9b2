import { compareBytesUnsigned } from '../types/compare-bytes';
import type { ClusteringPrefix } from '../types/clustering-comparator';
import { ClusteringComparator } from '../types/clustering-comparator';
import { deletionDeletes, deletionSupersedes, maxDeletion } from './deletion-time';
import type { DeletionTime } from './deletion-time';
import { invalidMutationError } from './invalid-mutation-error';
import { mergeLiveness } from './liveness-info';
import { reconcileCells } from './reconcile-cells';
import type { ColumnData, ComplexCell, ComplexColumnData, Row } from './row';
import type { TableComparators } from './table-comparators';

/**
 * The row-level half of merging: union of rows and columns with cell reconciliation, and
 * shadowing by deletions (Cassandra's Rows.merge / Row.Merger and BTreeRow.filter rules).
 * Pure functions over plain data; the inputs are never modified.
 */

function checkColumnKind(column: ColumnData, comparators: TableComparators): void {
  const spec = comparators.column(column.column);
  if (spec.multiCell !== (column.kind === 'complex')) {
    throw invalidMutationError(
      `column ${comparators.describeColumn(column.column)} is ${spec.multiCell ? 'multi-cell' : 'single-cell'} but the update has ${column.kind} data for it`,
    );
  }
  if (column.kind === 'simple') {
    const isCounter = column.cell.kind === 'counter';
    if (isCounter && !spec.counter) throw invalidMutationError(`counter cell in non-counter column ${comparators.describeColumn(column.column)}`);
    if (spec.counter && (column.cell.kind === 'live' || column.cell.kind === 'expiring')) {
      throw invalidMutationError(`${column.cell.kind} cell in counter column ${column.column}`);
    }
  } else {
    for (const c of column.cells) {
      if (c.cell.kind === 'counter') throw invalidMutationError(`counter cell inside multi-cell column ${column.column}`);
    }
  }
}

/**
 * Sorts complex cells by path (the column's path order; equal paths spelled differently
 * sort by bytes so the smallest spelling is kept) and reconciles cells with equal paths.
 */
function normalizeComplexCells(cells: readonly ComplexCell[], comparePaths: (a: Uint8Array, b: Uint8Array) => number): ComplexCell[] {
  const sorted = cells.slice().sort((x, y) => comparePaths(x.path, y.path) || compareBytesUnsigned(x.path, y.path));
  const out: ComplexCell[] = [];
  for (const c of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && comparePaths(last.path, c.path) === 0) {
      out[out.length - 1] = { path: last.path, cell: reconcileCells(last.cell, c.cell) };
    } else {
      out.push(c);
    }
  }
  return out;
}

function mergeTwoColumns(a: ColumnData, b: ColumnData): ColumnData {
  if (a.kind === 'simple' && b.kind === 'simple') return { kind: 'simple', column: a.column, cell: reconcileCells(a.cell, b.cell) };
  if (a.kind === 'complex' && b.kind === 'complex') {
    const deletion = maxDeletion(a.deletion, b.deletion);
    const cells = [...a.cells, ...b.cells];
    return deletion === undefined ? { kind: 'complex', column: a.column, cells } : { kind: 'complex', column: a.column, deletion, cells };
  }
  throw invalidMutationError(`column ${a.column} has both simple and complex data`);
}

/**
 * The union of any number of column lists: sorted by column name, one entry per column,
 * cells reconciled, complex cells sorted by path and reconciled, collection tombstones
 * merged. Checks every column against the table (known, single- or multi-cell, counter).
 */
export function mergeColumnLists(lists: readonly (readonly ColumnData[])[], comparators: TableComparators): ColumnData[] {
  if (lists.length === 1 && isSortedSimpleList(lists[0]!, comparators)) return lists[0]!.slice();
  const all = lists.flat();
  for (const c of all) checkColumnKind(c, comparators);
  // Array.prototype.sort is stable, so equal names keep their order (irrelevant to the result).
  const sorted = all.slice().sort((x, y) => (x.column < y.column ? -1 : x.column > y.column ? 1 : 0));
  const merged: ColumnData[] = [];
  for (const c of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.column === c.column) merged[merged.length - 1] = mergeTwoColumns(last, c);
    else merged.push(c);
  }
  return merged.map((c) => {
    if (c.kind === 'simple') return c;
    const cells = normalizeComplexCells(c.cells, comparators.column(c.column).comparePaths!);
    return c.deletion === undefined ? { kind: 'complex', column: c.column, cells } : { kind: 'complex', column: c.column, deletion: c.deletion, cells };
  });
}

/**
 * True when `row` alone, under no deletion, is already its own normalized form: no row
 * deletion, something live (a marker or a column), simple cells strictly sorted by column
 * and valid for the table, a valid full clustering. Merging it alone would copy it unchanged.
 */
export function isPlainNormalizedRow(row: Row, comparators: TableComparators): boolean {
  if (row.deletion !== undefined || (row.marker === undefined && row.columns.length === 0)) return false;
  if (!isSortedSimpleList(row.columns, comparators)) return false;
  comparators.clustering.validate(row.clustering, true);
  return true;
}

/** True when `list` is already what merging it alone gives: simple cells only, strictly sorted by column (checked against the table). */
function isSortedSimpleList(list: readonly ColumnData[], comparators: TableComparators): boolean {
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (c.kind !== 'simple' || (i > 0 && !(list[i - 1]!.column < c.column))) return false;
  }
  for (const c of list) checkColumnKind(c, comparators);
  return true;
}

/**
 * The union of rows with equal clusterings: the superseding marker and deletion, merged
 * columns, and the smallest spelling of the clustering (see ClusteringComparator.compareBytes).
 */
export function mergeRowGroup(rows: readonly Row[], comparators: TableComparators): Row {
  let clustering: ClusteringPrefix = rows[0]!.clustering;
  let marker = rows[0]!.marker;
  let deletion = rows[0]!.deletion;
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i]!;
    if (ClusteringComparator.compareBytes(r.clustering, clustering) < 0) clustering = r.clustering;
    marker = mergeLiveness(marker, r.marker);
    deletion = maxDeletion(deletion, r.deletion);
  }
  const columns = mergeColumnLists(
    rows.map((r) => r.columns),
    comparators,
  );
  return buildRow(clustering, marker, deletion, columns);
}

function buildRow(
  clustering: ClusteringPrefix,
  marker: Row['marker'],
  deletion: DeletionTime | undefined,
  columns: readonly ColumnData[],
): Row {
  const row: { clustering: ClusteringPrefix; marker?: Row['marker']; deletion?: DeletionTime; columns: readonly ColumnData[] } = {
    clustering,
    columns,
  };
  if (marker !== undefined) row.marker = marker;
  if (deletion !== undefined) row.deletion = deletion;
  return row;
}

function shadowComplex(column: ComplexColumnData, active: DeletionTime | undefined): ComplexColumnData | undefined {
  // A collection tombstone no newer than the deletion above it says nothing more.
  const own = column.deletion !== undefined && (active === undefined || deletionSupersedes(column.deletion, active)) ? column.deletion : undefined;
  const effective = own ?? active;
  const cells = column.cells.filter((c) => !deletionDeletes(effective, c.cell.timestampUs));
  if (own === undefined && cells.length === 0) return undefined;
  return own === undefined ? { kind: 'complex', column: column.column, cells } : { kind: 'complex', column: column.column, deletion: own, cells };
}

/**
 * Drops what `active` (the strongest deletion above these columns) shadows: cells written
 * at or before it, collection tombstones it supersedes (or equals), and the element cells
 * their collection tombstone shadows. Counter columns are left alone: merging keeps their
 * cells so that it stays a join (a counter's cells are reconciled by shard, and a later
 * counter update must meet every shard it would have met); reads and purging apply the
 * deletion to them.
 */
export function shadowColumns(
  columns: readonly ColumnData[],
  active: DeletionTime | undefined,
  comparators: TableComparators,
): ColumnData[] {
  const out: ColumnData[] = [];
  for (const c of columns) {
    if (c.kind === 'simple') {
      if (comparators.column(c.column).counter || !deletionDeletes(active, c.cell.timestampUs)) out.push(c);
    } else {
      const shadowed = shadowComplex(c, active);
      if (shadowed !== undefined) out.push(shadowed);
    }
  }
  return out;
}

/**
 * Applies `active` (the partition deletion and any range tombstone covering the row) to a
 * row: its own deletion survives only if it supersedes `active`; the marker and cells the
 * effective deletion covers go. Returns undefined when nothing is left.
 */
export function shadowRow(row: Row, active: DeletionTime | undefined, comparators: TableComparators): Row | undefined {
  const own = row.deletion !== undefined && (active === undefined || deletionSupersedes(row.deletion, active)) ? row.deletion : undefined;
  const effective = own ?? active;
  const marker = row.marker !== undefined && !deletionDeletes(effective, row.marker.timestampUs) ? row.marker : undefined;
  const columns = shadowColumns(row.columns, effective, comparators);
  if (own === undefined && marker === undefined && columns.length === 0) return undefined;
  return buildRow(row.clustering, marker, own, columns);
}
