import { CharybdisError } from '../errors';
import { SmpErrorCode } from './smp-errors';

/*
 * Layout of one ring's SharedArrayBuffer (see README.md in this folder):
 *
 *   byte   0  head     int32  written by the consumer only (Atomics.store)
 *   byte  64  tail     int32  written by the producer only (Atomics.store)
 *   byte 128  waiting  int32  producer stores 1, consumer exchanges it back to 0
 *   byte 256  data     capacityBytes, a power of two
 *
 * Each index sits on its own 64-byte cache line so the two threads never write the same
 * line. head and tail are free-running byte counters modulo 2^32 (stored as int32, read
 * back with `>>> 0`); the offset in the data area is `position & (capacityBytes - 1)`, and
 * `tail - head` is the number of bytes in use, so a full ring and an empty ring differ
 * without wasting a byte.
 *
 * A record is a little-endian u32 body length, the body, and 0-3 bytes of padding so the
 * next record starts 4-byte aligned (a header therefore never straddles the end of the data
 * area; a body may, byte-wise).
 */

const HEAD_WORD = 0;
const TAIL_WORD = 16;
const WAITING_WORD = 32;

/** Bytes before the data area of a ring buffer. */
export const RING_HEADER_BYTES = 256;
/** Bytes of a record's length prefix. */
export const RECORD_HEADER_BYTES = 4;
/** Smallest and largest data-area sizes a ring accepts. */
export const RING_MIN_CAPACITY_BYTES = 64;
export const RING_MAX_CAPACITY_BYTES = 1 << 30;

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Bytes a record with a body of `bodyBytes` occupies in a ring (header and padding included). */
export function recordFootprintBytes(bodyBytes: number): number {
  return RECORD_HEADER_BYTES + align4(bodyBytes);
}

/** Throws unless `capacityBytes` is a power of two within the supported range. */
export function checkRingCapacity(capacityBytes: number): void {
  if (
    !Number.isInteger(capacityBytes) ||
    capacityBytes < RING_MIN_CAPACITY_BYTES ||
    capacityBytes > RING_MAX_CAPACITY_BYTES ||
    (capacityBytes & (capacityBytes - 1)) !== 0
  ) {
    throw new CharybdisError(
      SmpErrorCode.BAD_CONFIG,
      `ring capacity must be a power of two in [${RING_MIN_CAPACITY_BYTES}, ${RING_MAX_CAPACITY_BYTES}] bytes, got ${capacityBytes}`,
    );
  }
}

/** Allocates the SharedArrayBuffer of one ring with a data area of `capacityBytes`. */
export function createRingBuffer(capacityBytes: number): SharedArrayBuffer {
  checkRingCapacity(capacityBytes);
  return new SharedArrayBuffer(RING_HEADER_BYTES + capacityBytes);
}

/**
 * Calls `onRecord(start, end)` for each record body in `bytes[0, length)`, bytes that a
 * consumer copied out with {@link SpscRing.drainInto} (so they are whole records).
 */
export function forEachRecord(bytes: Buffer, length: number, onRecord: (start: number, end: number) => void): void {
  let pos = 0;
  while (pos < length) {
    const bodyBytes = bytes.readUInt32LE(pos);
    const start = pos + RECORD_HEADER_BYTES;
    onRecord(start, start + bodyBytes);
    pos = start + align4(bodyBytes);
  }
}

/**
 * A single-producer / single-consumer ring of variable-length byte records in a
 * SharedArrayBuffer. One thread holds a producer view, another a consumer view, each an
 * `SpscRing` over the same buffer; a view is used for one side only and is not thread-safe.
 *
 * Invariants: only the producer writes `tail` and the data bytes in [tail, head + capacity);
 * only the consumer writes `head`. The producer writes record bytes first and then
 * publishes them with one `Atomics.store` of `tail` (a release); the consumer
 * `Atomics.load`s `tail` (an acquire) before it reads bytes below it, copies them out, then
 * `Atomics.store`s `head` to give the space back. Bytes between head and tail are never
 * written; bytes outside it are never read.
 *
 * Producer: {@link tryAppend} adds bytes to the open record (one message each, never
 * split), {@link publish} closes the record and makes everything written visible. Records
 * therefore carry a batch. Consumer: {@link drainInto} copies whole published records into
 * a private buffer and releases their space at once.
 */
