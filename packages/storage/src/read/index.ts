/**
 * The read path: what a read command returns from a partition (slices, order, limits,
 * paging, TTLs and tombstones), single-partition reads over memtables and SSTables with
 * SSTable selection, range reads over merged partition streams. See README.md.
 */
export { ReadErrorCodes } from './read-error-codes';
export type { ReadErrorCode } from './read-error-codes';
export { planRead, selectsWholePartition, MAX_PER_PARTITION_LIMIT } from './read-command';
export type { ReadCommand, PagingState, StaticRowMode, ReadPlan } from './read-command';
export type {
  ResultPartition,
  ResultRow,
  ResultColumn,
  ResultSimpleColumn,
  ResultCounterColumn,
  ResultCollectionColumn,
  ResultElement,
} from './read-result';
export { filterPartition } from './filter-partition';
export type { FilterPartitionResult } from './filter-partition';
export { encodePagingState, decodePagingState, PAGING_STATE_FORMAT_VERSION, MAX_PAGING_STATE_BYTES } from './paging-state-codec';
export { selectSSTables, eliminatedByTimestamp } from './select-sstables';
export type { SSTableSelection, SSTableSkipping } from './select-sstables';
export { readSinglePartition } from './read-single-partition';
export type { MemtableSource, SinglePartitionSources, SinglePartitionReadResult, SinglePartitionReadOptions, SSTableReadCounts } from './read-single-partition';
export { readRange, DEFAULT_MAX_DEAD_PARTITIONS_PER_PAGE } from './read-range';
export type { RangeReadCommand, RangeReadOptions, RangeReadResult } from './read-range';
