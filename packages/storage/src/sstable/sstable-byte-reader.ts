import type { BoundKind, ClusteringBound, ClusteringPrefix } from '@charybdis/schema';
import type { CharybdisError } from '@charybdis/core';
import { sstableCorrupt } from './sstable-error-codes';

const BOUND_KINDS: readonly BoundKind[] = ['inclStart', 'exclStart', 'inclEnd', 'exclEnd'];
const MAX_UVARINT_BYTES = 8;

/**
 * A bounds-checked little-endian cursor over bytes of one SSTable component. Every read
 * returns a value or throws SSTABLE_CORRUPT naming the file and the offset in it
 * (`baseOffset` is the position of `buf[0]` in the file, or in the uncompressed Data
 * stream); it never reads past `end` and never allocates more than the input holds.
 */
export class SSTableByteReader {
  private pos: number;
  /** Created on the first i64 (DataView's getBigInt64 is several times faster than Buffer's). */
  private view: DataView | null = null;

  constructor(
    private readonly buf: Buffer,
    private readonly path: string,
    private readonly baseOffset = 0,
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

  corrupt(problem: string, cause?: unknown): CharybdisError {
    return sstableCorrupt(this.path, this.baseOffset + this.pos, problem, cause);
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
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  u64(what: string): number {
    this.need(8, what);
    const v = this.buf.readBigUInt64LE(this.pos);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw this.corrupt(`${what} ${v} is too large`);
    this.pos += 8;
    return Number(v);
  }

  i64(what: string): bigint {
    this.need(8, what);
    const view = (this.view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength));
    const v = view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** An unsigned LEB128 varint, at most a safe integer. */
  uvarint(what: string): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < MAX_UVARINT_BYTES; i++) {
      const b = this.u8(what);
      v += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(v)) throw this.corrupt(`${what} ${v} is out of range`);
        return v;
      }
      scale *= 0x80;
    }
    throw this.corrupt(`${what} is a varint longer than ${MAX_UVARINT_BYTES} bytes`);
  }

  /** `n` bytes as a view into the input. */
  bytes(n: number, what: string): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  lengthPrefixed(what: string): Buffer {
    return this.bytes(this.uvarint(`length of ${what}`), what);
  }

  /** A count of elements of at least `minBytesEach` bytes, refused when the input cannot hold them. */
  count(what: string, minBytesEach: number): number {
    const n = this.uvarint(`number of ${what}`);
    if (n * minBytesEach > this.remaining) throw this.corrupt(`${n} ${what} cannot fit in the ${this.remaining} bytes left`);
    return n;
  }

  /** A clustering prefix (components copied out of the input, or views into it when `copy` is false). */
  prefix(what: string, maxComponents: number, copy = true): ClusteringPrefix {
    const n = this.count(`${what} components`, 1);
    if (n > maxComponents) throw this.corrupt(`${what} has ${n} components, more than the ${maxComponents} clustering columns`);
    const out: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      const component = this.lengthPrefixed(`${what} component`);
      out.push(copy ? Buffer.from(component) : component);
    }
    return out;
  }

  bound(what: string, maxComponents: number): ClusteringBound {
    const k = this.u8(`${what} kind`);
    const kind = BOUND_KINDS[k];
    if (kind === undefined) throw this.corrupt(`${what} has unknown bound kind ${k}`);
    return { kind, prefix: this.prefix(what, maxComponents) };
  }
}
