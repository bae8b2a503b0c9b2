import { CharybdisError } from '@charybdis/core';
import type { ClusteringPrefix, TableComparators } from '@charybdis/schema';
import type { ClusteringSlice } from '../sstable/sstable-types';
import { ReadErrorCodes } from './read-error-codes';

/**
 * What a read does with the partition's static row (Cassandra's
 * `countPartitionsWithOnlyStaticData` and "are static columns fetched"):
 *
 * - `'full'`: the static row is returned when it has live data; a partition with a live
 *   static row but no live row in the slices is returned with `rows: []` and counts as
 *   one row against the limits (a `SELECT` with no clustering restriction shows it as one
 *   CQL row with null clustering columns);
 * - `'withRows'`: the static row is returned (when live) only with the partition's rows;
 *   a partition with no live row is not returned and counts nothing;
 * - `'none'`: the static row is neither needed nor returned (no static column selected).
 *   Only this mode lets SSTables be skipped by their clustering statistics, which cannot
 *   tell whether an SSTable holds static data.
 *
 * The default is `'full'` when the slices cover the whole partition, else `'withRows'`.
 */
export type StaticRowMode = 'full' | 'withRows' | 'none';

/**
 * Where a paged read stopped (plain data; `encodePagingState` makes the opaque bytes a
 * client returns). Resuming continues strictly after this point in the read's direction.
 * Partitions are always in partition order; `reversed` only reverses rows in a partition.
 */
export interface PagingState {
  /** The last partition the read returned (or scanned, after a bounded scan of dead partitions). */
  readonly partitionKey: Uint8Array;
  readonly token: bigint;
  /**
   * The last row returned from that partition; null when the partition is finished (all
   * its rows returned, only its static row returned, or it had no live data): the next
   * page starts with the next partition.
   */
  readonly lastClustering: ClusteringPrefix | null;
  /**
   * With `lastClustering`: the rows `perPartitionLimit` still allows in the partition;
   * null when the command has no per-partition limit or `lastClustering` is null.
   */
  readonly remainingInPartition: number | null;
}

/**
 * One read (plain data; Cassandra's ReadCommand without the partition range): which rows
 * of a partition, in which order, how many, which columns, at which time, from where.
 */
export interface ReadCommand {
  /** Sorted, disjoint, non-empty slices; `[{ start: BOTTOM_BOUND, end: TOP_BOUND }]` for the whole partition. */
  readonly slices: readonly ClusteringSlice[];
  /** Rows in descending clustering order (per partition; partitions stay in partition order). */
  readonly reversed: boolean;
  /** Rows across the whole read (a page size or a CQL LIMIT); an integer ≥ 1, or Infinity. */
  readonly rowLimit: number;
  /** Rows per partition (CQL PER PARTITION LIMIT); an integer ≥ 1. */
  readonly perPartitionLimit?: number;
  /** Regular and static columns to return; undefined = all. Row liveness still looks at every column (Cassandra's fetched vs queried columns). */
  readonly columns?: readonly string[];
  /** Server time for TTL expiry (`isCellLive`). */
  readonly nowSeconds: number;
  /** Resume a previous read after this point. */
  readonly pagingState?: PagingState;
  /** See {@link StaticRowMode}; the default depends on the slices. */
  readonly staticRow?: StaticRowMode;
}

/**
 * A validated command with what every partition's filtering needs precomputed, built
 * once per read by `planRead` (so the per-partition and per-row work allocates nothing it
 * could hoist).
 */
export interface ReadPlan {
  readonly command: ReadCommand;
  readonly comparators: TableComparators;
  /** Null when every column is selected. */
  readonly columnSet: ReadonlySet<string> | null;
  readonly staticMode: StaticRowMode;
  /**
   * True for a counter table. Counter tombstones beat counter cells whatever their
   * timestamps, so an old SSTable can still change the result and timestamp elimination
   * must not be used.
   */
  readonly hasCounterColumns: boolean;
}

/** The largest per-partition limit (Cassandra's is a Java int); keeps the paging state's field a u32. */
export const MAX_PER_PARTITION_LIMIT = 0x7fff_ffff;

function invalid(message: string): CharybdisError {
  return new CharybdisError(ReadErrorCodes.INVALID_COMMAND, `Invalid read command: ${message}`);
}

