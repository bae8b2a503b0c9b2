/**
 * The mutation model: cells, rows, tombstones and partition updates as plain data, the
 * reconcile/merge rules (Cassandra 4's), purging, and the binary form of a partition
 * update. See docs/mutation-model.md.
 */
export { MutationErrorCodes } from './mutation-error-codes';
export type { MutationErrorCode } from './mutation-error-codes';
export { deletionSupersedes, deletionDeletes, maxDeletion, deletionsEqual, isPurgeable } from './deletion-time';
export type { DeletionTime } from './deletion-time';
export { livenessSupersedes, mergeLiveness, isLivenessLive } from './liveness-info';
export type { LivenessInfo } from './liveness-info';
export {
  liveCell,
  expiringCell,
  tombstoneCell,
  counterCell,
  isCellLive,
  checkTtl,
  MAX_TTL_SECONDS,
  MAX_LOCAL_TIME_SECONDS,
} from './cell';
export type { Cell, LiveCell, ExpiringCell, TombstoneCell, CounterCell } from './cell';
export { mergeCounterShards, counterTotal } from './counter-shards';
export type { CounterShard } from './counter-shards';
export { reconcileCells } from './reconcile-cells';
export type { Row, StaticRow, ColumnData, SimpleColumnData, ComplexColumnData, ComplexCell } from './row';
export type { RangeTombstone } from './range-tombstone';
export { normalizeRangeTombstones, rangeTombstoneDeletionAt } from './range-tombstone-list';
export { emptyPartitionUpdate, isEmptyPartitionUpdate } from './partition-update';
export type { PartitionUpdate } from './partition-update';
export { TableComparators } from './table-comparators';
export type { MutationSchema, ColumnSpec, ColumnComparators } from './table-comparators';
export { mergePartitionUpdates, mergeManyPartitionUpdates, normalizePartitionUpdate } from './merge-partition-updates';
export { purgePartitionUpdate, rowHasLiveData } from './purge-partition-update';
export type { PurgeOptions } from './purge-partition-update';
export { encodePartitionUpdate, PARTITION_UPDATE_FORMAT_VERSION } from './partition-update-encoder';
export { decodePartitionUpdate, peekPartitionUpdateTableId } from './partition-update-decoder';
export type { DecodeOptions } from './partition-update-decoder';
export { encodedUpdateCovers } from './encoded-update-cover';
