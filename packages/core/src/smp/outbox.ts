import type { Doorbells } from './doorbells';
import { Fifo } from './fifo';
import { fragmentChunkBytes, FragmentedMessage } from './fragmented-message';
import { FRAGMENT_HEADER_BYTES } from './smp-codec';
import type { SmpPeerStats } from './smp-stats';
import { recordFootprintBytes, type SpscRing } from './spsc-ring';

/** A backlog entry: an encoded message that goes whole, or one that goes in fragments. */
type Entry = Uint8Array | FragmentedMessage;

function entryBytes(entry: Entry): number {
  return entry instanceof FragmentedMessage ? entry.bytes.length : entry.length;
}

/** Limits of one outbox (see SmpOptions). */
export interface OutboxLimits {
  maxPending: number;
  maxPendingBytes: number;
}

/** A message that could not be admitted yet, and the sender waiting for its admission. */
interface Waiter {
  bytes: Entry;
  /** Request id when the message is a request (skipped if it timed out meanwhile), else 0. */
  requestId: number;
  resolve: (() => void) | null;
  reject: ((err: unknown) => void) | null;
}

function copyBytes(bytes: Uint8Array, start: number, end: number): Uint8Array {
  const copy = new Uint8Array(end - start);
  copy.set(bytes.subarray(start, end));
  return copy;
}

/**
 * Everything one shard sends to one peer, on the sending shard's thread: the producer view
 * of the ring to the peer, plus the bounded backlog used while that ring is full.
 *
 * Order is FIFO: a message enters the ring only when no older message waits. While the ring
 * is full, up to `maxPending` encoded messages and `maxPendingBytes` encoded bytes wait in
 * `pending` (admitted: their senders have moved on; a message larger than the byte bound is
 * admitted alone); beyond that, senders wait in `waiters` until room frees, which is how
 * backpressure reaches them. A message above the fragment threshold is one entry, a
 * {@link FragmentedMessage} that writes its fragments as the ring drains. The outbox then sets the ring's producer-waiting flag so the
 * consumer rings this shard's doorbell when it frees space; the shard's poll calls
 * {@link flush} again.
 */
export class Outbox {
  readonly peer: number;
  private readonly ring: SpscRing;
  private readonly doorbells: Doorbells;
  private readonly maxPending: number;
  private readonly maxPendingBytes: number;
  private readonly stats: SmpPeerStats;
  private readonly isRequestLive: (requestId: number) => boolean;
  private readonly pending = new Fifo<Entry>();
  private readonly waiters = new Fifo<Waiter>();
  private readonly fragmentHeader = Buffer.alloc(FRAGMENT_HEADER_BYTES);
  private readonly chunkBytes: number;
  private pendingBytes = 0;
  private lastFragmentedId = 0;

  constructor(
    peer: number,
    ring: SpscRing,
    doorbells: Doorbells,
    limits: OutboxLimits,
    stats: SmpPeerStats,
    isRequestLive: (requestId: number) => boolean,
  ) {
    this.peer = peer;
    this.ring = ring;
    this.doorbells = doorbells;
    this.maxPending = limits.maxPending;
    this.maxPendingBytes = limits.maxPendingBytes;
    this.stats = stats;
    this.isRequestLive = isRequestLive;
    this.chunkBytes = fragmentChunkBytes(ring.capacityBytes);
  }

  /**
   * Wraps `bytes` (the caller's own copy of an encoded message above the fragment
   * threshold, now owned by this outbox) for {@link offerFragmented} / {@link wait}.
   */
  fragment(bytes: Uint8Array, requestId: number): FragmentedMessage {
    this.lastFragmentedId = (this.lastFragmentedId + 1) >>> 0;
    return new FragmentedMessage(bytes, this.lastFragmentedId, this.chunkBytes, requestId);
  }

  /**
   * Offers the encoded message `bytes[start, end)`: writes it to the ring (unpublished) or,
   * if the ring is full, queues a copy in `pending`. Returns false when `pending` is full
   * (or senders already wait): the caller must then {@link wait}.
   */
  offer(bytes: Uint8Array, start: number, end: number): boolean {
    if (this.pending.length === 0 && this.waiters.length === 0) {
      if (this.ring.tryAppend(bytes, start, end)) {
        this.stats.messagesSent++;
        this.stats.bytesSent += end - start;
        return true;
      }
      this.stats.fullRingWaits++;
    }
    if (this.waiters.length === 0 && this.hasRoomFor(end - start)) {
      this.pushPending(copyBytes(bytes, start, end));
      this.updateGauges();
      return true;
    }
    return false;
  }

  /**
   * {@link offer} for a fragmented message: writes as many fragments as the ring takes and
   * keeps the rest in `pending` (admitted), or queues it whole behind older messages.
   * Returns false when the backlog is full: the caller must then {@link wait}.
   */
  offerFragmented(message: FragmentedMessage): boolean {
    if (this.pending.length === 0 && this.waiters.length === 0) {
      if (message.writeTo(this.ring, this.fragmentHeader, this.stats)) return true;
      this.stats.fullRingWaits++;
      // Started or not, it is alone, so the byte bound admits it (see hasRoomFor).
      this.pushPending(message);
      this.updateGauges();
      return true;
    }
    if (this.waiters.length === 0 && this.hasRoomFor(message.bytes.length)) {
      this.pushPending(message);
      this.updateGauges();
      return true;
    }
    return false;
  }