export class SpscRing {
  /** Size of the data area in bytes (a power of two). */
  readonly capacityBytes: number;
  private readonly mask: number;
  private readonly ctl: Int32Array;
  private readonly data: Buffer;
  // Producer-side state (meaningful only in the producer's view).
  private localTail: number;
  private publishedTail: number;
  private recordStart = -1;
  private recordBodyBytes = 0;
  private cachedHead: number;
  // Consumer-side state (meaningful only in the consumer's view).
  private localHead: number;

  constructor(buffer: SharedArrayBuffer) {
    const capacityBytes = buffer.byteLength - RING_HEADER_BYTES;
    checkRingCapacity(capacityBytes);
    this.capacityBytes = capacityBytes;
    this.mask = capacityBytes - 1;
    this.ctl = new Int32Array(buffer, 0, RING_HEADER_BYTES / 4);
    this.data = Buffer.from(buffer, RING_HEADER_BYTES, capacityBytes);
    this.localTail = Atomics.load(this.ctl, TAIL_WORD) >>> 0;
    this.publishedTail = this.localTail;
    this.cachedHead = Atomics.load(this.ctl, HEAD_WORD) >>> 0;
    this.localHead = this.cachedHead;
  }

  // ---- producer side ----

  /**
   * Producer: appends `src[start, end)` to the open record (opening one if needed) if the
   * ring has room for the record as it would then be; returns false and changes nothing
   * otherwise. Nothing is visible to the consumer before {@link publish}.
   */
  tryAppend(src: Uint8Array, start: number, end: number): boolean {
    const len = end - start;
    const opening = this.recordStart < 0;
    const recordStart = opening ? this.localTail : this.recordStart;
    const bodyBytes = (opening ? 0 : this.recordBodyBytes) + len;
    const recordEnd = recordStart + recordFootprintBytes(bodyBytes);
    // recordStart is at or after head, so this also rejects a record larger than the ring.
    if (((recordEnd - this.cachedHead) >>> 0) > this.capacityBytes) {
      this.cachedHead = Atomics.load(this.ctl, HEAD_WORD) >>> 0;
      if (((recordEnd - this.cachedHead) >>> 0) > this.capacityBytes) return false;
    }
    this.copyIn(src, start, len, (recordStart + RECORD_HEADER_BYTES + bodyBytes - len) & this.mask);
    this.recordStart = recordStart;
    this.recordBodyBytes = bodyBytes;
    return true;
  }

  /**
   * Producer: {@link tryAppend} of one message made of two pieces, `prefix[0, prefixBytes)`
   * then `src[start, end)` (a fragment's header and its chunk), both or neither.
   */
  tryAppendWithPrefix(prefix: Uint8Array, prefixBytes: number, src: Uint8Array, start: number, end: number): boolean {
    const len = prefixBytes + end - start;
    const opening = this.recordStart < 0;
    const recordStart = opening ? this.localTail : this.recordStart;
    const bodyBytes = (opening ? 0 : this.recordBodyBytes) + len;
    const recordEnd = recordStart + recordFootprintBytes(bodyBytes);
    if (((recordEnd - this.cachedHead) >>> 0) > this.capacityBytes) {
      this.cachedHead = Atomics.load(this.ctl, HEAD_WORD) >>> 0;
      if (((recordEnd - this.cachedHead) >>> 0) > this.capacityBytes) return false;
    }
    const offset = recordStart + RECORD_HEADER_BYTES + bodyBytes - len;
    this.copyIn(prefix, 0, prefixBytes, offset & this.mask);
    this.copyIn(src, start, end - start, (offset + prefixBytes) & this.mask);
    this.recordStart = recordStart;
    this.recordBodyBytes = bodyBytes;
    return true;
  }

