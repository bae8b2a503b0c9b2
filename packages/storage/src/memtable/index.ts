/**
 * The memtable of one table on one shard, on the LSA (see docs/memtable.md).
 */
export { Memtable } from './memtable';
export type { MemtableOptions, CreateMemtableOptions } from './memtable';
export { MemtableErrorCodes } from './memtable-error-codes';
export type { MemtableErrorCode } from './memtable-error-codes';
export { partitionUpdateTimestampRange } from './partition-update-timestamps';
export type { TimestampRangeUs } from './partition-update-timestamps';
