import { CharybdisError } from '@charybdis/core';
import { MAX_FRAME_BODY_BYTES } from './frame-codec';
import { UNSET_VALUE, type WireInet, type WireValue } from './frame-reader';

/** Size of a fresh slab; responses to one socket read usually fit in one. */
export const DEFAULT_WRITER_SLAB_BYTES = 64 * 1024;
/** Most bytes a writer holds that were not taken yet (two maximal frames). */
export const MAX_PENDING_WRITER_BYTES = 2 * MAX_FRAME_BODY_BYTES;
/** A slab with less room than this left is not worth continuing after `take()`. */
const MIN_SLAB_TAIL_BYTES = 1024;

/** Stable code of an encoding failure (a value the protocol cannot represent): a server bug. */
export const CQL_ENCODE = 'CQL_ENCODE';

/**
 * Writes the protocol's primitive notations (specification §3) into one growable buffer.
 *
 * The buffer works as a slab: `take()` hands out the bytes written since the previous
 * `take()` as a subarray (no copy) and writing continues after them, so a taken response
 * can sit in a socket's write queue while the next one is encoded — nothing handed out is
 * ever overwritten. When the slab is full a new one is allocated and only the bytes not
 * yet taken move. Positions kept across writes (`mark()`) are relative to the untaken
 * region, so they survive that move.
 */
export class BodyWriter {
  protected buf: Buffer;
  /** Start of the bytes not yet taken. */
  protected start = 0;
  /** Write position (absolute in `buf`). */
  protected pos = 0;

  constructor(private readonly slabBytes = DEFAULT_WRITER_SLAB_BYTES) {
    this.buf = Buffer.allocUnsafe(slabBytes);
  }

  /** Bytes written and not yet taken. */
  get pendingBytes(): number {
    return this.pos - this.start;
  }

  /** The current position, relative to the untaken region (stable across growth). */
  mark(): number {
    return this.pos - this.start;
  }

  /** The bytes written since the previous `take()`; they are never overwritten. */
  take(): Buffer {
    const out = this.buf.subarray(this.start, this.pos);
    if (this.buf.length - this.pos < MIN_SLAB_TAIL_BYTES) {
      this.buf = Buffer.allocUnsafe(this.slabBytes);
      this.pos = 0;
    }
    this.start = this.pos;
    return out;
  }

  /** Drops everything written since the previous `take()` (e.g. a response abandoned halfway). */
  discard(): void {
    this.pos = this.start;
  }

  /** Drops what was written after `mark`. */
  truncateTo(mark: number): void {
    this.pos = this.start + mark;
  }

