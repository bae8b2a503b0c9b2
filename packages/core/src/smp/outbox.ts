import type { Doorbells } from './doorbells';
import { Fifo } from './fifo';
import type { SmpPeerStats } from './smp-stats';
import { recordFootprintBytes, type SpscRing } from './spsc-ring';

/** A message that could not be admitted yet, and the sender waiting for its admission. */
interface Waiter {
  bytes: Uint8Array;
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
 * is full, up to `maxPending` encoded messages wait in `pending` (admitted: their senders
 * have moved on); beyond that, senders wait in `waiters` until a slot frees, which is how
 * backpressure reaches them. The outbox then sets the ring's producer-waiting flag so the
 * consumer rings this shard's doorbell when it frees space; the shard's poll calls
 * {@link flush} again.
 */
export class Outbox {
  readonly peer: number;
  private readonly ring: SpscRing;
  private readonly doorbells: Doorbells;
  private readonly maxPending: number;
  private readonly stats: SmpPeerStats;
  private readonly isRequestLive: (requestId: number) => boolean;
  private readonly pending = new Fifo<Uint8Array>();
  private readonly waiters = new Fifo<Waiter>();

  constructor(
    peer: number,
    ring: SpscRing,
    doorbells: Doorbells,
    maxPending: number,
    stats: SmpPeerStats,
    isRequestLive: (requestId: number) => boolean,
  ) {
    this.peer = peer;
    this.ring = ring;
    this.doorbells = doorbells;
    this.maxPending = maxPending;
    this.stats = stats;
    this.isRequestLive = isRequestLive;
  }

  /** Largest encoded message this outbox can ever carry. */
  get maxMessageBytes(): number {
    return this.ring.capacityBytes - recordFootprintBytes(0);
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
    if (this.waiters.length === 0 && this.pending.length < this.maxPending) {
      this.pending.push(copyBytes(bytes, start, end));
      this.updateGauges();
      return true;
    }
    return false;
  }

  /** Queues a message that {@link offer} refused; `resolve` runs when it is admitted. */
  wait(bytes: Uint8Array, start: number, end: number, requestId: number, resolve: (() => void) | null, reject: ((err: unknown) => void) | null): void {
    this.waiters.push({ bytes: copyBytes(bytes, start, end), requestId, resolve, reject });
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
    return this.ring.freeBytes() >= recordFootprintBytes(next.length);
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
      if (!this.ring.tryAppend(next, 0, next.length)) return;
      this.pending.shift();
      this.stats.messagesSent++;
      this.stats.bytesSent += next.length;
    }
  }

  private admitWaiters(): void {
    while (this.pending.length < this.maxPending) {
      const waiter = this.waiters.shift();
      if (waiter === undefined) return;
      if (waiter.requestId !== 0 && !this.isRequestLive(waiter.requestId)) continue;
      if (this.pending.length === 0 && this.ring.tryAppend(waiter.bytes, 0, waiter.bytes.length)) {
        this.stats.messagesSent++;
        this.stats.bytesSent += waiter.bytes.length;
      } else {
        this.pending.push(waiter.bytes);
      }
      waiter.resolve?.();
    }
  }

  /**
   * Drops the backlog (the peer or this shard stopped): rejects waiting senders with `err`.
   * Requests in the backlog are failed by their owner through its request table.
   */
  fail(err: unknown): void {
    this.pending.clear();
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
    stats.blockedSenders = this.waiters.length;
  }
}
