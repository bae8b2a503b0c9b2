import { CharybdisError } from '@charybdis/core';
import { MutationErrorCodes } from './mutation-error-codes';

/** Longest svarint accepted: 10 bytes = 70 bits, enough for a zigzagged difference of two int64s. */
const MAX_SVARINT_BYTES = 10;
/** Longest uvarint accepted: 5 bytes hold any u32. */
const MAX_UVARINT_BYTES = 5;

/**
 * A bounds-checked cursor over the bytes of one encoded mutation. Every read either
 * returns a value or throws `SCHEMA_CORRUPT_MUTATION` naming what was being read and at
 * which offset; it never reads past the end and never allocates more than the input holds.
 */
export class ByteReader {
  private pos: number;

  constructor(
    private readonly buf: Buffer,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** A corrupt-input error at the current offset. */
  corrupt(problem: string, cause?: unknown): CharybdisError {
    return new CharybdisError(
      MutationErrorCodes.CORRUPT_MUTATION,
      `Corrupt partition update at offset ${this.pos}: ${problem}`,
      cause === undefined ? undefined : { cause },
    );
  }

  private need(n: number, what: string): void {
    if (this.end - this.pos < n) throw this.corrupt(`truncated while reading ${what} (${n} bytes needed, ${this.end - this.pos} left)`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  i64(what: string): bigint {
    this.need(8, what);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /** An unsigned LEB128 varint in [0, 2^32). */
  uvarint(what: string): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < MAX_UVARINT_BYTES; i++) {
      const b = this.u8(what);
      v += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (v > 0xffff_ffff) throw this.corrupt(`${what} ${v} is out of range`);
        return v;
      }
      scale *= 0x80;
    }
    throw this.corrupt(`${what} is a varint longer than ${MAX_UVARINT_BYTES} bytes`);
  }

  /** A zigzag LEB128 varint. */
  svarint(what: string): bigint {
    // Fast path: up to 7 bytes (49 bits) fit a double exactly, so decode with numbers and
    // make one bigint (timestamps are small deltas from the update's base timestamp).
    let n = 0;
    let scale = 1;
    const start = this.pos;
    for (let i = 0; i < 7 && this.pos < this.end; i++) {
      const b = this.buf[this.pos++]!;
      n += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return BigInt(n % 2 === 1 ? -(n + 1) / 2 : n / 2);
      scale *= 0x80;
    }
    this.pos = start;
    let u = 0n;
    let shift = 0n;
    for (let i = 0; i < MAX_SVARINT_BYTES; i++) {
      const b = this.u8(what);
      u |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return u & 1n ? -((u + 1n) >> 1n) : u >> 1n;
      shift += 7n;
    }
    throw this.corrupt(`${what} is a varint longer than ${MAX_SVARINT_BYTES} bytes`);
  }

  /** `n` bytes as a view into the input. */
  bytes(n: number, what: string): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A varint length then that many bytes (a view). */
  lengthPrefixed(what: string): Buffer {
    return this.bytes(this.uvarint(`length of ${what}`), what);
  }

  /**
   * A varint element count, refused when the remaining input cannot hold that many
   * elements of at least `minBytesEach` bytes (so a corrupt count cannot make us allocate).
   */
  count(what: string, minBytesEach: number): number {
    const n = this.uvarint(`number of ${what}`);
    if (n * minBytesEach > this.remaining) throw this.corrupt(`${n} ${what} cannot fit in the ${this.remaining} bytes left`);
    return n;
  }
}
