import type { IoBackend, ShardIo } from '@charybdis/core';
import type { ClusteringBound, ClusteringPrefix, PartitionUpdate, TableComparators } from '@charybdis/schema';

/**
 * The contract between the SSTable implementation (src/sstable/) and its users (read path,
 * compaction, replica). Shapes only; see docs/sstable-format.md for the files.
 */

/** A slice of clustering space, bounds as in range tombstones (BOTTOM_BOUND/TOP_BOUND for open sides). */
export interface ClusteringSlice {
  readonly start: ClusteringBound;
  readonly end: ClusteringBound;
}

/** How an SSTable reaches the disk: through the shard's I/O queue in `ioClass`, or straight to a backend (tests, tools). */
export interface SSTableIo {
  readonly shardIo?: ShardIo;
  readonly backend?: IoBackend;
  /** I/O class of every request when `shardIo` is given: 'memtable_flush', 'compaction', 'query', 'streaming'. */
  readonly ioClass: string;
}

/** The few logger methods SSTable code uses (a core `Logger` fits). */
export interface SSTableLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What Statistics holds and every user may consult without reading Data. */
export interface SSTableStats {
  readonly partitionCount: number;
  readonly rowCount: number;
  /** Range tombstones + row deletions + partition deletions + cell tombstones (expired cells excluded). */
  readonly tombstoneCount: number;
  /** Size of the Data file on disk (compressed). */
  readonly dataSizeBytes: number;
  /** Bytes of partition data before compression. */
  readonly uncompressedSizeBytes: number;
  readonly firstToken: bigint;
  readonly lastToken: bigint;
  readonly firstKey: Uint8Array;
  readonly lastKey: Uint8Array;
  /** Smallest/largest timestamp of any cell, marker or deletion; null when none. */
  readonly minTimestampUs: bigint | null;
  readonly maxTimestampUs: bigint | null;
  /** Smallest/largest local deletion time (tombstones, expiring cells/markers); null when none. */
  readonly minLocalDeletionTimeSeconds: number | null;
  readonly maxLocalDeletionTimeSeconds: number | null;
  /** Smallest/largest row clustering; null when the SSTable has no clustered rows (range tombstone bounds do not count). */
  readonly minClustering: ClusteringPrefix | null;
  readonly maxClustering: ClusteringPrefix | null;
  /** True when some partition has a partition deletion or range tombstone (then min/max clustering cannot be used to skip it). */
  readonly hasPartitionOrRangeDeletions: boolean;
  /** Compaction level (0 for flushes and size-tiered output). */
  readonly level: number;
  /** Wall-clock ms when written. */
  readonly createdAtMs: number;
}

/**
 * What one partition contributes to its SSTable's Statistics, stored in the partition's
 * Index entry (docs/sstable-format.md). Compaction reads it to learn, without decoding,
 * whether purging could change the partition, and a writer folds it to keep Statistics
 * exact when it copies the partition's record as it is (`appendRaw`).
 */
export interface PartitionStatsSummary {
  readonly rowCount: number;
  /** As SSTableStats.tombstoneCount counts them. */
  readonly tombstoneCount: number;
  /** Any deletion at all: partition, range, row or collection deletion, or a tombstone cell. */
  readonly hasDeletions: boolean;
  /** A partition deletion or a range tombstone. */
  readonly hasPartitionOrRangeDeletions: boolean;
  readonly minTimestampUs: bigint | null;
  readonly maxTimestampUs: bigint | null;
  /** Over deletions, tombstone cells, expiring cells (their expiry) and expiring markers; null when none. */
  readonly minLocalDeletionTimeSeconds: number | null;
  readonly maxLocalDeletionTimeSeconds: number | null;
  /** The first and last row's clustering; null without rows. */
  readonly minClustering: ClusteringPrefix | null;
  readonly maxClustering: ClusteringPrefix | null;
}

/**
 * One partition as stored: its encoded record (the bytes of Data, docs/sstable-format.md)
 * and its Index facts. Given by `SSTableReaderApi.scanRaw`, taken as it is by
 * `SSTableWriterApi.appendRaw` (a compaction copying a partition it does not change).
 */
