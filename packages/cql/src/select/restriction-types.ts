import type { PreparedInValues, PreparedTerm } from '../terms/term-types';
import type { SelectColumn } from './select-table';

/**
 * The WHERE clause of a SELECT after preparation (Cassandra's StatementRestrictions):
 * how partitions are found, which clustering slices are read, and what is left to a
 * post-filter over the rows read. Plain data over prepared terms; values are bound at
 * execution.
 */

/** The values one column (or one tuple of columns) is restricted to: `= t` or `IN (…)`. */
export type ValueSource =
  | { readonly kind: 'eq'; readonly term: PreparedTerm }
  /** `single`: a literal list of one value (`IN (?)`), which ORDER BY treats as `=`. */
  | { readonly kind: 'in'; readonly values: PreparedInValues; readonly single?: boolean };

/** One side of a slice. */
export interface SliceBound {
  readonly term: PreparedTerm;
  readonly inclusive: boolean;
}

/** How the partitions of the query are found. */
export type PartitionRestriction =
  /** Every partition key column restricted by `=` or `IN`: the cartesian product of the values. */
  | { readonly kind: 'keys'; readonly columns: readonly ValueSource[] }
  /** `token(pk…)` bounds: a range read. */
  | { readonly kind: 'token'; readonly start: SliceBound | undefined; readonly end: SliceBound | undefined }
  /** No usable restriction: a full scan (post-filtered when the partition key has filters). */
  | { readonly kind: 'scan' };

/** How the clustering slices of a partition are built. */
export type ClusteringRestriction =
  | { readonly kind: 'none' }
  /** Single-column relations: `=`/`IN` on a prefix, then maybe a slice on the next column. */
  | {
      readonly kind: 'single';
      readonly prefix: readonly ValueSource[];
      readonly slice: { readonly column: SelectColumn; readonly start: SliceBound | undefined; readonly end: SliceBound | undefined } | undefined;
    }
  /** `(c1, c2) = (…)` or `(c1, c2) IN (…)`: each value a tuple of the first clustering columns. */
  | { readonly kind: 'multiPoints'; readonly columns: readonly SelectColumn[]; readonly source: ValueSource }
  /**
   * `(c1, c2) > (…)` and/or `(c1) < (…)`: tuple bounds from the first clustering column.
   * When the columns mix ASC and DESC the slice cannot be one clustering range: the whole
   * partition is read and `filtered` is set (the bounds are checked on each row).
   */
  | {
      readonly kind: 'multiSlice';
      readonly start: { readonly columns: readonly SelectColumn[]; readonly bound: SliceBound } | undefined;
      readonly end: { readonly columns: readonly SelectColumn[]; readonly bound: SliceBound } | undefined;
      readonly filtered: boolean;
    };

/** A comparison a row must pass after it is read (ALLOW FILTERING and non-key restrictions). */
export type RowFilter =
  | { readonly kind: 'compare'; readonly column: SelectColumn; readonly operator: '=' | '<' | '<=' | '>' | '>='; readonly term: PreparedTerm }
  | { readonly kind: 'in'; readonly column: SelectColumn; readonly values: PreparedInValues }
  | { readonly kind: 'contains'; readonly column: SelectColumn; readonly term: PreparedTerm }
  | { readonly kind: 'containsKey'; readonly column: SelectColumn; readonly term: PreparedTerm }
  | { readonly kind: 'mapElement'; readonly column: SelectColumn; readonly key: PreparedTerm; readonly operator: '=' | '<' | '<=' | '>' | '>='; readonly term: PreparedTerm }
  /** A tuple bound over the first clustering columns, in their natural (ASC) order. */
  | { readonly kind: 'tuple'; readonly columns: readonly SelectColumn[]; readonly operator: '<' | '<=' | '>' | '>='; readonly term: PreparedTerm };

/** Everything the WHERE clause decided. */
export interface SelectRestrictions {
  readonly partition: PartitionRestriction;
  readonly clustering: ClusteringRestriction;
  readonly filters: readonly RowFilter[];
  /** True when some filter reads a regular column (static-only partitions then never match). */
  readonly filtersRegularColumns: boolean;
  /** True when clustering columns are restricted (the read does not cover whole partitions). */
  readonly hasClusteringRestrictions: boolean;
  /** The pk columns' bind indexes when every pk column is `= ?` (for the Prepared metadata). */
  readonly partitionKeyBindIndexes: readonly number[];
}
