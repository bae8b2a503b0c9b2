/** Zigzag varints of bigints in this range are computed in plain numbers (no BigInt arithmetic). */
const SAFE_VARINT_MIN = -(2n ** 51n);
const SAFE_VARINT_MAX = 2n ** 51n;
/** A buffer larger than this is not kept for the next encode after `reset`. */
const MAX_RETAINED_BYTES = 64 * 1024;

/**
 * An append-only byte buffer for the mutation codec: fixed-width big-endian integers,
 * LEB128 varints and zigzag varints of bigints. Grows by doubling; `finish()` returns a
 * copy of exactly the bytes written, and `reset()` starts over on the same buffer (so an
 * encoder used for one encode at a time allocates only its result).
 */
export class ByteWriter {
  private buf: Buffer;
  private length = 0;
  private readonly initialSizeBytes: number;

  constructor(initialSizeBytes = 256) {
    this.initialSizeBytes = initialSizeBytes;
    this.buf = Buffer.allocUnsafeSlow(initialSizeBytes);
  }

  /** Forgets what was written (a buffer grown past 64 KiB is released). */
  reset(): void {
    this.length = 0;
    if (this.buf.length > MAX_RETAINED_BYTES) this.buf = Buffer.allocUnsafeSlow(this.initialSizeBytes);
  }

  /** The number of bytes written so far. */
  get offset(): number {
    return this.length;
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  u8(v: number): void {
    this.reserve(1);
    this.buf[this.length++] = v;
  }

  u32(v: number): void {
    this.reserve(4);
    this.buf.writeUInt32BE(v, this.length);
    this.length += 4;
  }

  /** Overwrites 4 bytes at `at` (for a length known only at the end). */
  patchU32(at: number, v: number): void {
    this.buf.writeUInt32BE(v, at);
  }

  i64(v: bigint): void {
    this.reserve(8);
    this.view().setBigInt64(this.length, v);
    this.length += 8;
  }

  private dataView: DataView | null = null;
  private viewOf: Buffer | null = null;

  private view(): DataView {
    if (this.viewOf !== this.buf) {
      this.dataView = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
      this.viewOf = this.buf;
    }
    return this.dataView!;
  }

  /** Unsigned LEB128 of a non-negative safe integer. */
  uvarint(v: number): void {
    this.reserve(8);
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
  }

  /** Zigzag then unsigned LEB128 of any bigint (0, -1, 1, -2 → 0, 1, 2, 3). */
  svarint(v: bigint): void {
    if (v > SAFE_VARINT_MIN && v < SAFE_VARINT_MAX) {
      const n = Number(v);
      this.uvarint(n >= 0 ? n * 2 : -n * 2 - 1);
      return;
    }
    let u = v >= 0n ? v << 1n : (-v << 1n) - 1n;
    this.reserve(12);
    while (u >= 0x80n) {
      this.buf[this.length++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.length++] = Number(u);
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** A varint length then the bytes. */
  lengthPrefixed(b: Uint8Array): void {
    this.uvarint(b.length);
    this.bytes(b);
  }

  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }
}
