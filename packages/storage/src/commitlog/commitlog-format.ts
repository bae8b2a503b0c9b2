import { CharybdisError, crc32c } from '@charybdis/core';
import { CommitlogErrorCodes } from './commitlog-error-codes';

// Pure codec of the segment format (packages/storage/docs/commitlog-format.md): bytes in,
// values out, no files.

/** "CHCL" read as a little-endian u32. */
export const SEGMENT_MAGIC = 0x4c434843;
export const SEGMENT_FORMAT_VERSION = 1;
/** magic u32, version u16, flags u16, segment id u64, crc32c u32 of the 16 bytes before. */
export const SEGMENT_HEADER_BYTES = 20;
/** length u32, crc32c(length) u32. */
export const ENTRY_HEADER_BYTES = 8;
/** crc32c(payload) u32. */
export const ENTRY_TRAILER_BYTES = 4;
export const ENTRY_OVERHEAD_BYTES = ENTRY_HEADER_BYTES + ENTRY_TRAILER_BYTES;

/**
 * The CRC seed of every entry of segment `segmentId`: crc32c of the id as u64 LE. Seeding
 * with the id means stale entries left in a recycled segment file (written under an older
 * id) never validate in the new one.
 */
export function segmentCrcSeed(segmentId: number): number {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(segmentId));
  return crc32c(b);
}

export function encodeSegmentHeader(segmentId: number): Buffer {
  const b = Buffer.alloc(SEGMENT_HEADER_BYTES);
  b.writeUInt32LE(SEGMENT_MAGIC, 0);
  b.writeUInt16LE(SEGMENT_FORMAT_VERSION, 4);
  b.writeUInt16LE(0, 6);
  b.writeBigUInt64LE(BigInt(segmentId), 8);
  b.writeUInt32LE(crc32c(b.subarray(0, 16)), 16);
  return b;
}

/** Decodes a segment header; throws COMMITLOG_BAD_SEGMENT_HEADER naming `where`. */
export function decodeSegmentHeader(bytes: Uint8Array, where: string): { segmentId: number } {
  const fail = (why: string): never => {
    throw new CharybdisError(CommitlogErrorCodes.BAD_SEGMENT_HEADER, `${where}: bad commitlog segment header: ${why}`);
  };
  if (bytes.length < SEGMENT_HEADER_BYTES) fail(`${bytes.length} bytes, need ${SEGMENT_HEADER_BYTES}`);
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, SEGMENT_HEADER_BYTES);
  if (b.readUInt32LE(0) !== SEGMENT_MAGIC) fail('bad magic');
  if (b.readUInt32LE(16) !== crc32c(b.subarray(0, 16))) fail('header CRC mismatch');
  const version = b.readUInt16LE(4);
  if (version !== SEGMENT_FORMAT_VERSION) fail(`unsupported version ${version}`);
  const id = b.readBigUInt64LE(8);
  if (id > BigInt(Number.MAX_SAFE_INTEGER)) fail(`segment id ${id} out of range`);
  return { segmentId: Number(id) };
}

/** Frames `payload` as one entry of the segment whose CRC seed is `seed`; a new Buffer the caller owns. */
export function encodeEntry(payload: Uint8Array, seed: number): Buffer {
  const b = Buffer.allocUnsafe(payload.length + ENTRY_OVERHEAD_BYTES);
  b.writeUInt32LE(payload.length, 0);
  b.writeUInt32LE(crc32c(b.subarray(0, 4), seed), 4);
  b.set(payload, ENTRY_HEADER_BYTES);
  b.writeUInt32LE(crc32c(payload, seed), ENTRY_HEADER_BYTES + payload.length);
  return b;
}

/** What {@link readEntry} found at an offset. */
export type EntryReadResult =
  | { kind: 'entry'; payload: Uint8Array; nextOffset: number }
  /** Zero-filled (never written) space or the exact end of the data: clean end of segment. */
  | { kind: 'end' }
  /** A torn or corrupt entry: the segment ends here, nothing from here on may be applied. */
  | { kind: 'corrupt'; reason: string };

/**
 * Reads the entry at `offset` of a segment's bytes. Never throws: any byte string gives an
 * entry, a clean end, or a reason why the bytes there are not a valid entry.
 */
export function readEntry(segment: Uint8Array, offset: number, seed: number): EntryReadResult {
  const remaining = segment.length - offset;
  if (remaining <= 0) return { kind: 'end' };
  if (remaining < ENTRY_HEADER_BYTES) {
    return isZero(segment, offset, segment.length) ? { kind: 'end' } : { kind: 'corrupt', reason: 'torn entry header' };
  }
  if (isZero(segment, offset, offset + ENTRY_HEADER_BYTES)) return { kind: 'end' };
  const view = new DataView(segment.buffer, segment.byteOffset, segment.byteLength);
  const length = view.getUint32(offset, true);
  const lengthCrc = view.getUint32(offset + 4, true);
  if (crc32c(segment.subarray(offset, offset + 4), seed) !== lengthCrc) {
    return { kind: 'corrupt', reason: 'length CRC mismatch (torn or corrupt length, or stale data of a recycled segment)' };
  }
  const end = offset + ENTRY_HEADER_BYTES + length + ENTRY_TRAILER_BYTES;
  if (end > segment.length) return { kind: 'corrupt', reason: `entry of ${length} bytes runs past the end of the segment (torn)` };
  const payload = segment.subarray(offset + ENTRY_HEADER_BYTES, offset + ENTRY_HEADER_BYTES + length);
  if (crc32c(payload, seed) !== view.getUint32(end - ENTRY_TRAILER_BYTES, true)) {
    return { kind: 'corrupt', reason: `payload CRC mismatch (torn or corrupt payload of ${length} bytes)` };
  }
  return { kind: 'entry', payload, nextOffset: end };
}

function isZero(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}
