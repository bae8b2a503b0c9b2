import { decodePartitionUpdate, encodePartitionUpdate } from '@charybdis/schema';
import type { ClusteringBound, ClusteringComparator, ColumnData, PartitionUpdate, RangeTombstone, Row, TableComparators } from '@charybdis/schema';
import { SSTableByteReader } from './sstable-byte-reader';
import { SSTableByteWriter } from './sstable-byte-writer';
import { sstableCorrupt } from './sstable-error-codes';
import { LARGE_RECORD_PREFIX_BYTES, PartitionRecordKind, RECORD_HEADER_BYTES } from './sstable-format';

/**
 * The partition records of the Data stream (pure codec; docs/sstable-format.md):
 *
 *     small: u8 1 | u32 body length | encodePartitionUpdate(update)
 *     large: u8 2 | u32 body length | u32 header length | u32 blocks length
 *            | header (the update without rows/range tombstones) | blocks | block index
 *
 * A block is `encodePartitionUpdate` of a run of consecutive clustering elements (rows and
 * range tombstones, ordered by start); the block index gives each block's span and place
 * so that a sliced read decodes only the blocks it touches.
 */

/** One block of a large partition: the span of its elements and where its bytes are. */
export interface ClusteringBlock {
  /** Position of the first element (a row as `inclStart` of its clustering, a range tombstone by its start). */
  readonly start: ClusteringBound;
  /** The largest position any element reaches (a row as `inclEnd`, a range tombstone by its end). */
  readonly end: ClusteringBound;
  /** Offset of the block from the start of the record. */
  readonly offset: number;
  readonly length: number;
}

/** What the writer appends for one partition. */
export interface EncodedPartitionRecord {
  /** The record, in pieces written one after another (no copy into one buffer). */
  readonly pieces: readonly Uint8Array[];
  readonly length: number;
  /** Offset of the block index from the record start; null for a small partition. */
  readonly blockIndexOffset: number | null;
}

/** Rough encoded size of a row (varints and headers estimated): only used to cut blocks. */
function estimateColumnsBytes(columns: readonly ColumnData[]): number {
  let n = 2;
  for (const c of columns) {
    if (c.kind === 'simple') {
      const cell = c.cell;
      n += 6 + (cell.kind === 'live' || cell.kind === 'expiring' ? cell.value.length : cell.kind === 'counter' ? 22 * cell.shards.length : 0);
    } else {
      n += 4;
      for (const e of c.cells) n += 7 + e.path.length + (e.cell.kind === 'live' || e.cell.kind === 'expiring' ? e.cell.value.length : 22);
    }
  }
  return n;
}

function estimateRowBytes(row: Row): number {
  let n = 6;
  for (const c of row.clustering) n += 1 + c.length;
  return n + estimateColumnsBytes(row.columns);
}

function estimateBoundBytes(b: ClusteringBound): number {
  let n = 2;
  for (const c of b.prefix) n += 2 + c.length;
  return n;
}

function rowStart(row: Row): ClusteringBound {
  return { kind: 'inclStart', prefix: row.clustering };
}

function rowEnd(row: Row): ClusteringBound {
  return { kind: 'inclEnd', prefix: row.clustering };
}

/** A small or large record for `update`: large when its rows are estimated above `blockSizeBytes`. */
export function encodePartitionRecord(update: PartitionUpdate, comparator: ClusteringComparator, blockSizeBytes: number): EncodedPartitionRecord {
  let estimate = 0;
  for (const row of update.rows) {
    estimate += estimateRowBytes(row);
    if (estimate > blockSizeBytes) break;
  }
  if (estimate <= blockSizeBytes) {
    const body = encodePartitionUpdate(update);
    const header = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
    header.writeUInt8(PartitionRecordKind.Small, 0);
    header.writeUInt32LE(body.length, 1);
    return { pieces: [header, body], length: RECORD_HEADER_BYTES + body.length, blockIndexOffset: null };
  }
  return encodeLargeRecord(update, comparator, blockSizeBytes);
}

