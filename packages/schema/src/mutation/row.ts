import type { ClusteringPrefix } from '../types/clustering-comparator';
import type { Cell } from './cell';
import type { DeletionTime } from './deletion-time';
import type { LivenessInfo } from './liveness-info';

/** The cell of a single-cell column (any column that is not a non-frozen collection/UDT). */
export interface SimpleColumnData {
  readonly kind: 'simple';
  readonly column: string;
  readonly cell: Cell;
}

/**
 * One element of a multi-cell column: a list element (path: a timeuuid), a set element
 * (path: the element, value empty), a map entry (path: the key) or a UDT field (path:
 * the field position as a 2-byte unsigned short). See `cellPathComparator`.
 */
export interface ComplexCell {
  readonly path: Uint8Array;
  readonly cell: Cell;
}

/**
 * A multi-cell (non-frozen collection or UDT) column: its element cells sorted by path,
 * and the collection tombstone that deleted every element written at or before it (an
 * overwrite `SET l = [...]` writes one at timestamp - 1, a `DELETE l` at the timestamp).
 */
export interface ComplexColumnData {
  readonly kind: 'complex';
  readonly column: string;
  readonly deletion?: DeletionTime;
  readonly cells: readonly ComplexCell[];
}

/** One column's data in a row. */
export type ColumnData = SimpleColumnData | ComplexColumnData;

/**
 * A clustered row: its full clustering (one encoded value per clustering column), its
 * row marker (primary key liveness), its row deletion, and its columns sorted by name.
 * Absent fields mean "none".
 */
export interface Row {
  readonly clustering: ClusteringPrefix;
  readonly marker?: LivenessInfo;
  readonly deletion?: DeletionTime;
  readonly columns: readonly ColumnData[];
}

/**
 * The partition's static row: static columns only. It has no marker and no deletion of its
 * own (as in Cassandra); only the partition deletion shadows it.
 */
export interface StaticRow {
  readonly columns: readonly ColumnData[];
}
