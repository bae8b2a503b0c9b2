import { SSTableByteReader } from './sstable-byte-reader';
import { SSTableByteWriter } from './sstable-byte-writer';
import { beginComponentFrame, checkComponentFrame, sealComponentFrame } from './component-frame';
import type { CompressionInfo } from './compressed-data-writer';
import type { SSTableStats } from './sstable-types';
import { MAX_CHUNK_SIZE_BYTES, MIN_CHUNK_SIZE_BYTES, SSTableMagic } from './sstable-format';

/** Everything the Statistics component holds: the stats, the table and Data's compression info. */
export interface SSTableStatistics {
  readonly tableId: string;
  readonly stats: SSTableStats;
  readonly compression: CompressionInfo;
}

const FLAG_TIMESTAMPS = 0x01;
const FLAG_LOCAL_DELETION_TIMES = 0x02;
const FLAG_CLUSTERING = 0x04;
const FLAG_DELETIONS = 0x08;

/**
 * Encodes Statistics (pure; layout in docs/sstable-format.md): frame header, table id,
 * counts and sizes, token/key range, optional min/max groups behind a flags byte, level
 * and creation time, then the compression info (chunk offsets as varint deltas), crc32c.
 */
export function encodeStatistics(s: SSTableStatistics): Buffer {
  const st = s.stats;
  const c = s.compression;
  const w = new SSTableByteWriter(256 + c.chunkOffsets.length * 4);
  beginComponentFrame(w, SSTableMagic.Statistics);
  w.lengthPrefixed(Buffer.from(s.tableId, 'utf8'));
  for (const n of [st.partitionCount, st.rowCount, st.tombstoneCount, st.dataSizeBytes, st.uncompressedSizeBytes]) w.uvarint(n);
  w.i64(st.firstToken);
  w.i64(st.lastToken);
  w.lengthPrefixed(st.firstKey);
  w.lengthPrefixed(st.lastKey);
  const flags =
    (st.minTimestampUs !== null ? FLAG_TIMESTAMPS : 0) |
    (st.minLocalDeletionTimeSeconds !== null ? FLAG_LOCAL_DELETION_TIMES : 0) |
    (st.minClustering !== null ? FLAG_CLUSTERING : 0) |
    (st.hasPartitionOrRangeDeletions ? FLAG_DELETIONS : 0);
  w.u8(flags);
  if (st.minTimestampUs !== null) {
    w.i64(st.minTimestampUs);
    w.i64(st.maxTimestampUs!);
  }
  if (st.minLocalDeletionTimeSeconds !== null) {
    w.u32(st.minLocalDeletionTimeSeconds);
    w.u32(st.maxLocalDeletionTimeSeconds!);
  }
  if (st.minClustering !== null) {
    w.prefix(st.minClustering);
    w.prefix(st.maxClustering!);
  }
  w.uvarint(st.level);
  w.u64(st.createdAtMs);
  w.uvarint(c.chunkSizeBytes);
  w.uvarint(c.uncompressedLength);
  w.uvarint(c.compressedLength);
  w.uvarint(c.chunkOffsets.length);
  let previous = 0;
  for (const offset of c.chunkOffsets) {
    w.uvarint(offset - previous);
    previous = offset;
  }
  return sealComponentFrame(w);
}

/** Checks and decodes a Statistics component read from `path`. */
export function decodeStatistics(bytes: Buffer, path: string, clusteringArity: number): SSTableStatistics {
  checkComponentFrame(bytes, path, SSTableMagic.Statistics, 16);
  const r = new SSTableByteReader(bytes, path, 0, 8, bytes.length - 4);
  const tableId = r.lengthPrefixed('table id').toString('utf8');
  const [partitionCount, rowCount, tombstoneCount, dataSizeBytes, uncompressedSizeBytes] = ['partition count', 'row count', 'tombstone count', 'data size', 'uncompressed size'].map((what) => r.uvarint(what)) as [number, number, number, number, number];
  const firstToken = r.i64('first token');
  const lastToken = r.i64('last token');
  const firstKey = Buffer.from(r.lengthPrefixed('first key'));
  const lastKey = Buffer.from(r.lengthPrefixed('last key'));
  const flags = r.u8('statistics flags');
  if (flags & ~0x0f) throw r.corrupt(`unknown statistics flags 0x${flags.toString(16)}`);
  const ts = flags & FLAG_TIMESTAMPS ? [r.i64('min timestamp'), r.i64('max timestamp')] : [null, null];
  const ldt = flags & FLAG_LOCAL_DELETION_TIMES ? [r.u32('min local deletion time'), r.u32('max local deletion time')] : [null, null];
  const cl = flags & FLAG_CLUSTERING ? [r.prefix('min clustering', clusteringArity), r.prefix('max clustering', clusteringArity)] : [null, null];
  const level = r.uvarint('level');
  const createdAtMs = r.u64('creation time');
  const chunkSizeBytes = r.uvarint('chunk size');
  const uncompressedLength = r.uvarint('uncompressed length');
  const compressedLength = r.uvarint('compressed length');
  const n = r.count('chunk offsets', 1);
  const chunkOffsets: number[] = [];
  let offset = 0;
  for (let i = 0; i < n; i++) {
    offset += r.uvarint('chunk offset delta');
    if (i > 0 && offset <= chunkOffsets[i - 1]!) throw r.corrupt(`chunk offset ${i} does not increase`);
    chunkOffsets.push(offset);
  }
  if (r.remaining !== 0) throw r.corrupt(`${r.remaining} bytes after the compression info`);
  if (chunkSizeBytes < MIN_CHUNK_SIZE_BYTES || chunkSizeBytes > MAX_CHUNK_SIZE_BYTES || n !== Math.ceil(uncompressedLength / chunkSizeBytes) || (n > 0 && chunkOffsets[0] !== 0) || (n > 0 && offset >= compressedLength)) {
    throw r.corrupt(`inconsistent compression info: ${n} chunks of ${chunkSizeBytes} bytes for ${uncompressedLength} bytes, Data ${compressedLength} bytes`);
  }
  if (partitionCount === 0 || dataSizeBytes !== compressedLength || uncompressedSizeBytes !== uncompressedLength) {
    throw r.corrupt(`inconsistent statistics: ${partitionCount} partitions, data ${dataSizeBytes}/${compressedLength} bytes`);
  }
  const stats: SSTableStats = {
    partitionCount, rowCount, tombstoneCount, dataSizeBytes, uncompressedSizeBytes, firstToken, lastToken, firstKey, lastKey,
    minTimestampUs: ts[0] ?? null, maxTimestampUs: ts[1] ?? null, minLocalDeletionTimeSeconds: ldt[0] ?? null, maxLocalDeletionTimeSeconds: ldt[1] ?? null,
    minClustering: cl[0] ?? null, maxClustering: cl[1] ?? null, hasPartitionOrRangeDeletions: (flags & FLAG_DELETIONS) !== 0, level, createdAtMs,
  };
  return { tableId, stats, compression: { chunkSizeBytes, uncompressedLength, compressedLength, chunkOffsets } };
}
