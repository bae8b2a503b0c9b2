import { CharybdisError } from '@charybdis/core';
import { mergeManyPartitionUpdates, maxDeletion } from '@charybdis/schema';
import type { DeletionTime, PartitionUpdate, TableComparators } from '@charybdis/schema';
import type { SSTableReaderApi } from '../sstable/sstable-types';
import { slicesAfter } from './clustering-slices';
import { comparePartitionPositions } from '../partition-stream/partition-order';
import { filterPartitionWithPlan, pagingStateAfter } from './filter-partition';
import type { FilterPartitionResult } from './filter-partition';
import { planRead } from './read-command';
import type { PagingState, ReadCommand, ReadPlan } from './read-command';
import { ReadErrorCodes } from './read-error-codes';
import { eliminatedByTimestamp, selectSSTables } from './select-sstables';
import type { SSTableSkipping } from './select-sstables';

/** A memtable as the read path sees it (the storage `Memtable` fits): the partition's merged, normalized content or null. */
export interface MemtableSource {
  get(partitionKey: Uint8Array, token: bigint): PartitionUpdate | null;
}

/** Where one table's data lives on a shard: its memtables (active and flushing) and its SSTables. */
export interface SinglePartitionSources {
  readonly memtables: readonly MemtableSource[];
  readonly sstables: readonly SSTableReaderApi[];
}

/** How many SSTables a read looked at and why it left the others out (for metrics and tests). */
export interface SSTableReadCounts {
  readonly sstablesConsidered: number;
  readonly sstablesRead: number;
  readonly skippedByBloom: number;
  readonly skippedByClustering: number;
  readonly skippedByTimestamp: number;
}

/** The filtered partition, where to resume (null when the partition has nothing more to give), and the SSTable counts. */
export interface SinglePartitionReadResult extends FilterPartitionResult, SSTableReadCounts {
  readonly pagingState: PagingState | null;
}

/** Options of one read; the defaults are what production wants. */
export interface SinglePartitionReadOptions {
  /** Which SSTable-skipping rules to use (all by default). */
  readonly skipping?: SSTableSkipping;
}

const EMPTY_RESULT: FilterPartitionResult = { partition: null, rowsReturned: 0, lastClustering: null, exhausted: true };

/**
 * Reads the memtables, then the selected SSTables newest-first (sequentially: a partition
 * deletion found in one can eliminate the older ones), and merges what they hold. The
 * sources return normalized updates, so a partition found in one source only is used as is.
 */
async function gatherPartition(
  sources: SinglePartitionSources,
  partitionKey: Uint8Array,
  token: bigint,
  plan: ReadPlan,
  resume: PagingState | undefined,
  skipping: SSTableSkipping,
): Promise<{ update: PartitionUpdate | null; counts: SSTableReadCounts }> {
  const found: PartitionUpdate[] = [];
  let partitionDeletion: DeletionTime | undefined;
  for (const memtable of sources.memtables) {
    const u = memtable.get(partitionKey, token);
    if (u === null) continue;
    found.push(u);
    partitionDeletion = maxDeletion(partitionDeletion, u.partitionDeletion);
  }
  const cmd = plan.command;
  const last = resume?.lastClustering ?? null;
  const slices = last === null ? cmd.slices : slicesAfter(cmd.slices, last, cmd.reversed, plan.comparators.clustering);
  const selection = selectSSTables(sources.sstables, partitionKey, token, slices, plan.staticMode !== 'none', plan.comparators, skipping);
  let sstablesRead = 0;
  let skippedByTimestamp = 0;
  const byTimestamp = skipping.timestamp !== false && !plan.hasCounterColumns;
  for (let i = 0; i < selection.candidates.length; i++) {
    const sstable = selection.candidates[i]!;
    if (byTimestamp && eliminatedByTimestamp(sstable, partitionDeletion)) {
      skippedByTimestamp = selection.candidates.length - i;
      break;
    }
    sstablesRead++;
    const u = await sstable.readPartition(partitionKey, token, slices);
    if (u === null) continue;
    found.push(u);
    partitionDeletion = maxDeletion(partitionDeletion, u.partitionDeletion);
  }
  const counts: SSTableReadCounts = {
    sstablesConsidered: sources.sstables.length,
    sstablesRead,
    skippedByBloom: selection.skippedByBloom,
    skippedByClustering: selection.skippedByClustering,
    skippedByTimestamp,
  };
  const update = found.length === 0 ? null : found.length === 1 ? found[0]! : mergeManyPartitionUpdates(found, plan.comparators);
  return { update, counts };
}

/**
 * Reads one partition for `command` (Cassandra's SinglePartitionReadCommand): merges the
 * memtables and the SSTables that may hold it (see `selectSSTables`), applies tombstones,
 * TTLs, slices, order and limits (`filterPartition`), and says where a next page would
 * resume. A paging state must be on this partition (else READ_INVALID_PAGING_STATE); one
 * that finished it gives an empty result without reading anything.
 */
export async function readSinglePartition(
  sources: SinglePartitionSources,
  partitionKey: Uint8Array,
  token: bigint,
  command: ReadCommand,
  comparators: TableComparators,
  options: SinglePartitionReadOptions = {},
): Promise<SinglePartitionReadResult> {
  const plan = planRead(command, comparators);
  const state = command.pagingState;
  if (state !== undefined && comparePartitionPositions(token, partitionKey, state.token, state.partitionKey) !== 0) {
    throw new CharybdisError(ReadErrorCodes.INVALID_PAGING_STATE, 'Invalid paging state: it belongs to another partition than the one read');
  }
  const noCounts: SSTableReadCounts = { sstablesConsidered: sources.sstables.length, sstablesRead: 0, skippedByBloom: 0, skippedByClustering: 0, skippedByTimestamp: 0 };
  if (state !== undefined && state.lastClustering === null) return readResult(EMPTY_RESULT, noCounts, null);
  const { update, counts } = await gatherPartition(sources, partitionKey, token, plan, state, options.skipping ?? {});
  if (update === null) return readResult(EMPTY_RESULT, counts, null);
  const result = filterPartitionWithPlan(update, plan, command.rowLimit, state);
  const pagingState = result.exhausted ? null : pagingStateAfter(partitionKey, token, result, command, state);
  return readResult(result, counts, pagingState);
}

/** One result object of a fixed shape (object spreads here cost an allocation-heavy slow path on every read). */
function readResult(result: FilterPartitionResult, counts: SSTableReadCounts, pagingState: PagingState | null): SinglePartitionReadResult {
  return {
    partition: result.partition,
    rowsReturned: result.rowsReturned,
    lastClustering: result.lastClustering,
    exhausted: result.exhausted,
    sstablesConsidered: counts.sstablesConsidered,
    sstablesRead: counts.sstablesRead,
    skippedByBloom: counts.skippedByBloom,
    skippedByClustering: counts.skippedByClustering,
    skippedByTimestamp: counts.skippedByTimestamp,
    pagingState,
  };
}
