import type { PartitionUpdate, RangeTombstone, Row, TableComparators } from '@charybdis/schema';
import type { DataCursor } from './compressed-data-reader';
import { decodeBlockIndex, decodeLargePrefix, decodeRecordHeader, decodeRecordUpdate } from './partition-record';
import type { ClusteringBlock } from './partition-record';
import { sstableCorrupt } from './sstable-error-codes';
import { LARGE_RECORD_PREFIX_BYTES, PartitionRecordKind, RECORD_HEADER_BYTES } from './sstable-format';
import type { ClusteringSlice } from './sstable-types';
import { restrictToSlices, runningBlockEnds, selectBlocks, withContent } from './slice-restriction';

/** Where the partition records live and how to decode them: one SSTable's Data stream. */
export interface RecordSource {
  readonly cursor: DataCursor;
  readonly comparators: TableComparators;
  /** The Data file's path (for error messages). */
  readonly path: string;
}

/** A large record's layout, from its fixed header and prefix. */
interface LargeLayout {
  readonly header: PartitionUpdate;
  readonly blocksStart: number;
  readonly blocksEnd: number;
  readonly recordEnd: number;
}

async function readLargeLayout(src: RecordSource, position: number, bodyLength: number, expectKey?: Uint8Array): Promise<LargeLayout> {
  const prefixAt = position + RECORD_HEADER_BYTES;
  const { headerLength, blocksLength } = decodeLargePrefix(await src.cursor.read(prefixAt, LARGE_RECORD_PREFIX_BYTES), src.path, prefixAt, bodyLength);
  const headerAt = prefixAt + LARGE_RECORD_PREFIX_BYTES;
  const header = decodeRecordUpdate(await src.cursor.read(headerAt, headerLength), src.comparators, src.path, headerAt, expectKey);
  const blocksStart = headerAt + headerLength;
  return { header, blocksStart, blocksEnd: blocksStart + blocksLength, recordEnd: position + RECORD_HEADER_BYTES + bodyLength };
}

/**
 * Decodes the block at `[at, at + length)` of the stream and appends its rows and range
 * tombstones, checking that they continue the previous blocks' in clustering order.
 */
async function readBlock(src: RecordSource, at: number, length: number, key: Uint8Array, rows: Row[], rts: RangeTombstone[]): Promise<void> {
  appendBlock(decodeRecordUpdate(await src.cursor.read(at, length), src.comparators, src.path, at, key), src, at, rows, rts);
}

function appendBlock(block: PartitionUpdate, src: Pick<RecordSource, 'comparators' | 'path'>, at: number, rows: Row[], rts: RangeTombstone[]): void {
  const cmp = src.comparators.clustering;
  const lastRow = rows[rows.length - 1];
  const firstRow = block.rows[0];
  if (lastRow !== undefined && firstRow !== undefined && cmp.compare(lastRow.clustering, firstRow.clustering) >= 0) {
    throw sstableCorrupt(src.path, at, 'rows of consecutive blocks out of order');
  }
  const lastRt = rts[rts.length - 1];
  const firstRt = block.rangeTombstones[0];
  if (lastRt !== undefined && firstRt !== undefined && cmp.compareBounds(lastRt.end, firstRt.start) > 0) {
    throw sstableCorrupt(src.path, at, 'range tombstones of consecutive blocks overlap');
  }
  for (const r of block.rows) rows.push(r);
  for (const t of block.rangeTombstones) rts.push(t);
}

/**
 * The whole partition whose record starts at `position` (a scan, or a read without
 * slices), and where the next record starts. `expectKey` (from the Index) is checked.
 */
export async function readWholePartition(src: RecordSource, position: number, expectKey?: Uint8Array): Promise<{ update: PartitionUpdate; next: number }> {
  const { kind, bodyLength } = decodeRecordHeader(await src.cursor.read(position, RECORD_HEADER_BYTES), src.path, position);
  const bodyAt = position + RECORD_HEADER_BYTES;
  if (kind === PartitionRecordKind.Small) {
    const update = decodeRecordUpdate(await src.cursor.read(bodyAt, bodyLength), src.comparators, src.path, bodyAt, expectKey);
    return { update, next: bodyAt + bodyLength };
  }
  const layout = await readLargeLayout(src, position, bodyLength, expectKey);
  const rows: Row[] = [];
  const rts: RangeTombstone[] = [];
  // Blocks are self-delimiting (each an encoded update with its length): walk them in order.
  for (let at = layout.blocksStart; at < layout.blocksEnd; ) {
    const length = 5 + (await src.cursor.read(at + 1, 4)).readUInt32BE(0);
    if (at + length > layout.blocksEnd) throw sstableCorrupt(src.path, at, `block of ${length} bytes overruns the partition's blocks`);
    await readBlock(src, at, length, layout.header.partitionKey, rows, rts);
    at += length;
  }
  return { update: withContent(layout.header, rows, rts), next: layout.recordEnd };
}

