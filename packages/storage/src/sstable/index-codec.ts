import { crc32c } from '@charybdis/core';
import { SSTableByteReader } from './sstable-byte-reader';
import type { SSTableByteWriter } from './sstable-byte-writer';
import { sstableCorrupt } from './sstable-error-codes';
import { SSTABLE_FORMAT_VERSION, SSTableMagic } from './sstable-format';

/**
 * The Index component (pure codec): an 8-byte header (u32 magic, u32 version) then pages
 * of up to `summaryInterval` entries, each page `u32 entry count | entries | u32 crc32c of
 * the page before it`, so that a lookup reads and checks one page. Entry:
 * `i64 token | uv key length | key | uv data position | u8 flags [| uv block index offset]`
 * (flag 0x01: a large partition; the offset is from the record start).
 */
export interface IndexEntry {
  readonly token: bigint;
  readonly key: Buffer;
  /** Position of the partition record in the uncompressed Data stream. */
  readonly dataPosition: number;
  /** Offset of the clustering-block index from the record start; null for a small partition. */
  readonly blockIndexOffset: number | null;
}

export const INDEX_HEADER_BYTES = 8;
const FLAG_LARGE = 0x01;
/** Smallest entry: token, key length, position, flags. */
const MIN_ENTRY_BYTES = 11;

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

export function appendIndexEntry(w: SSTableByteWriter, token: bigint, key: Uint8Array, dataPosition: number, blockIndexOffset: number | null): void {
  w.i64(token);
  w.lengthPrefixed(key);
  w.uvarint(dataPosition);
  w.u8(blockIndexOffset === null ? 0 : FLAG_LARGE);
  if (blockIndexOffset !== null) w.uvarint(blockIndexOffset);
}

/** Patches the entry count and appends the page crc; the page is then `w.view()`. */
export function sealIndexPage(w: SSTableByteWriter, entries: number): void {
  w.patchU32(0, entries);
  w.u32(crc32c(w.view()));
}

/** Checks and decodes one page read from `path` at file offset `position`. */
export function decodeIndexPage(bytes: Buffer, path: string, position: number): IndexEntry[] {
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
    const key = Buffer.from(r.lengthPrefixed('partition key'));
    const dataPosition = r.uvarint('data position');
    const flags = r.u8('Index entry flags');
    if ((flags & ~FLAG_LARGE) !== 0) throw r.corrupt(`unknown Index entry flags 0x${flags.toString(16)}`);
    const blockIndexOffset = flags & FLAG_LARGE ? r.uvarint('block index offset') : null;
    out.push({ token, key, dataPosition, blockIndexOffset });
  }
  if (r.remaining !== 0) throw r.corrupt(`${r.remaining} bytes after the last Index entry of the page`);
  return out;
}
