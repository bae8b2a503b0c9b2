/**
 * Constants of the SSTable format (docs/sstable-format.md): format version, the magic of
 * each binary component and the default sizes. Integers in the binary components are
 * little-endian; varints are unsigned LEB128.
 */

/** Format version, written in Statistics and in every binary component's header. */
export const SSTABLE_FORMAT_VERSION = 2;

/** Magic numbers (u32 LE at offset 0) of the binary components: "CHS" + a letter. */
export const SSTableMagic = {
  Index: 0x49534843, // "CHSI"
  Summary: 0x53534843, // "CHSS"
  Filter: 0x46534843, // "CHSF"
  Statistics: 0x54534843, // "CHST"
  Digest: 0x44534843, // "CHSD"
} as const;

/** Default uncompressed size of a Data compression chunk. */
export const DEFAULT_CHUNK_SIZE_BYTES = 64 * 1024;
/** Smallest and largest chunk size accepted (the chunk count and offsets stay small; a chunk stays one read). */
export const MIN_CHUNK_SIZE_BYTES = 4096;
export const MAX_CHUNK_SIZE_BYTES = 4 * 1024 * 1024;

/** Default size of a clustering block of a large partition (estimated encoded rows). */
export const DEFAULT_PARTITION_BLOCK_BYTES = 64 * 1024;

/** Default number of Index entries per Index page (one Summary entry per page). */
export const DEFAULT_SUMMARY_INTERVAL = 128;

/** Bloom filter target false-positive chance at the actual partition count. */
export const BLOOM_FALSE_POSITIVE_CHANCE = 0.01;

/** Partition record kinds in Data (the first byte of a record). */
export const PartitionRecordKind = { Small: 1, Large: 2 } as const;

/** Bytes of a partition record's fixed header: u8 kind, u32 body length. */
export const RECORD_HEADER_BYTES = 5;
/** Bytes after the record header of a large partition: u32 header length, u32 blocks length. */
export const LARGE_RECORD_PREFIX_BYTES = 8;

/** Bytes of the crc32c that follows every compressed chunk. */
export const CHUNK_CRC_BYTES = 4;

/** Size of the buffer a sequential scan reads Data with (several chunks per request). */
export const SCAN_READ_BYTES = 1024 * 1024;

/** Compressed Data the writer stages before handing it to the file (one await per this many bytes). */
export const DATA_STAGING_BYTES = 1024 * 1024;

/** Size of the requests a sequential scan reads the Index with. */
export const INDEX_SCAN_READ_BYTES = 1024 * 1024;
