import type { TableComparators } from '@charybdis/schema';
import type { StaticRowMode } from '@charybdis/storage';
import type { ColumnSpec } from '../protocol/result-metadata';
import type { PreparedTerm } from '../terms/term-types';
import type { JsonFormatter } from '../functions/json-format';
import type { SelectRestrictions } from './restriction-types';
import type { Selection } from './prepare-selection';
import type { SelectTable } from './select-table';

/** Everything a prepared SELECT computed once, for every execution (DESIGN §5a). */
export interface SelectPlan {
  readonly table: SelectTable;
  readonly comparators: TableComparators;
  /** See tableFingerprint: binds paging states to the table. */
  readonly fingerprint: number;
  readonly restrictions: SelectRestrictions;
  readonly selection: Selection;
  readonly resultColumns: readonly ColumnSpec[];
  readonly distinct: boolean;
  /** SELECT JSON: one formatter per selector, and the JSON key of each. */
  readonly json: { readonly formatters: readonly JsonFormatter[]; readonly keys: readonly string[] } | null;
  /** Rows in descending clustering order (ORDER BY opposite to the declared order). */
  readonly reversed: boolean;
  /** IN on the partition key with ORDER BY: rows are sorted in memory, paging is refused. */
  readonly postOrdering: boolean;
  /** Number of primary key columns (partition key first) that form a group; 0 without GROUP BY. */
  readonly groupByColumns: number;
  readonly limit: PreparedTerm | undefined;
  readonly perPartitionLimit: PreparedTerm | undefined;
  /** Regular and static columns to read; undefined = all. */
  readonly readColumns: readonly string[] | undefined;
  readonly staticRow: StaticRowMode;
}
