import { crc32c } from '@charybdis/core';
import type { TableComparators } from '@charybdis/schema';
import { decodePagingState, encodePagingState } from '@charybdis/storage';
import type { PagingState } from '@charybdis/storage';
import { invalidRequest } from './select-errors';

/**
 * The opaque paging state a SELECT hands to clients. Stateless (it may come back on any
 * connection or node), so it carries everything the next page needs:
 *
 * ```
 * u8   version (1)
 * u32  fingerprint of the statement's table (a state from another table is refused)
 * uv   rows still allowed by LIMIT, plus one (0: no LIMIT)
 * uv   index of the partition being read in a multi-partition (IN) query
 * uv   length of the storage paging state (0: none), then its bytes (storage's encodePagingState)
 * u32  CRC32C of every byte before it
 * ```
 * Anything that does not decode is CQL_INVALID "Invalid value for the paging state".
 */
export const SELECT_PAGING_STATE_VERSION = 1;

/** What a SELECT resumes from. */
export interface SelectPagingState {
  /** Rows LIMIT still allows; null without LIMIT. */
  readonly rowsLeft: number | null;
  /** The partition index of an IN query the read resumes at (0 otherwise). */
  readonly partitionIndex: number;
  /** Storage's state inside that partition (or range); null: start the partition from its beginning. */
  readonly storage: PagingState | null;
}

/** A 32-bit fingerprint of a table id, stored in paging states. */
export function tableFingerprint(tableId: string): number {
  return crc32c(Buffer.from(tableId, 'utf8')) >>> 0;
}

function uvSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function writeUv(out: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    out[pos++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  out[pos++] = n;
  return pos;
}

/** Encodes a SELECT paging state (format above). */
export function encodeSelectPagingState(state: SelectPagingState, fingerprint: number): Uint8Array {
  const storage = state.storage === null ? new Uint8Array(0) : encodePagingState(state.storage);
  const limit = state.rowsLeft === null ? 0 : state.rowsLeft + 1;
  const size = 1 + 4 + uvSize(limit) + uvSize(state.partitionIndex) + uvSize(storage.length) + storage.length + 4;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = SELECT_PAGING_STATE_VERSION;
  view.setUint32(1, fingerprint);
  let pos = writeUv(out, 5, limit);
  pos = writeUv(out, pos, state.partitionIndex);
  pos = writeUv(out, pos, storage.length);
  out.set(storage, pos);
  pos += storage.length;
  view.setUint32(pos, crc32c(out.subarray(0, pos)) >>> 0);
  return out;
}

function corrupt(): Error {
  return invalidRequest('Invalid value for the paging state');
}

function readUv(bytes: Uint8Array, at: { pos: number }, end: number): number {
  let n = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (at.pos >= end) throw corrupt();
    const b = bytes[at.pos++]!;
    n += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return n;
  }
  throw corrupt();
}

/** Decodes a client's paging state for the statement with this fingerprint; anything wrong is CQL_INVALID. */
export function decodeSelectPagingState(bytes: Uint8Array, fingerprint: number, comparators: TableComparators): SelectPagingState {
  if (bytes.length < 1 + 4 + 3 + 4 || bytes[0] !== SELECT_PAGING_STATE_VERSION) throw corrupt();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length - 4;
  if (view.getUint32(end) !== crc32c(bytes.subarray(0, end)) >>> 0) throw corrupt();
  if (view.getUint32(1) !== fingerprint) throw corrupt();
  const at = { pos: 5 };
  const limit = readUv(bytes, at, end);
  const partitionIndex = readUv(bytes, at, end);
  const length = readUv(bytes, at, end);
  if (at.pos + length !== end) throw corrupt();
  let storage: PagingState | null = null;
  try {
    if (length > 0) storage = decodePagingState(bytes.subarray(at.pos, end), comparators);
  } catch (err) {
    throw Object.assign(corrupt(), { cause: err });
  }
  return { rowsLeft: limit === 0 ? null : limit - 1, partitionIndex, storage };
}
