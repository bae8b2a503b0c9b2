import { crc32c } from '@charybdis/core';
import { SSTableByteReader } from './sstable-byte-reader';
import type { SSTableByteWriter } from './sstable-byte-writer';
import { sstableCorrupt } from './sstable-error-codes';
import { SSTABLE_FORMAT_VERSION, SSTableMagic } from './sstable-format';
import type { PartitionStatsSummary } from './sstable-types';

/**
 * The Index component (pure codec): an 8-byte header (u32 magic, u32 version) then pages
 * of up to `summaryInterval` entries, each page `u32 entry count | entries | u32 crc32c of
 * the page before it`, so that a lookup reads and checks one page. Entry:
 * `i64 token | uv key length | key | uv data position | u8 flags [| uv block index offset]
 * | partition stats` (flag 0x01: a large partition; the offset is from the record start).
 * Partition stats: `u8 stats flags | uv rows | uv tombstones | [i64 min ts | i64 max ts]
 * | [u32 min ldt | u32 max ldt] | [prefix first row clustering [| prefix last row clustering]]`
 * (flags below). They let compaction copy a record without decoding it and keep
 * Statistics exact.
 */
export interface IndexEntry {
  readonly token: bigint;
  readonly key: Buffer;
  /** Position of the partition record in the uncompressed Data stream. */
  readonly dataPosition: number;
  /** Offset of the clustering-block index from the record start; null for a small partition. */
  readonly blockIndexOffset: number | null;
  readonly stats: PartitionStatsSummary;
}

export const INDEX_HEADER_BYTES = 8;
const FLAG_LARGE = 0x01;
/** Stats flags: which optional groups follow, and the two deletion facts. */
const STATS_TIMESTAMPS = 0x01;
const STATS_LOCAL_DELETION_TIMES = 0x02;
const STATS_CLUSTERING = 0x04;
/** One row: the last row's clustering is the first's and is not repeated. */
const STATS_ONE_ROW = 0x08;
const STATS_DELETIONS = 0x10;
const STATS_PARTITION_OR_RANGE_DELETIONS = 0x20;
const STATS_KNOWN = 0x3f;
/** Smallest entry: token, key length, position, flags, stats flags, row and tombstone counts. */
const MIN_ENTRY_BYTES = 14;

/** The Index file header. */
export function encodeIndexHeader(): Buffer {
  const b = Buffer.allocUnsafe(INDEX_HEADER_BYTES);
  b.writeUInt32LE(SSTableMagic.Index, 0);
  b.writeUInt32LE(SSTABLE_FORMAT_VERSION, 4);
  return b;
}

/** Checks the Index file header read from `path`. */
export function checkIndexHeader(bytes: Buffer, path: string): void {
  if (bytes.length < INDEX_HEADER_BYTES || bytes.readUInt32LE(0) !== SSTableMagic.Index) throw sstableCorrupt(path, 0, 'bad Index header (magic)');
  if (bytes.readUInt32LE(4) !== SSTABLE_FORMAT_VERSION) throw sstableCorrupt(path, 4, `unknown Index format version ${bytes.readUInt32LE(4)}`);
}

/** Starts a page in `w` (reset by the caller): its entry count, patched by `sealIndexPage`. */
export function beginIndexPage(w: SSTableByteWriter): void {
  w.u32(0);
}

export function appendIndexEntry(w: SSTableByteWriter, token: bigint, key: Uint8Array, dataPosition: number, blockIndexOffset: number | null, stats: PartitionStatsSummary): void {
  w.i64(token);
  w.lengthPrefixed(key);
  w.uvarint(dataPosition);
  w.u8(blockIndexOffset === null ? 0 : FLAG_LARGE);
  if (blockIndexOffset !== null) w.uvarint(blockIndexOffset);
  appendPartitionStats(w, stats);
}

function appendPartitionStats(w: SSTableByteWriter, s: PartitionStatsSummary): void {
  const oneRow = s.rowCount === 1;
  w.u8(
    (s.minTimestampUs !== null ? STATS_TIMESTAMPS : 0) |
      (s.minLocalDeletionTimeSeconds !== null ? STATS_LOCAL_DELETION_TIMES : 0) |
      (s.minClustering !== null ? STATS_CLUSTERING : 0) |
      (oneRow ? STATS_ONE_ROW : 0) |
      (s.hasDeletions ? STATS_DELETIONS : 0) |
      (s.hasPartitionOrRangeDeletions ? STATS_PARTITION_OR_RANGE_DELETIONS : 0),
  );
  w.uvarint(s.rowCount);
  w.uvarint(s.tombstoneCount);
  if (s.minTimestampUs !== null) {
    w.i64(s.minTimestampUs);
    w.i64(s.maxTimestampUs!);
  }
  if (s.minLocalDeletionTimeSeconds !== null) {
    w.u32(s.minLocalDeletionTimeSeconds);
    w.u32(s.maxLocalDeletionTimeSeconds!);
  }
  if (s.minClustering !== null) {
    w.prefix(s.minClustering);
    if (!oneRow) w.prefix(s.maxClustering!);
  }
}