/**
 * The partition whose record starts at `position`, restricted to `slices`: a small one is
 * decoded whole and restricted; a large one decodes its header, its block index and only
 * the blocks whose span meets a slice.
 */
export async function readSlicedPartition(src: RecordSource, position: number, key: Uint8Array, slices: readonly ClusteringSlice[], blockIndexOffset: number | null): Promise<PartitionUpdate> {
  const { kind, bodyLength } = decodeRecordHeader(await src.cursor.read(position, RECORD_HEADER_BYTES), src.path, position);
  if (kind === PartitionRecordKind.Small) {
    const bodyAt = position + RECORD_HEADER_BYTES;
    const update = decodeRecordUpdate(await src.cursor.read(bodyAt, bodyLength), src.comparators, src.path, bodyAt, key);
    return restrictToSlices(update, slices, src.comparators.clustering);
  }
  const layout = await readLargeLayout(src, position, bodyLength, key);
  if (blockIndexOffset === null || position + blockIndexOffset !== layout.blocksEnd) {
    throw sstableCorrupt(src.path, position, `the Index gives block index offset ${blockIndexOffset}, the record has it at ${layout.blocksEnd - position}`);
  }
  const blocks = decodeBlockIndex(
    await src.cursor.read(layout.blocksEnd, layout.recordEnd - layout.blocksEnd),
    src.path,
    layout.blocksEnd,
    src.comparators,
    [layout.blocksStart - position, layout.blocksEnd - position],
  );
  const cmp = src.comparators.clustering;
  const rows: Row[] = [];
  const rts: RangeTombstone[] = [];
  for (const i of selectBlocks(blocks, runningBlockEnds(blocks, cmp), slices, cmp)) {
    const b: ClusteringBlock = blocks[i]!;
    await readBlock(src, position + b.offset, b.length, key, rows, rts);
  }
  return restrictToSlices(withContent(layout.header, rows, rts), slices, cmp);
}

/**
 * Decodes a whole partition record held in memory (`record`, which starts at `position`
 * of the Data stream of `src.path`), synchronously: the same checks as
 * `readWholePartition`, including the key against `expectKey`. With `copyBytes` false the
 * update's byte arrays are views into `record`.
 */
export function decodeWholeRecord(record: Buffer, src: Pick<RecordSource, 'comparators' | 'path'>, position: number, expectKey: Uint8Array, copyBytes = true): PartitionUpdate {
  const { kind, bodyLength } = decodeRecordHeader(record, src.path, position);
  if (RECORD_HEADER_BYTES + bodyLength !== record.length) throw sstableCorrupt(src.path, position, `record of ${record.length} bytes says its body is ${bodyLength}`);
  if (kind === PartitionRecordKind.Small) return decodeRecordUpdate(record.subarray(RECORD_HEADER_BYTES), src.comparators, src.path, position + RECORD_HEADER_BYTES, expectKey, copyBytes);
  const { headerLength, blocksLength } = decodeLargePrefix(record.subarray(RECORD_HEADER_BYTES), src.path, position + RECORD_HEADER_BYTES, bodyLength);
  const headerAt = RECORD_HEADER_BYTES + LARGE_RECORD_PREFIX_BYTES;
  const header = decodeRecordUpdate(record.subarray(headerAt, headerAt + headerLength), src.comparators, src.path, position + headerAt, expectKey, copyBytes);
  const rows: Row[] = [];
  const rts: RangeTombstone[] = [];
  const blocksEnd = headerAt + headerLength + blocksLength;
  for (let at = headerAt + headerLength; at < blocksEnd; ) {
    if (at + 5 > blocksEnd) throw sstableCorrupt(src.path, position + at, 'truncated block header');
    const length = 5 + record.readUInt32BE(at + 1);
    if (at + length > blocksEnd) throw sstableCorrupt(src.path, position + at, `block of ${length} bytes overruns the partition's blocks`);
    appendBlock(decodeRecordUpdate(record.subarray(at, at + length), src.comparators, src.path, position + at, expectKey, copyBytes), src, position + at, rows, rts);
    at += length;
  }
  return withContent(header, rows, rts);
}
