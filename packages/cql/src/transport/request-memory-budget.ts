import { CharybdisError, ErrorCodes } from '@charybdis/core';

/** Something that waits for room in a `RequestMemoryBudget`: a connection that stopped reading. */
export interface BudgetWaiter {
  /** Called once, when bytes were released after the waiter failed to acquire; retry then. */
  onBudgetAvailable(): void;
}

/**
 * The request bytes all connections of one shard may hold in flight (Cassandra's
 * `native_transport_max_request_data_in_flight`). Shared by the shard's connections,
 * used on its thread only. A connection that cannot acquire stops reading its socket and
 * `wait`s; released bytes wake the waiters in arrival order, each of which retries.
 * One request is always admitted when nothing is held, so a frame larger than the whole
 * budget cannot wedge the shard.
 */
export class RequestMemoryBudget {
  private usedBytes = 0;
  private readonly waiters = new Set<BudgetWaiter>();

  constructor(readonly limitBytes: number) {
    if (!Number.isSafeInteger(limitBytes) || limitBytes <= 0) {
      throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `request memory budget must be a positive byte count, got ${limitBytes}`);
    }
  }

  /** Bytes held now. */
  get used(): number {
    return this.usedBytes;
  }

  /** Connections waiting for room now. */
  get waiting(): number {
    return this.waiters.size;
  }

  /** Takes `bytes` if they fit (or nothing is held); false otherwise. */
  tryAcquire(bytes: number): boolean {
    if (this.usedBytes > 0 && this.usedBytes + bytes > this.limitBytes) return false;
    this.usedBytes += bytes;
    return true;
  }

  /** Gives `bytes` back and wakes the waiters. */
  release(bytes: number): void {
    this.usedBytes -= bytes;
    if (this.waiters.size === 0) return;
    // Snapshot: a woken waiter that fails again re-adds itself for the next release.
    const woken = [...this.waiters];
    this.waiters.clear();
    for (const w of woken) w.onBudgetAvailable();
  }

  /** Registers `waiter` to be called at the next release. */
  wait(waiter: BudgetWaiter): void {
    this.waiters.add(waiter);
  }

  /** Forgets `waiter` (its connection closed). */
  cancelWait(waiter: BudgetWaiter): void {
    this.waiters.delete(waiter);
  }
}