  /** Queues a message that {@link offer} refused; `resolve` runs when it is admitted. */
  wait(bytes: Uint8Array, start: number, end: number, requestId: number, resolve: (() => void) | null, reject: ((err: unknown) => void) | null): void {
    this.waitEntry(copyBytes(bytes, start, end), requestId, resolve, reject);
  }

  /** Queues an entry (a fragmented message that {@link offerFragmented} refused). */
  waitEntry(entry: Entry, requestId: number, resolve: (() => void) | null, reject: ((err: unknown) => void) | null): void {
    this.waiters.push({ bytes: entry, requestId, resolve, reject });
    this.stats.blockedSends++;
    this.updateGauges();
  }

  /** True while messages wait for space in the ring. */
  isBlocked(): boolean {
    return this.pending.length > 0 || this.waiters.length > 0;
  }

  /** True when a blocked outbox could move a message now (the consumer freed space). */
  canProgress(): boolean {
    const next = this.pending.peek();
    if (next === undefined) return this.waiters.length > 0;
    const bytes = next instanceof FragmentedMessage ? next.nextFragmentBytes() : next.length;
    return this.ring.freeBytes() >= recordFootprintBytes(bytes);
  }

  /**
   * Publishes what was written since the last flush (one tail store, and one notify if the
   * peer sleeps); if blocked, moves what now fits from the backlog and publishes again.
   */
  flush(): void {
    this.publish();
    if (this.isBlocked()) {
      this.drainBacklog();
      this.publish();
    }
  }

  private publish(): void {
    if (!this.ring.publish()) return;
    this.stats.batchesSent++;
    if (this.doorbells.ring(this.peer)) this.stats.notifies++;
  }

  /** Moves pending messages into the ring and admits waiters, until blocked or empty. */
  private drainBacklog(): void {
    for (;;) {
      this.movePending();
      this.admitWaiters();
      if (!this.isBlocked()) break;
      // Announce that we wait for space, then look again: the consumer stores head before
      // it reads the flag, so one of the two sees the other (see SpscRing.setProducerWaiting).
      this.ring.setProducerWaiting();
      if (!this.canProgress()) break;
    }
    this.updateGauges();
  }

  private movePending(): void {
    for (let next = this.pending.peek(); next !== undefined; next = this.pending.peek()) {
      if (next instanceof FragmentedMessage) {
        // A request that timed out before its first fragment is not worth sending; once
        // started, the receiver expects every fragment.
        const dropped = !next.started && next.requestId !== 0 && !this.isRequestLive(next.requestId);
        if (!dropped && !next.writeTo(this.ring, this.fragmentHeader, this.stats)) return;
      } else {
        if (!this.ring.tryAppend(next, 0, next.length)) return;
        this.stats.messagesSent++;
        this.stats.bytesSent += next.length;
      }
      this.pending.shift();
      this.pendingBytes -= entryBytes(next);
    }
  }

  private admitWaiters(): void {
    while (this.pending.length < this.maxPending) {
      const waiter = this.waiters.peek();
      if (waiter === undefined) return;
      if (waiter.requestId !== 0 && !this.isRequestLive(waiter.requestId)) {
        this.waiters.shift();
        continue;
      }
      if (!this.hasRoomFor(entryBytes(waiter.bytes))) return;
      this.waiters.shift();
      if (this.pending.length > 0 || !this.writeWhole(waiter.bytes)) this.pushPending(waiter.bytes);
      waiter.resolve?.();
    }
  }

  /** Writes an entry straight into the ring if it fits completely; false if any part is left. */
  private writeWhole(entry: Entry): boolean {
    if (entry instanceof FragmentedMessage) return entry.writeTo(this.ring, this.fragmentHeader, this.stats);
    if (!this.ring.tryAppend(entry, 0, entry.length)) return false;
    this.stats.messagesSent++;
    this.stats.bytesSent += entry.length;
    return true;
  }

  /** True when the backlog may take `bytes` more: within both bounds, or empty. */
  private hasRoomFor(bytes: number): boolean {
    if (this.pending.length === 0) return true;
    return this.pending.length < this.maxPending && this.pendingBytes + bytes <= this.maxPendingBytes;
  }

  private pushPending(entry: Entry): void {
    this.pending.push(entry);
    this.pendingBytes += entryBytes(entry);
  }

  /**
   * Drops the backlog (the peer or this shard stopped): rejects waiting senders with `err`.
   * Requests in the backlog are failed by their owner through its request table.
   */
  fail(err: unknown): void {
    this.pending.clear();
    this.pendingBytes = 0;
    for (const waiter of this.waiters.clear()) waiter.reject?.(err);
    this.updateGauges();
  }

  /** Publishes anything written but unpublished (used by stop()). */
  publishNow(): void {
    this.publish();
  }

  private updateGauges(): void {
    const stats = this.stats;
    stats.pendingMessages = this.pending.length;
    if (stats.pendingMessages > stats.pendingMessagesMax) stats.pendingMessagesMax = stats.pendingMessages;
    stats.pendingBytes = this.pendingBytes;
    if (stats.pendingBytes > stats.pendingBytesMax) stats.pendingBytesMax = stats.pendingBytes;
    stats.blockedSenders = this.waiters.length;
  }
}