export interface RawPartition {
  /** The table id of the SSTable it was read from (Statistics). */
  readonly tableId: string;
  readonly token: bigint;
  readonly partitionKey: Uint8Array;
  /** The whole partition record; may be a view into a decompressed chunk, valid as long as it is referenced. */
  readonly record: Uint8Array;
  /** Offset of a large record's block index from the record start; null for a small record. */
  readonly blockIndexOffset: number | null;
  /** Where the record was in its SSTable's uncompressed Data stream (error messages). */
  readonly dataPosition: number;
  readonly stats: PartitionStatsSummary;
}

export interface SSTableWriterOptions {
  /** The table's data directory (must exist). */
  readonly directory: string;
  /** Unique within the directory; the files are named from it (docs/sstable-format.md). */
  readonly generation: number;
  readonly comparators: TableComparators;
  readonly io: SSTableIo;
  /** Sizes the bloom filter (false-positive chance ~1% at this count). */
  readonly expectedPartitions: number;
  readonly level?: number;
  readonly logger: SSTableLogger;
}

/** The write side; created by `SSTableWriter.create(options)`. */
export interface SSTableWriterApi {
  /** Appends one normalized, non-empty partition; partitions must come in strictly increasing partition order (comparePartitionPositions). */
  append(update: PartitionUpdate): Promise<void>;
  /**
   * Appends a partition record read by `scanRaw` of an SSTable of the same table and format,
   * byte for byte, without decoding it; Statistics stay exact (they fold `raw.stats`).
   * The same order rules as `append`. Optional: writers without it get `append`.
   */
  appendRaw?(raw: RawPartition): Promise<void>;
  /** Compressed bytes written to Data so far (to split compaction output). */
  readonly dataBytesWritten: number;
  readonly partitionsWritten: number;
  /** Writes the other components, syncs them, writes TOC last, syncs the directory; returns the stats. An SSTable with no partition is an error (abort it instead). */
  finish(): Promise<SSTableStats>;
  /** Deletes whatever was written; safe after a failed append. */
  abort(): Promise<void>;
}

export interface SSTableReaderOptions {
  readonly directory: string;
  readonly generation: number;
  readonly comparators: TableComparators;
  readonly io: SSTableIo;
  readonly logger: SSTableLogger;
}

/** The read side; opened by `SSTableReader.open(options)`. Errors: SSTABLE_CORRUPT (naming file and offset), SSTABLE_MISSING_COMPONENT, IO_*. */
export interface SSTableReaderApi {
  readonly generation: number;
  readonly directory: string;
  readonly stats: SSTableStats;
  /** Sum of all component files' sizes. */
  readonly totalSizeBytes: number;
  /** Bloom filter: false means the key is certainly absent. */
  mayContainKey(partitionKey: Uint8Array, token: bigint): boolean;
  /**
   * The partition as stored (normalized), restricted to `slices` when given (sorted,
   * disjoint): rows and range tombstones intersecting them (range tombstones clipped to
   * them), plus the partition deletion and static row; null when absent. Large partitions
   * decode only the blocks the slices touch.
   */
  readPartition(partitionKey: Uint8Array, token: bigint, slices?: readonly ClusteringSlice[]): Promise<PartitionUpdate | null>;
  /** Partitions with fromToken ≤ token ≤ toToken (bounds optional), in partition order, read sequentially. */
  scan(fromToken?: bigint, toToken?: bigint): AsyncGenerator<PartitionUpdate, void, undefined>;
  /**
   * Every partition as stored, in partition order, in batches (one Index page each), read
   * sequentially with large requests and without decoding the records. Optional: readers
   * without it are scanned with `scan`.
   */
  scanRaw?(): AsyncGenerator<readonly RawPartition[], void, undefined>;
  /** Decodes a partition given by this reader's `scanRaw` (checks it as `scan` does); its byte arrays may be views into `raw.record`. */
  decodeRaw?(raw: RawPartition): PartitionUpdate;
  /** Reads every component and checks every checksum and the Digest; throws SSTABLE_CORRUPT naming the file. */
  verify(): Promise<void>;
  /** Hard-links every component into `targetDirectory` (snapshots). */
  linkInto(targetDirectory: string): Promise<void>;
  /** Closes files; later reads throw. */
  close(): Promise<void>;
  /** Closes and deletes every component (TOC first, so a crash midway leaves a partial SSTable that start-up removes). */
  delete(): Promise<void>;
}