function decodePartitionStats(r: SSTableByteReader, clusteringArity: number): PartitionStatsSummary {
  const flags = r.u8('partition stats flags');
  if ((flags & ~STATS_KNOWN) !== 0) throw r.corrupt(`unknown partition stats flags 0x${flags.toString(16)}`);
  const rowCount = r.uvarint('partition row count');
  const tombstoneCount = r.uvarint('partition tombstone count');
  const hasTs = (flags & STATS_TIMESTAMPS) !== 0;
  const minTimestampUs = hasTs ? r.i64('partition min timestamp') : null;
  const maxTimestampUs = hasTs ? r.i64('partition max timestamp') : null;
  const hasLdt = (flags & STATS_LOCAL_DELETION_TIMES) !== 0;
  const minLocalDeletionTimeSeconds = hasLdt ? r.u32('partition min local deletion time') : null;
  const maxLocalDeletionTimeSeconds = hasLdt ? r.u32('partition max local deletion time') : null;
  const hasClustering = (flags & STATS_CLUSTERING) !== 0;
  const oneRow = (flags & STATS_ONE_ROW) !== 0;
  if (hasClustering !== rowCount > 0 || oneRow !== (rowCount === 1)) throw r.corrupt(`partition stats flags 0x${flags.toString(16)} do not fit ${rowCount} rows`);
  const minClustering = hasClustering ? r.prefix('partition min clustering', clusteringArity, false) : null;
  const maxClustering = hasClustering && !oneRow ? r.prefix('partition max clustering', clusteringArity, false) : minClustering;
  return {
    rowCount,
    tombstoneCount,
    hasDeletions: (flags & STATS_DELETIONS) !== 0,
    hasPartitionOrRangeDeletions: (flags & STATS_PARTITION_OR_RANGE_DELETIONS) !== 0,
    minTimestampUs,
    maxTimestampUs,
    minLocalDeletionTimeSeconds,
    maxLocalDeletionTimeSeconds,
    minClustering,
    maxClustering,
  };
}

/** Patches the entry count and appends the page crc; the page is then `w.view()`. */
export function sealIndexPage(w: SSTableByteWriter, entries: number): void {
  w.patchU32(0, entries);
  w.u32(crc32c(w.view()));
}

/** Checks and decodes one page read from `path` at file offset `position` (keys and clusterings are views into `bytes`). */
export function decodeIndexPage(bytes: Buffer, path: string, position: number, clusteringArity: number): IndexEntry[] {
  if (bytes.length < 8) throw sstableCorrupt(path, position, `Index page of ${bytes.length} bytes`);
  const end = bytes.length - 4;
  const expected = bytes.readUInt32LE(end);
  const actual = crc32c(bytes.subarray(0, end));
  if (expected !== actual) throw sstableCorrupt(path, position, `Index page checksum mismatch (crc32c 0x${actual.toString(16)}, expected 0x${expected.toString(16)})`);
  const r = new SSTableByteReader(bytes, path, position, 0, end);
  const n = r.u32('Index page entry count');
  if (n === 0 || n * MIN_ENTRY_BYTES > r.remaining) throw r.corrupt(`${n} Index entries cannot fit in the ${r.remaining} bytes of the page`);
  const out: IndexEntry[] = [];
  for (let i = 0; i < n; i++) {
    const token = r.i64('token');
    const key = r.lengthPrefixed('partition key');
    const dataPosition = r.uvarint('data position');
    const flags = r.u8('Index entry flags');
    if ((flags & ~FLAG_LARGE) !== 0) throw r.corrupt(`unknown Index entry flags 0x${flags.toString(16)}`);
    const blockIndexOffset = flags & FLAG_LARGE ? r.uvarint('block index offset') : null;
    const stats = decodePartitionStats(r, clusteringArity);
    out.push({ token, key, dataPosition, blockIndexOffset, stats });
  }
  if (r.remaining !== 0) throw r.corrupt(`${r.remaining} bytes after the last Index entry of the page`);
  return out;
}
