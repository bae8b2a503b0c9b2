/**
 * The bytes received from a socket and not consumed yet, kept as the chunks they arrived
 * in. `peek(n)` returns n contiguous bytes as a subarray of a chunk when they lie in one
 * (the common case: no copy) and copies them together once otherwise; asking for more
 * than is buffered costs nothing, so a large frame arriving in many reads is copied
 * exactly once, when its last byte is in. The caller bounds how much it waits for.
 */
export class ByteAccumulator {
  private chunks: Buffer[] = [];
  private headOffset = 0;
  private total = 0;

  /** Bytes buffered and not consumed. */
  get length(): number {
    return this.total;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** The byte at `index` (< length) from the read position. */
  byteAt(index: number): number {
    let i = index + this.headOffset;
    for (const c of this.chunks) {
      if (i < c.length) return c[i]!;
      i -= c.length;
    }
    throw new RangeError(`byteAt(${index}) past the ${this.total} buffered bytes`);
  }

  /** The next `n` bytes without consuming them, or null when fewer are buffered. */
  peek(n: number): Buffer | null {
    if (n > this.total) return null;
    const first = this.chunks[0];
    if (first === undefined) return Buffer.alloc(0);
    if (first.length - this.headOffset >= n) return first.subarray(this.headOffset, this.headOffset + n);
    // Merge the chunks that hold the n bytes into one buffer that replaces them.
    const merged = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const take = Math.min(c.length - this.headOffset, n - filled);
      c.copy(merged, filled, this.headOffset, this.headOffset + take);
      filled += take;
      if (this.headOffset + take === c.length) {
        this.chunks.shift();
        this.headOffset = 0;
      } else {
        this.headOffset += take;
      }
    }
    if (this.headOffset > 0) {
      this.chunks[0] = this.chunks[0]!.subarray(this.headOffset);
      this.headOffset = 0;
    }
    this.chunks.unshift(merged);
    return merged;
  }

  /** Drops the next `n` (≤ length) bytes. */
  consume(n: number): void {
    this.total -= n;
    while (n > 0) {
      const c = this.chunks[0]!;
      const left = c.length - this.headOffset;
      if (n < left) {
        this.headOffset += n;
        return;
      }
      n -= left;
      this.chunks.shift();
      this.headOffset = 0;
    }
  }

  /** Removes and returns everything buffered (to hand it to another decoder). */
  takeAll(): Buffer {
    const out = this.peek(this.total) ?? Buffer.alloc(0);
    this.chunks = [];
    this.headOffset = 0;
    this.total = 0;
    return out;
  }
}
