import { CharybdisError, crc32c } from '@charybdis/core';
import type { TableComparators } from '@charybdis/schema';
import { MAX_PER_PARTITION_LIMIT } from './read-command';
import type { PagingState } from './read-command';
import { ReadErrorCodes } from './read-error-codes';

/**
 * The opaque bytes of a PagingState, as a client sees them (the CQL `paging_state`). Pure
 * codec. Version 1, integers big-endian, `uv` = unsigned LEB128 (≤ 5 bytes, < 2^32):
 *
 * ```
 * u8   version (1)
 * u8   flags: 0x01 last clustering present, 0x02 remainingInPartition present (needs 0x01)
 * uv   partition key length, then the key bytes
 * i64  token
 * [uv  component count, then per component: uv length, bytes]   if 0x01
 * [u32 remainingInPartition]                                    if 0x02
 * u32  CRC32C of every byte before it
 * ```
 *
 * Clients hand the bytes back, so decoding trusts nothing: every length is checked against
 * the bytes left, the checksum catches damage, and anything wrong is a
 * READ_INVALID_PAGING_STATE error naming the problem and the offset.
 */
export const PAGING_STATE_FORMAT_VERSION = 1;

/** The largest encoded paging state accepted (a key and a clustering are each at most 64 KiB in CQL). */
export const MAX_PAGING_STATE_BYTES = 256 * 1024;

const FLAG_CLUSTERING = 0x01;
const FLAG_REMAINING = 0x02;

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

/** Encodes a paging state (see the format above). */
export function encodePagingState(state: PagingState): Uint8Array {
  const clustering = state.lastClustering;
  const hasRemaining = clustering !== null && state.remainingInPartition !== null;
  let size = 2 + uvSize(state.partitionKey.length) + state.partitionKey.length + 8 + 4;
  if (clustering !== null) {
    size += uvSize(clustering.length);
    for (const c of clustering) size += uvSize(c.length) + c.length;
  }
  if (hasRemaining) size += 4;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = PAGING_STATE_FORMAT_VERSION;
  out[1] = (clustering !== null ? FLAG_CLUSTERING : 0) | (hasRemaining ? FLAG_REMAINING : 0);
  let pos = writeUv(out, 2, state.partitionKey.length);
  out.set(state.partitionKey, pos);
  pos += state.partitionKey.length;
  view.setBigInt64(pos, BigInt.asIntN(64, state.token));
  pos += 8;
  if (clustering !== null) {
    pos = writeUv(out, pos, clustering.length);
    for (const c of clustering) {
      pos = writeUv(out, pos, c.length);
      out.set(c, pos);
      pos += c.length;
    }
  }
  if (hasRemaining) {
    view.setUint32(pos, state.remainingInPartition);
    pos += 4;
  }
  view.setUint32(pos, crc32c(out.subarray(0, pos)) >>> 0);
  return out;
}

function corrupt(message: string, offset: number, cause?: unknown): CharybdisError {
  return new CharybdisError(ReadErrorCodes.INVALID_PAGING_STATE, `Invalid paging state: ${message} at offset ${offset}`, cause === undefined ? undefined : { cause });
}

/** A bounds-checked cursor over the bytes (every read checks what is left). */
class PagingStateReader {
  pos = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array, private readonly end: number) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  need(n: number, what: string): void {
    if (n > this.end - this.pos) throw corrupt(`${what} needs ${n} bytes, ${this.end - this.pos} left`, this.pos);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  uv(what: string): number {
    const start = this.pos;
    let n = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.u8(what);
      n += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (n > 0xffff_ffff) break;
        return n;
      }
    }
    throw corrupt(`${what} is not a valid unsigned varint`, start);
  }

  bytesOf(n: number, what: string): Uint8Array {
    this.need(n, what);
    // A copy: the state outlives the request buffer it came in.
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  i64(what: string): bigint {
    this.need(8, what);
    const v = this.view.getBigInt64(this.pos);
    this.pos += 8;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }
}

function checkHeader(bytes: Uint8Array): void {
  if (bytes.length > MAX_PAGING_STATE_BYTES) throw corrupt(`${bytes.length} bytes exceed the maximum ${MAX_PAGING_STATE_BYTES}`, 0);
  if (bytes.length < 2 + 1 + 8 + 4) throw corrupt(`${bytes.length} bytes are too short`, 0);
  if (bytes[0] !== PAGING_STATE_FORMAT_VERSION) throw corrupt(`unknown version ${bytes[0]}`, 0);
  const end = bytes.length - 4;
  const stored = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(end);
  const actual = crc32c(bytes.subarray(0, end)) >>> 0;
  if (stored !== actual) throw corrupt(`checksum mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)})`, end);
}

/**
 * Decodes bytes from `encodePagingState`. With `comparators`, also checks the clustering
 * against the table (arity and values). Any defect is a READ_INVALID_PAGING_STATE error.
 */
export function decodePagingState(bytes: Uint8Array, comparators?: TableComparators): PagingState {
  checkHeader(bytes);
  const r = new PagingStateReader(bytes, bytes.length - 4);
  r.pos = 1;
  const flags = r.u8('flags');
  if ((flags & ~(FLAG_CLUSTERING | FLAG_REMAINING)) !== 0 || flags === FLAG_REMAINING) throw corrupt(`invalid flags 0x${flags.toString(16)}`, 1);
  const partitionKey = r.bytesOf(r.uv('key length'), 'partition key');
  const token = r.i64('token');
  let lastClustering: Uint8Array[] | null = null;
  if ((flags & FLAG_CLUSTERING) !== 0) {
    const at = r.pos;
    const count = r.uv('clustering component count');
    if (comparators !== undefined && count !== comparators.clustering.size) {
      throw corrupt(`clustering has ${count} components, the table ${comparators.clustering.size}`, at);
    }
    r.need(count, 'clustering components');
    lastClustering = [];
    for (let i = 0; i < count; i++) lastClustering.push(r.bytesOf(r.uv('clustering component length'), 'clustering component'));
    if (comparators !== undefined) {
      try {
        comparators.clustering.validate(lastClustering, true);
      } catch (err) {
        throw corrupt(`clustering does not fit the table: ${(err as Error).message}`, at, err);
      }
    }
  }
  let remainingInPartition: number | null = null;
  if ((flags & FLAG_REMAINING) !== 0) {
    const at = r.pos;
    remainingInPartition = r.u32('remainingInPartition');
    if (remainingInPartition < 1 || remainingInPartition > MAX_PER_PARTITION_LIMIT) throw corrupt(`remainingInPartition ${remainingInPartition} is out of range`, at);
  }
  if (r.pos !== bytes.length - 4) throw corrupt(`${bytes.length - 4 - r.pos} trailing bytes`, r.pos);
  return { partitionKey, token, lastClustering, remainingInPartition };
}
