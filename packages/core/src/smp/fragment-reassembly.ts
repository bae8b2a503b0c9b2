import { CharybdisError } from '../errors';
import { MSG_FRAGMENT, type SmpCodec } from './smp-codec';
import { SmpErrorCode } from './smp-errors';
import type { SmpPeerStats } from './smp-stats';

/**
 * The receiving side of fragmentation for one peer, on the receiving shard's thread: the
 * fragments of the message the peer is sending in pieces, copied into one buffer of the
 * size its first fragment announces (never more than `maxMessageBytes`, so the memory per
 * peer is bounded). The sender writes a message's fragments back to back (nothing else of
 * that peer in between), so there is at most one message in reassembly per peer and any
 * fragment out of sequence is a sender bug: the partial message is dropped with an error.
 */
export class FragmentReassembly {
  private readonly peer: number;
  private readonly maxMessageBytes: number;
  private fragmentedId = 0;
  private count = 0;
  private next = 0;
  private filled = 0;
  private buffer: Buffer | null = null;
  /** The refused message's fragments still to skip (too large: no buffer for it). */
  private skipping = false;

  constructor(peer: number, maxMessageBytes: number) {
    this.peer = peer;
    this.maxMessageBytes = maxMessageBytes;
  }

  /** Bytes held for the message in reassembly (0 when none). */
  get bufferedBytes(): number {
    return this.buffer === null ? 0 : this.buffer.length;
  }

  /** True while a message is half received (or being skipped). */
  get active(): boolean {
    return this.buffer !== null || this.skipping;
  }

  /**
   * Takes the decoded fragment message `m` (`[5, id, index, count, totalBytes, chunk]`) and
   * returns the decoded original after the last fragment, else null; keeps the peer's
   * fragment counters in `stats`. Throws like {@link add}, or when the original does not
   * decode to a message (counted in `fragmentErrors`).
   */
  receive(m: unknown[], codec: SmpCodec, stats: SmpPeerStats): unknown[] | null {
    stats.fragmentsReceived++;
    let whole: Buffer | null;
    try {
      whole = this.add(m[1] as number, m[2] as number, m[3] as number, m[4] as number, m[5] as Uint8Array);
    } catch (err) {
      stats.fragmentErrors++;
      stats.reassemblyBytes = 0;
      throw err;
    }
    stats.reassemblyBytes = this.bufferedBytes;
    if (whole === null) return null;
    stats.fragmentedMessagesReceived++;
    stats.fragmentedBytesReceived += whole.length;
    let message: unknown;
    try {
      message = codec.decodeMessage(whole);
    } catch (cause) {
      stats.fragmentErrors++;
      throw new CharybdisError(SmpErrorCode.FRAGMENT_ERROR, `smp fragments from shard ${this.peer}: the reassembled message does not decode`, { cause });
    }
    if (!Array.isArray(message) || message[0] === MSG_FRAGMENT) {
      stats.fragmentErrors++;
      throw this.sequenceError('the reassembled message is not a message');
    }
    return message as unknown[];
  }

  /**
   * Adds fragment `index` of `count` of message `fragmentedId` (`totalBytes` encoded).
   * Returns the whole encoded message after its last fragment, else null. Throws
   * SMP_MESSAGE_TOO_LARGE once (at the first fragment) for a message above
   * `maxMessageBytes`, whose later fragments are then skipped, and SMP_FRAGMENT_ERROR for a
   * fragment out of sequence (the partial message is dropped).
   */
  add(fragmentedId: number, index: number, count: number, totalBytes: number, chunk: Uint8Array): Buffer | null {
    if (this.active) {
      if (fragmentedId !== this.fragmentedId || index !== this.next || count !== this.count || (this.buffer !== null && totalBytes !== this.buffer.length)) {
        const was = `${this.fragmentedId} at fragment ${this.next}/${this.count}`;
        this.discard();
        throw this.sequenceError(`got fragment ${index}/${count} of message ${fragmentedId} while reassembling message ${was}`);
      }
    } else {
      if (index !== 0) throw this.sequenceError(`got fragment ${index}/${count} of message ${fragmentedId} without its start`);
      if (!(count >= 1) || !(totalBytes >= count)) throw this.sequenceError(`fragmented message ${fragmentedId} announces ${count} fragments for ${totalBytes} bytes`);
      this.fragmentedId = fragmentedId;
      this.count = count;
      this.filled = 0;
      if (totalBytes > this.maxMessageBytes) {
        this.skipping = true;
        this.advance();
        throw new CharybdisError(
          SmpErrorCode.MESSAGE_TOO_LARGE,
          `smp message from shard ${this.peer} is ${totalBytes} bytes encoded; the largest smp message is ${this.maxMessageBytes} bytes (maxMessageBytes)`,
        );
      }
      // Filled completely before anyone reads it (checked below), so unsafe allocation is fine.
      this.buffer = Buffer.allocUnsafeSlow(totalBytes);
    }
    const buffer = this.buffer;
    if (buffer === null) {
      this.advance();
      return null;
    }
    if (this.filled + chunk.length > buffer.length) {
      this.discard();
      throw this.sequenceError(`fragmented message ${fragmentedId} overflows its announced ${buffer.length} bytes`);
    }
    buffer.set(chunk, this.filled);
    this.filled += chunk.length;
    if (!this.advance()) return null;
    if (this.filled !== buffer.length) {
      throw this.sequenceError(`fragmented message ${fragmentedId} ended at ${this.filled} of its ${buffer.length} bytes`);
    }
    return buffer;
  }

  /** Drops the partial message (the peer stopped, or broke the sequence); returns its bytes. */
  discard(): number {
    const bytes = this.bufferedBytes;
    this.buffer = null;
    this.skipping = false;
    this.next = 0;
    this.filled = 0;
    return bytes;
  }

  /** Moves to the next fragment; true (and reset, buffer released) after the last. */
  private advance(): boolean {
    if (++this.next < this.count) return false;
    this.buffer = null;
    this.skipping = false;
    this.next = 0;
    return true;
  }

  private sequenceError(why: string): CharybdisError {
    return new CharybdisError(SmpErrorCode.FRAGMENT_ERROR, `smp fragments from shard ${this.peer}: ${why}`);
  }
}
