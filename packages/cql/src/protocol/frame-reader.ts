import { MAX_CONSISTENCY_CODE } from './opcodes';
import { CqlProtocolError, ProtocolErrorCodes } from './protocol-error';

/** The [value] a client sends for "leave this bind marker unset" (length −2, v4+). */
export const UNSET_VALUE = 'unset' as const;

/**
 * A bound value as it arrives: the serialized bytes (a subarray of the frame body), null
 * (length −1) or `UNSET_VALUE` (length −2). Plain data, so it survives structured cloning.
 */
export type WireValue = Buffer | null | typeof UNSET_VALUE;

/** An [inet]: address bytes (4 or 16) and a port. */
export interface WireInet {
  address: Buffer;
  port: number;
}

/** Most items a [string list] / map / [option list] read from a client may declare. */
const MAX_COLLECTION_ITEMS = 0xffff;

/**
 * Reads the primitive notations of the native protocol (specification §3) from one frame
 * body. Values are subarrays of the body — nothing is copied — so they stay valid only as
 * long as the caller keeps the body. Every length is checked against the bytes left
 * before it is used, so a hostile length never allocates or reads past the body: a
 * truncated or inconsistent body throws a CQL_PROTOCOL error naming the field and offset.
 */
export class FrameReader {
  private pos: number;

  /**
   * @param buf the frame body (or any slice of it)
   * @param what names the message in error messages, e.g. 'QUERY'
   */
  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  /** Current offset in the body. */
  get offset(): number {
    return this.pos;
  }

  /** Bytes left before the end of the body. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** A CQL_PROTOCOL error about `field` at the current offset. */
  fail(field: string, problem: string): CqlProtocolError {
    return new CqlProtocolError(
      ProtocolErrorCodes.PROTOCOL,
      `malformed ${this.what} body: ${field} at offset ${this.pos}: ${problem}`,
    );
  }

  private need(n: number, field: string): void {
    if (n > this.end - this.pos) {
      throw this.fail(field, `needs ${n} bytes but only ${this.end - this.pos} remain`);
    }
  }

  /** Throws unless the whole body was consumed (trailing garbage is a client bug). */
  expectEnd(): void {
    if (this.pos !== this.end) throw this.fail('end of message', `${this.end - this.pos} unexpected trailing bytes`);
  }

  /** [byte] */
  readByte(field: string): number {
    this.need(1, field);
    return this.buf[this.pos++]!;
  }

  /** [short] (unsigned 16 bits) */
  readShort(field: string): number {
    this.need(2, field);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  /** [int] (signed 32 bits) */
  readInt(field: string): number {
    this.need(4, field);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** [long] (signed 64 bits) */
  readLong(field: string): bigint {
    this.need(8, field);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /** `n` raw bytes, as a subarray of the body. */
  readRaw(n: number, field: string): Buffer {
    this.need(n, field);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** [string]: a [short] length and UTF-8 bytes. */
  readString(field: string): string {
    const n = this.readShort(field);
    this.need(n, field);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** [long string]: an [int] length and UTF-8 bytes. */
  readLongString(field: string): string {
    const n = this.readInt(field);
    if (n < 0) throw this.fail(field, `negative [long string] length ${n}`);
    this.need(n, field);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** [uuid]: 16 bytes (a subarray). */
  readUuid(field: string): Buffer {
    return this.readRaw(16, field);
  }

  /** [string list] */
  readStringList(field: string): string[] {
    const n = this.readShort(field);
    // Each [string] takes at least 2 bytes: a count the body cannot hold is rejected now.
    this.need(2 * n, field);
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = this.readString(field);
    return out;
  }

  /** [bytes]: null for a negative length. */
  readBytes(field: string): Buffer | null {
    const n = this.readInt(field);
    if (n < 0) return null;
    return this.readRaw(n, field);
  }

  /** [short bytes] */
  readShortBytes(field: string): Buffer {
    return this.readRaw(this.readShort(field), field);
  }

  /**
   * [value]: bytes, null (−1) or unset (−2). `allowUnset` is false before v4, where −2 has
   * no meaning; any other negative length is an error.
   */
  readValue(field: string, allowUnset = true): WireValue {
    const n = this.readInt(field);
    if (n >= 0) return this.readRaw(n, field);
    if (n === -1) return null;
    if (n === -2 && allowUnset) return UNSET_VALUE;
    throw this.fail(field, `invalid [value] length ${n}`);
  }

  /** [inetaddr]: a [byte] size (4 or 16) and the address bytes. */
  readInetAddr(field: string): Buffer {
    const n = this.readByte(field);
    if (n !== 4 && n !== 16) throw this.fail(field, `an address is 4 or 16 bytes, not ${n}`);
    return this.readRaw(n, field);
  }

  /** [inet]: [inetaddr] and an [int] port. */
  readInet(field: string): WireInet {
    const address = this.readInetAddr(field);
    return { address, port: this.readInt(field) };
  }

  /** [consistency]: a [short] that must name a level the protocol defines. */
  readConsistency(field: string): number {
    const v = this.readShort(field);
    if (v > MAX_CONSISTENCY_CODE) throw this.fail(field, `unknown consistency level code 0x${v.toString(16).padStart(4, '0')}`);
    return v;
  }

  /** [string map]; a repeated key keeps its last value. */
  readStringMap(field: string): Map<string, string> {
    const n = this.readShort(field);
    this.need(4 * n, field);
    const out = new Map<string, string>();
    for (let i = 0; i < n; i++) {
      const k = this.readString(field);
      out.set(k, this.readString(field));
    }
    return out;
  }

  /** [string multimap] */
  readStringMultimap(field: string): Map<string, string[]> {
    const n = this.readShort(field);
    this.need(4 * n, field);
    const out = new Map<string, string[]>();
    for (let i = 0; i < n; i++) {
      const k = this.readString(field);
      out.set(k, this.readStringList(field));
    }
    return out;
  }

  /** [bytes map]: values are subarrays (or null). */
  readBytesMap(field: string): Map<string, Buffer | null> {
    const n = this.readShort(field);
    this.need(6 * n, field);
    const out = new Map<string, Buffer | null>();
    for (let i = 0; i < n; i++) {
      const k = this.readString(field);
      out.set(k, this.readBytes(field));
    }
    return out;
  }

  /** A [short] item count for a list whose items take at least `minItemBytes` each. */
  readCount(field: string, minItemBytes: number): number {
    const n = this.readShort(field);
    if (n > MAX_COLLECTION_ITEMS) throw this.fail(field, `count ${n} is too large`);
    this.need(n * minItemBytes, field);
    return n;
  }

  /** [unsigned vint] (v5), up to 64 bits. */
  readUnsignedVint(field: string): bigint {
    const first = this.readByte(field);
    const extra = Math.clz32(~(first << 24));
    if (extra === 0) return BigInt(first);
    this.need(extra, field);
    let v = BigInt(first & (0xff >> extra));
    for (let i = 0; i < extra; i++) v = (v << 8n) | BigInt(this.buf[this.pos++]!);
    return v;
  }

  /** [vint] (v5): a zig-zag encoded signed 64-bit integer. */
  readVint(field: string): bigint {
    const u = this.readUnsignedVint(field);
    return BigInt.asIntN(64, (u >> 1n) ^ -(u & 1n));
  }
}
