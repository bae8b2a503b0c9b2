/**
 * SSTables: the writer, the reader, the start-up scan and file names (docs/sstable-format.md),
 * and the contract types their users depend on (sstable-types.ts).
 */
export type {
  ClusteringSlice,
  SSTableIo,
  SSTableLogger,
  SSTableStats,
  SSTableWriterOptions,
  SSTableWriterApi,
  SSTableReaderOptions,
  SSTableReaderApi,
  RawPartition,
  PartitionStatsSummary,
} from './sstable-types';
export { isUnchangedByPurge } from './partition-stats';
export { SSTableWriter } from './sstable-writer';
export type { SSTableWriterCreateOptions } from './sstable-writer';
export { SSTableReader } from './sstable-reader';
export { listSSTables } from './list-sstables';
export { sstableFileName, parseSSTableFileName, SSTABLE_COMPONENTS } from './sstable-file-names';
export type { SSTableComponent } from './sstable-file-names';
export { SSTableErrorCodes } from './sstable-error-codes';
export type { SSTableErrorCode } from './sstable-error-codes';
export { SSTABLE_FORMAT_VERSION, DEFAULT_CHUNK_SIZE_BYTES, DEFAULT_PARTITION_BLOCK_BYTES, DEFAULT_SUMMARY_INTERVAL } from './sstable-format';