function encodeLargeRecord(update: PartitionUpdate, comparator: ClusteringComparator, blockSizeBytes: number): EncodedPartitionRecord {
  const base = { tableId: update.tableId, partitionKey: update.partitionKey, token: update.token };
  const headerUpdate: PartitionUpdate = { ...base, partitionDeletion: update.partitionDeletion, staticRow: update.staticRow, rows: [], rangeTombstones: [] };
  if (headerUpdate.partitionDeletion === undefined) delete (headerUpdate as { partitionDeletion?: unknown }).partitionDeletion;
  if (headerUpdate.staticRow === undefined) delete (headerUpdate as { staticRow?: unknown }).staticRow;
  const header = encodePartitionUpdate(headerUpdate);
  const blocksStart = RECORD_HEADER_BYTES + LARGE_RECORD_PREFIX_BYTES + header.length;
  const blocks: Buffer[] = [];
  const index: ClusteringBlock[] = [];
  let offset = blocksStart;
  const { rows, rangeTombstones: rts } = update;
  let r = 0;
  let t = 0;
  while (r < rows.length || t < rts.length) {
    const blockRows: Row[] = [];
    const blockRts: RangeTombstone[] = [];
    let start: ClusteringBound | null = null;
    let end: ClusteringBound | null = null;
    let size = 0;
    while ((r < rows.length || t < rts.length) && size < blockSizeBytes) {
      // The next element by start position: a row before a tombstone that starts after it.
      const takeRow = r < rows.length && (t >= rts.length || comparator.compareToBound(rows[r]!.clustering, rts[t]!.start) < 0);
      const elementStart = takeRow ? rowStart(rows[r]!) : rts[t]!.start;
      const elementEnd = takeRow ? rowEnd(rows[r]!) : rts[t]!.end;
      if (takeRow) size += estimateRowBytes(rows[r++]!);
      else size += estimateBoundBytes(rts[t]!.start) + estimateBoundBytes(rts[t]!.end) + 12;
      if (takeRow) blockRows.push(rows[r - 1]!);
      else blockRts.push(rts[t++]!);
      start ??= elementStart;
      if (end === null || comparator.compareBounds(elementEnd, end) > 0) end = elementEnd;
    }
    const bytes = encodePartitionUpdate({ ...base, rows: blockRows, rangeTombstones: blockRts });
    blocks.push(bytes);
    index.push({ start: start!, end: end!, offset, length: bytes.length });
    offset += bytes.length;
  }
  const w = new SSTableByteWriter();
  w.uvarint(index.length);
  for (const b of index) {
    w.bound(b.start);
    w.bound(b.end);
    w.uvarint(b.offset);
    w.uvarint(b.length);
  }
  const blockIndex = w.view();
  const fixed = Buffer.allocUnsafe(RECORD_HEADER_BYTES + LARGE_RECORD_PREFIX_BYTES);
  const length = offset + blockIndex.length;
  fixed.writeUInt8(PartitionRecordKind.Large, 0);
  fixed.writeUInt32LE(length - RECORD_HEADER_BYTES, 1);
  fixed.writeUInt32LE(header.length, 5);
  fixed.writeUInt32LE(offset - blocksStart, 9);
  return { pieces: [fixed, header, ...blocks, blockIndex], length, blockIndexOffset: offset };
}

/** The fixed header of a record at `position` of the uncompressed stream. */
export function decodeRecordHeader(bytes: Buffer, path: string, position: number): { kind: number; bodyLength: number } {
  const r = new SSTableByteReader(bytes, path, position);
  const kind = r.u8('partition record kind');
  if (kind !== PartitionRecordKind.Small && kind !== PartitionRecordKind.Large) throw r.corrupt(`unknown partition record kind ${kind}`);
  const bodyLength = r.u32('partition record length');
  if (kind === PartitionRecordKind.Large && bodyLength < LARGE_RECORD_PREFIX_BYTES) throw r.corrupt(`large partition record of ${bodyLength} bytes`);
  return { kind, bodyLength };
}

/** The header and blocks lengths of a large record (the 8 bytes after its fixed header). */
export function decodeLargePrefix(bytes: Buffer, path: string, position: number, bodyLength: number): { headerLength: number; blocksLength: number } {
  const r = new SSTableByteReader(bytes, path, position);
  const headerLength = r.u32('partition header length');
  const blocksLength = r.u32('partition blocks length');
  if (LARGE_RECORD_PREFIX_BYTES + headerLength + blocksLength > bodyLength) {
    throw sstableCorrupt(path, position, `large partition header (${headerLength}) and blocks (${blocksLength}) overrun the record (${bodyLength})`);
  }
  return { headerLength, blocksLength };
}

/** The block index of a large record, bytes at uncompressed `position`; checked against the record's blocks area. */
export function decodeBlockIndex(bytes: Buffer, path: string, position: number, comparators: TableComparators, blocksArea: [number, number]): ClusteringBlock[] {
  const r = new SSTableByteReader(bytes, path, position);
  const n = r.count('clustering blocks', 6);
  const arity = comparators.clustering.size;
  const out: ClusteringBlock[] = [];
  let next = blocksArea[0];
  for (let i = 0; i < n; i++) {
    const start = r.bound('block start', arity);
    const end = r.bound('block end', arity);
    const offset = r.uvarint('block offset');
    const length = r.uvarint('block length');
    if (offset !== next || length === 0) throw r.corrupt(`block ${i} at offset ${offset} (${length} bytes) does not follow the previous one (${next})`);
    next += length;
    out.push({ start, end, offset, length });
  }
  if (next !== blocksArea[1]) throw r.corrupt(`blocks end at ${next}, the record's blocks area at ${blocksArea[1]}`);
  if (r.remaining !== 0) throw r.corrupt(`${r.remaining} bytes after the block index`);
  return out;
}

/** decodePartitionUpdate (byte arrays copied unless `copyBytes` is false), with any failure reported as SSTABLE_CORRUPT at `position` of `path`, and the key checked. */
export function decodeRecordUpdate(bytes: Buffer, comparators: TableComparators, path: string, position: number, expectKey?: Uint8Array, copyBytes = true): PartitionUpdate {
  let update: PartitionUpdate;
  try {
    update = decodePartitionUpdate(bytes, comparators, { copyBytes });
  } catch (err) {
    throw sstableCorrupt(path, position, `undecodable partition data: ${(err as Error).message}`, err);
  }
  if (expectKey !== undefined && !Buffer.from(update.partitionKey).equals(expectKey)) {
    throw sstableCorrupt(path, position, 'the partition found is not the one the Index points to');
  }
  return update;
}
