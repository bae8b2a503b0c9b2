import type { ClusteringSlice, ReadCommand, ResultPartition, StaticRowMode } from '@charybdis/storage';
import type { DataAccess } from '../execution/execution-types';
import type { BoundPartitions } from './bind-restrictions';
import type { SelectPagingState } from './select-paging-state';

/** The part of a read command fixed for one execution. */
export interface BaseReadCommand {
  readonly slices: readonly ClusteringSlice[];
  readonly reversed: boolean;
  readonly perPartitionLimit: number | undefined;
  readonly columns: readonly string[] | undefined;
  readonly nowSeconds: number;
  readonly staticRow: StaticRowMode;
}

/** Where a fetch resumes: a partition index (IN queries) and storage's paging state. */
export interface FetchPosition {
  readonly partitionIndex: number;
  readonly storage: SelectPagingState['storage'] | null;
}

/** One fetched page: partitions in order and where the next fetch starts (null when done). */
export interface FetchedPage {
  readonly partitions: readonly ResultPartition[];
  readonly next: FetchPosition | null;
}

function command(base: BaseReadCommand, rowLimit: number, storage: FetchPosition['storage']): ReadCommand {
  // Optional fields assigned, not spread: this runs for every read, and spreads of
  // conditional object literals allocate several throwaway objects each.
  const cmd: { -readonly [K in keyof ReadCommand]: ReadCommand[K] } = {
    slices: base.slices,
    reversed: base.reversed,
    rowLimit,
    nowSeconds: base.nowSeconds,
    staticRow: base.staticRow,
  };
  if (base.perPartitionLimit !== undefined) cmd.perPartitionLimit = base.perPartitionLimit;
  if (base.columns !== undefined) cmd.columns = base.columns;
  if (storage !== null) cmd.pagingState = storage;
  return cmd;
}

/**
 * Reads up to `rowLimit` rows (storage counts: rows, or 1 per static-only partition) from
 * `position`: the listed partitions one after another (single-partition reads), or one
 * range page.
 */
export async function fetchPage(
  data: DataAccess,
  tableId: string,
  partitions: BoundPartitions,
  base: BaseReadCommand,
  rowLimit: number,
  position: FetchPosition | null,
): Promise<FetchedPage> {
  if (partitions.kind === 'range') {
    if (partitions.empty) return { partitions: [], next: null };
    const cmd = {
      ...command(base, rowLimit, position?.storage ?? null),
      ...(partitions.fromToken !== undefined ? { fromToken: partitions.fromToken } : {}),
      ...(partitions.toToken !== undefined ? { toToken: partitions.toToken } : {}),
    };
    const page = await data.readRange(tableId, cmd);
    return { partitions: page.partitions, next: page.pagingState === null ? null : { partitionIndex: 0, storage: page.pagingState } };
  }
  const out: ResultPartition[] = [];
  let budget = rowLimit;
  const keys = partitions.keys;
  for (let i = position?.partitionIndex ?? 0; i < keys.length; i++) {
    const storage = i === position?.partitionIndex ? position.storage : null;
    const target = keys[i]!;
    const result = await data.read(tableId, target.key, target.token, command(base, budget, storage));
    if (result.partition !== null) out.push(result.partition);
    budget -= result.rowsReturned;
    if (budget <= 0) {
      if (result.pagingState !== null) return { partitions: out, next: { partitionIndex: i, storage: result.pagingState } };
      return { partitions: out, next: i + 1 < keys.length ? { partitionIndex: i + 1, storage: null } : null };
    }
  }
  return { partitions: out, next: null };
}
