import { FRAGMENT_HEADER_BYTES, writeFragmentHeader } from './smp-codec';
import type { SmpPeerStats } from './smp-stats';
import type { SpscRing } from './spsc-ring';

/** A ring's fragment threshold is its capacity divided by this: one message never fills a ring. */
export const FRAGMENT_RING_DIVISOR = 4;
/** Smallest chunk a fragment carries, whatever the ring size (tiny test rings). */
const MIN_CHUNK_BYTES = 8;

/**
 * Largest encoded message that goes through a ring of `capacityBytes` whole; anything larger
 * is sent as fragments of at most this size (header included).
 */
export function fragmentThresholdBytes(capacityBytes: number): number {
  return Math.floor(capacityBytes / FRAGMENT_RING_DIVISOR);
}

/** Chunk bytes per fragment for a ring of `capacityBytes`. */
export function fragmentChunkBytes(capacityBytes: number): number {
  return Math.max(MIN_CHUNK_BYTES, fragmentThresholdBytes(capacityBytes) - FRAGMENT_HEADER_BYTES);
}

/**
 * One encoded message larger than the fragment threshold, on its way into one ring, owned
 * by that ring's `Outbox` on the sending shard's thread. It holds its own copy of the
 * encoding (freed when the last fragment is written) and a cursor: the outbox writes
 * fragments as the ring has room, so the ring is never asked for more than one fragment at
 * a time and the other fragments wait here, not as separate backlog entries. Once its first
 * fragment is written the message must be finished before anything else enters that ring
 * (fragments of one message are contiguous in the stream; see README.md).
 */
export class FragmentedMessage {
  /** The encoded original. */
  readonly bytes: Uint8Array;
  readonly fragmentedId: number;
  readonly count: number;
  /** Request id when the message is a request (skipped if it timed out before starting), else 0. */
  readonly requestId: number;
  private readonly chunkBytes: number;
  private next = 0;

  constructor(bytes: Uint8Array, fragmentedId: number, chunkBytes: number, requestId: number) {
    this.bytes = bytes;
    this.fragmentedId = fragmentedId;
    this.chunkBytes = chunkBytes;
    this.count = Math.ceil(bytes.length / chunkBytes);
    this.requestId = requestId;
  }

  /** True once a fragment is in the ring: the rest must follow before any other message. */
  get started(): boolean {
    return this.next > 0;
  }

  /** Encoded bytes of the next fragment (header included). */
  nextFragmentBytes(): number {
    const start = this.next * this.chunkBytes;
    return FRAGMENT_HEADER_BYTES + Math.min(this.chunkBytes, this.bytes.length - start);
  }

  /**
   * Writes fragments into `ring` (unpublished) while it has room; true when the last one is
   * written. `header` is a scratch buffer of at least FRAGMENT_HEADER_BYTES.
   */
  writeTo(ring: SpscRing, header: Buffer, stats: SmpPeerStats): boolean {
    const total = this.bytes.length;
    while (this.next < this.count) {
      const start = this.next * this.chunkBytes;
      const end = Math.min(total, start + this.chunkBytes);
      writeFragmentHeader(header, this.fragmentedId, this.next, this.count, total, end - start);
      if (!ring.tryAppendWithPrefix(header, FRAGMENT_HEADER_BYTES, this.bytes, start, end)) return false;
      this.next++;
      stats.messagesSent++;
      stats.fragmentsSent++;
      stats.bytesSent += FRAGMENT_HEADER_BYTES + end - start;
    }
    stats.fragmentedMessagesSent++;
    stats.fragmentedBytesSent += total;
    return true;
  }
}