  private copyIn(src: Uint8Array, start: number, len: number, offset: number): void {
    const data = this.data;
    if (offset + len <= this.capacityBytes) {
      if (len <= 64) {
        for (let i = 0; i < len; i++) data[offset + i] = src[start + i]!;
      } else {
        data.set(src.subarray(start, start + len), offset);
      }
      return;
    }
    const first = this.capacityBytes - offset;
    data.set(src.subarray(start, start + first), offset);
    data.set(src.subarray(start + first, start + len), 0);
  }

  /** Producer: closes the open record (writes its length prefix), if any. Still unpublished. */
  closeRecord(): void {
    if (this.recordStart < 0) return;
    this.data.writeUInt32LE(this.recordBodyBytes, this.recordStart & this.mask);
    this.localTail = (this.recordStart + recordFootprintBytes(this.recordBodyBytes)) >>> 0;
    this.recordStart = -1;
    this.recordBodyBytes = 0;
  }

  /**
   * Producer: closes the open record and publishes every record written so far with one
   * `Atomics.store` of tail. Returns false when there was nothing new to publish.
   */
  publish(): boolean {
    this.closeRecord();
    if (this.localTail === this.publishedTail) return false;
    this.publishedTail = this.localTail;
    Atomics.store(this.ctl, TAIL_WORD, this.localTail | 0);
    return true;
  }

  /** Producer: true when the producer has written bytes it has not published yet. */
  hasUnpublished(): boolean {
    return this.recordStart >= 0 || this.localTail !== this.publishedTail;
  }

  /** Producer: bytes free right now (reads the consumer's head), open record included. */
  freeBytes(): number {
    this.cachedHead = Atomics.load(this.ctl, HEAD_WORD) >>> 0;
    const end = this.recordStart < 0 ? this.localTail : this.recordStart + recordFootprintBytes(this.recordBodyBytes);
    return this.capacityBytes - ((end - this.cachedHead) >>> 0);
  }

  /**
   * Producer: announces that it waits for space. Call it, then check {@link freeBytes}
   * again: the consumer stores head before it reads this flag, so either that check sees
   * the freed space or the consumer sees the flag (all atomics here are sequentially
   * consistent).
   */
  setProducerWaiting(): void {
    Atomics.store(this.ctl, WAITING_WORD, 1);
  }

  // ---- consumer side ----

  /** Consumer: true when published records are waiting to be read. */
  hasData(): boolean {
    return Atomics.load(this.ctl, TAIL_WORD) >>> 0 !== this.localHead;
  }

  /**
   * Consumer: copies whole published records into `into` (from offset 0) — all of them, or
   * as many as fit in `maxBytes` but at least one — then releases their space with one
   * `Atomics.store` of head. Returns the number of bytes copied (0 when empty); iterate
   * them with {@link forEachRecord}. `into` must hold `capacityBytes`.
   */
  drainInto(into: Buffer, maxBytes = this.capacityBytes): number {
    const tail = Atomics.load(this.ctl, TAIL_WORD) >>> 0;
    let n = (tail - this.localHead) >>> 0;
    if (n === 0) return 0;
    if (n > maxBytes) n = this.wholeRecordsWithin(n, maxBytes);
    const offset = this.localHead & this.mask;
    const first = Math.min(n, this.capacityBytes - offset);
    this.data.copy(into, 0, offset, offset + first);
    if (first < n) this.data.copy(into, first, 0, n - first);
    this.localHead = (this.localHead + n) >>> 0;
    Atomics.store(this.ctl, HEAD_WORD, this.localHead | 0);
    return n;
  }

  /** Consumer: byte count of the leading whole records within `maxBytes` (at least one). */
  private wholeRecordsWithin(available: number, maxBytes: number): number {
    let n = 0;
    while (n < available) {
      const footprint = recordFootprintBytes(this.data.readUInt32LE((this.localHead + n) & this.mask));
      if (n > 0 && n + footprint > maxBytes) break;
      n += footprint;
    }
    return n;
  }

  /**
   * Consumer: clears the producer's waiting flag; true when it was set, i.e. the caller
   * must wake the producer. Call after {@link drainInto} released space.
   */
  takeProducerWaiting(): boolean {
    return Atomics.load(this.ctl, WAITING_WORD) !== 0 && Atomics.exchange(this.ctl, WAITING_WORD, 0) !== 0;
  }
}