/** True when `slices` is the single slice covering the whole partition. */
export function selectsWholePartition(slices: readonly ClusteringSlice[]): boolean {
  if (slices.length !== 1) return false;
  const s = slices[0]!;
  return s.start.prefix.length === 0 && s.end.prefix.length === 0 && s.start.kind === 'inclStart' && s.end.kind === 'inclEnd';
}

function checkSlices(slices: readonly ClusteringSlice[], comparators: TableComparators): void {
  const cmp = comparators.clustering;
  for (let i = 0; i < slices.length; i++) {
    const s = slices[i]!;
    if (s.start.prefix.length > cmp.size || s.end.prefix.length > cmp.size) {
      throw invalid(`slice ${i} has a bound with more components than the ${cmp.size} clustering columns`);
    }
    if ((s.start.kind !== 'inclStart' && s.start.kind !== 'exclStart') || (s.end.kind !== 'inclEnd' && s.end.kind !== 'exclEnd')) {
      throw invalid(`slice ${i} must go from a start bound to an end bound, got ${s.start.kind}..${s.end.kind}`);
    }
    if (cmp.compareBounds(s.start, s.end) >= 0) throw invalid(`slice ${i} is empty (its start is not before its end)`);
    const prev = slices[i - 1];
    if (prev !== undefined && cmp.compareBounds(prev.end, s.start) > 0) throw invalid(`slices ${i - 1} and ${i} overlap or are not sorted`);
  }
}

function checkPagingState(state: PagingState, command: ReadCommand, comparators: TableComparators): void {
  if (state.lastClustering !== null && state.lastClustering.length !== comparators.clustering.size) {
    throw new CharybdisError(
      ReadErrorCodes.INVALID_PAGING_STATE,
      `Invalid paging state: its clustering has ${state.lastClustering.length} components, the table ${comparators.clustering.size}`,
    );
  }
  const r = state.remainingInPartition;
  if (r !== null && (!Number.isInteger(r) || r < 1 || r > MAX_PER_PARTITION_LIMIT)) {
    throw new CharybdisError(ReadErrorCodes.INVALID_PAGING_STATE, `Invalid paging state: remainingInPartition ${r} is out of [1, ${MAX_PER_PARTITION_LIMIT}]`);
  }
  if (r !== null && command.perPartitionLimit !== undefined && r > command.perPartitionLimit) {
    throw new CharybdisError(ReadErrorCodes.INVALID_PAGING_STATE, `Invalid paging state: remainingInPartition ${r} exceeds the command's perPartitionLimit ${command.perPartitionLimit}`);
  }
}

/**
 * Validates `command` against the table and precomputes its plan. Throws
 * READ_INVALID_COMMAND (or READ_INVALID_PAGING_STATE for its paging state).
 */
export function planRead(command: ReadCommand, comparators: TableComparators): ReadPlan {
  checkSlices(command.slices, comparators);
  const { rowLimit, perPartitionLimit } = command;
  if (rowLimit !== Infinity && (!Number.isSafeInteger(rowLimit) || rowLimit < 1)) throw invalid(`rowLimit must be an integer ≥ 1 or Infinity, got ${rowLimit}`);
  if (perPartitionLimit !== undefined && (!Number.isInteger(perPartitionLimit) || perPartitionLimit < 1 || perPartitionLimit > MAX_PER_PARTITION_LIMIT)) {
    throw invalid(`perPartitionLimit must be an integer in [1, ${MAX_PER_PARTITION_LIMIT}], got ${perPartitionLimit}`);
  }
  if (!Number.isInteger(command.nowSeconds) || command.nowSeconds < 0) throw invalid(`nowSeconds must be a non-negative integer, got ${command.nowSeconds}`);
  let columnSet: Set<string> | null = null;
  if (command.columns !== undefined) {
    columnSet = new Set(command.columns);
    for (const c of columnSet) if (!comparators.hasColumn(c)) throw invalid(`unknown column ${c}`);
  }
  if (command.pagingState !== undefined) checkPagingState(command.pagingState, command, comparators);
  const staticMode = command.staticRow ?? (selectsWholePartition(command.slices) ? 'full' : 'withRows');
  const hasCounterColumns = comparators.schema.columns.some((c) => comparators.column(c.name).counter);
  return { command, comparators, columnSet, staticMode, hasCounterColumns };
}