  /** The untaken bytes from `mark` to the current position (a view, valid until the next write). */
  viewFrom(mark: number): Buffer {
    return this.buf.subarray(this.start + mark, this.pos);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.buf.length - this.pos >= n) return;
    const pending = this.pos - this.start;
    if (pending + n > MAX_PENDING_WRITER_BYTES) {
      throw new CharybdisError(CQL_ENCODE, `response data exceeds ${MAX_PENDING_WRITER_BYTES} bytes`);
    }
    const size = Math.max(this.slabBytes, 2 * (pending + n));
    const next = Buffer.allocUnsafe(Math.min(size, MAX_PENDING_WRITER_BYTES));
    this.buf.copy(next, 0, this.start, this.pos);
    this.buf = next;
    this.start = 0;
    this.pos = pending;
  }

  writeByte(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  writeShort(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }

  writeInt(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }

  writeLong(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
  }

  /** Overwrites the [int] at `mark` (from `mark()`). */
  patchInt(mark: number, v: number): void {
    this.buf.writeInt32BE(v, this.start + mark);
  }

  writeRaw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** [string] */
  writeString(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    if (n > 0xffff) throw new CharybdisError(CQL_ENCODE, `a [string] holds at most 65535 bytes, not ${n}`);
    this.ensure(2 + n);
    this.buf.writeUInt16BE(n, this.pos);
    this.pos += 2 + this.buf.write(s, this.pos + 2, 'utf8');
  }

  /** [long string] */
  writeLongString(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.ensure(4 + n);
    this.buf.writeInt32BE(n, this.pos);
    this.pos += 4 + this.buf.write(s, this.pos + 4, 'utf8');
  }

  /** [uuid] */
  writeUuid(uuid: Uint8Array): void {
    if (uuid.length !== 16) throw new CharybdisError(CQL_ENCODE, `a [uuid] is 16 bytes, not ${uuid.length}`);
    this.writeRaw(uuid);
  }

  /** [string list] */
  writeStringList(list: readonly string[]): void {
    this.writeShort(checkCount(list.length, '[string list]'));
    for (const s of list) this.writeString(s);
  }

  /** [bytes]; null is written as length −1. */
  writeBytes(bytes: Uint8Array | null): void {
    if (bytes === null) {
      this.writeInt(-1);
      return;
    }
    this.ensure(4 + bytes.length);
    this.buf.writeInt32BE(bytes.length, this.pos);
    this.buf.set(bytes, this.pos + 4);
    this.pos += 4 + bytes.length;
  }

  /** [value]: like [bytes], plus unset as length −2. */
  writeValue(value: WireValue | Uint8Array): void {
    if (value === UNSET_VALUE) this.writeInt(-2);
    else this.writeBytes(value);
  }

  /** [short bytes] */
  writeShortBytes(bytes: Uint8Array): void {
    this.writeShort(checkCount(bytes.length, '[short bytes]'));
    this.writeRaw(bytes);
  }

  /** [inetaddr] */
  writeInetAddr(address: Uint8Array): void {
    if (address.length !== 4 && address.length !== 16) {
      throw new CharybdisError(CQL_ENCODE, `an [inetaddr] is 4 or 16 bytes, not ${address.length}`);
    }
    this.writeByte(address.length);
    this.writeRaw(address);
  }

  /** [inet] */
  writeInet(inet: WireInet | { address: Uint8Array; port: number }): void {
    this.writeInetAddr(inet.address);
    this.writeInt(inet.port);
  }

  /** [string map] */
  writeStringMap(map: ReadonlyMap<string, string>): void {
    this.writeShort(checkCount(map.size, '[string map]'));
    for (const [k, v] of map) {
      this.writeString(k);
      this.writeString(v);
    }
  }

  /** [string multimap] */
  writeStringMultimap(map: ReadonlyMap<string, readonly string[]>): void {
    this.writeShort(checkCount(map.size, '[string multimap]'));
    for (const [k, v] of map) {
      this.writeString(k);
      this.writeStringList(v);
    }
  }

  /** [bytes map] */
  writeBytesMap(map: ReadonlyMap<string, Uint8Array | null>): void {
    this.writeShort(checkCount(map.size, '[bytes map]'));
    for (const [k, v] of map) {
      this.writeString(k);
      this.writeBytes(v);
    }
  }

  /** [unsigned vint] (v5) of a value in 0..2^64−1. */
  writeUnsignedVint(v: bigint): void {
    if (v < 0n || v > 0xffffffffffffffffn) throw new CharybdisError(CQL_ENCODE, `[unsigned vint] out of range: ${v}`);
    let bytes = 1;
    while (bytes < 9 && v >= 1n << BigInt(7 * bytes)) bytes++;
    const extra = bytes - 1;
    this.ensure(bytes);
    for (let i = extra; i >= 1; i--) {
      this.buf[this.pos + i] = Number(v & 0xffn);
      v >>= 8n;
    }
    // Leading 1 bits count the extra bytes; the remaining high bits of the value follow.
    this.buf[this.pos] = ((0xff00 >> extra) & 0xff) | Number(v);
    this.pos += bytes;
  }

  /** [vint] (v5): zig-zag encoded signed 64-bit integer. */
  writeVint(v: bigint): void {
    const n = BigInt.asIntN(64, v);
    this.writeUnsignedVint(BigInt.asUintN(64, (n << 1n) ^ (n >> 63n)));
  }
}

function checkCount(n: number, what: string): number {
  if (n > 0xffff) throw new CharybdisError(CQL_ENCODE, `a ${what} holds at most 65535 items or bytes, not ${n}`);
  return n;
}
