/** Partition order and the merge of sorted partition streams (memtables, SSTables). */
export { comparePartitionPositions, comparePartitionUpdates, compareKeyBytes } from './partition-order';
export { mergePartitionStreams } from './merge-partition-streams';
export type { PartitionStream } from './merge-partition-streams';
