import { CharybdisError } from '@charybdis/core';
import type { PartitionUpdate, TableComparators } from '@charybdis/schema';
import { filterPartitionWithPlan, pagingPosition, pagingStateAfter } from './filter-partition';
import { planRead } from './read-command';
import type { PagingState, ReadCommand } from './read-command';
import { ReadErrorCodes } from './read-error-codes';
import type { ResultPartition } from './read-result';

/** A range read: a ReadCommand over the partitions with fromToken ≤ token ≤ toToken (each bound optional). */
export interface RangeReadCommand extends ReadCommand {
  readonly fromToken?: bigint;
  readonly toToken?: bigint;
}

/**
 * Dead partitions (nothing live to return: deleted, expired, or nothing in the slices) a
 * range read scans before it ends the page early with a paging state. Bounds the work of
 * one page over tombstone-heavy data, as Cassandra's tombstone thresholds do, without
 * failing the query.
 */
export const DEFAULT_MAX_DEAD_PARTITIONS_PER_PAGE = 10_000;

/** Bounds of one range read. */
export interface RangeReadOptions {
  /** See {@link DEFAULT_MAX_DEAD_PARTITIONS_PER_PAGE}; an integer ≥ 1. */
  readonly maxDeadPartitions?: number;
}

/** One page of a range read. */
export interface RangeReadResult {
  readonly partitions: ResultPartition[];
  /** Where the next page starts; null when the range is finished. */
  readonly pagingState: PagingState | null;
  /** Partitions filtered (in range and after the paging state). */
  readonly partitionsScanned: number;
  /** Of those, the ones that returned nothing. */
  readonly deadPartitionsScanned: number;
  /** True when the page ended at the dead-partition bound rather than at the row limit or the end of the range. */
  readonly stoppedAtDeadPartitionLimit: boolean;
}

/**
 * Reads a page of a partition range (Cassandra's PartitionRangeReadCommand) from `stream`,
 * the merged partitions in partition order (`mergePartitionStreams` over the memtables'
 * and SSTables' scans): partitions outside [fromToken, toToken] and those a paging state
 * already finished are skipped (the caller should start the scans at the paging state's
 * token so that skipping is short), `rowLimit` is shared by the partitions,
 * `perPartitionLimit` applies to each, partitions without live data are left out, and
 * the page ends early after `maxDeadPartitions` of those. The stream is closed when the
 * page ends.
 */
export async function readRange(
  stream: AsyncIterable<PartitionUpdate>,
  command: RangeReadCommand,
  comparators: TableComparators,
  options: RangeReadOptions = {},
): Promise<RangeReadResult> {
  const plan = planRead(command, comparators);
  const maxDead = options.maxDeadPartitions ?? DEFAULT_MAX_DEAD_PARTITIONS_PER_PAGE;
  if (!Number.isSafeInteger(maxDead) || maxDead < 1) {
    throw new CharybdisError(ReadErrorCodes.INVALID_COMMAND, `Invalid read command: maxDeadPartitions must be an integer ≥ 1, got ${maxDead}`);
  }
  const { fromToken, toToken, pagingState: state } = command;
  const partitions: ResultPartition[] = [];
  let budget = command.rowLimit;
  let scanned = 0;
  let dead = 0;
  const page = (pagingState: PagingState | null, stoppedAtDeadPartitionLimit: boolean): RangeReadResult => ({
    partitions,
    pagingState,
    partitionsScanned: scanned,
    deadPartitionsScanned: dead,
    stoppedAtDeadPartitionLimit,
  });
  for await (const update of stream) {
    if (fromToken !== undefined && update.token < fromToken) continue;
    if (toToken !== undefined && update.token > toToken) break;
    const position = pagingPosition(update, state);
    if (position === 'before') continue;
    scanned++;
    const resume = position === 'inside' ? state : undefined;
    const result = filterPartitionWithPlan(update, plan, budget, resume);
    if (result.partition === null) {
      dead++;
      if (dead >= maxDead) {
        return page({ partitionKey: update.partitionKey, token: update.token, lastClustering: null, remainingInPartition: null }, true);
      }
      continue;
    }
    partitions.push(result.partition);
    budget -= result.rowsReturned;
    if (budget <= 0) return page(pagingStateAfter(update.partitionKey, update.token, result, command, resume), false);
  }
  return page(null, false);
}
