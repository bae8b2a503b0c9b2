import { CharybdisError } from '../../errors';
import type { CapacityLimiter } from './capacity-limiter';
import { IoQueueErrorCode } from './io-queue-errors';

/** Options of {@link InFlightLimiter}. */
export interface InFlightLimiterOptions {
  /** Most total cost in flight (> 0). One entry is always admitted when nothing is in flight. */
  maxCost: number;
  /** Most entries in flight (a positive integer); default unlimited. */
  maxEntries?: number;
  /**
   * Cost (>= 0) by which one entry of a class with nothing in flight may exceed `maxCost`;
   * default 0 (no headroom). See the class comment.
   */
  idleClassHeadroom?: number;
}

/**
 * A window on what is in flight: an entry may start while the total cost in flight plus
 * its own stays within `maxCost` and fewer than `maxEntries` entries are in flight. When
 * nothing is in flight any entry may start, however large, so an entry costlier than the
 * whole window is delayed until the device is idle but never starved.
 *
 * The window is self-clocking: capacity comes back only when entries complete, so if the
 * device slows down, dispatching slows down with it (no rate estimate to go stale).
 *
 * **Headroom for idle classes.** An entry whose class has nothing in flight may also start
 * when the window is full, if its cost fits within `maxCost + idleClassHeadroom` (and the
 * entry count allows it). A busy background class keeps the window full; without the
 * headroom a query read arriving then waits in its queue for one of the background
 * entries to complete and only then enters the device, behind the rest of the window:
 * it pays a completion and the window. With it, the read enters at once and pays the
 * window only. Each class holds at most one such entry, so the device holds at most
 * `maxCost` plus one headroom per class.
 *
 * Thread: owned by one fair queue, on one shard's thread.
 */
export class InFlightLimiter implements CapacityLimiter {
  readonly maxCost: number;
  readonly maxEntries: number;
  readonly idleClassHeadroom: number;
  #inFlightCost = 0;
  #inFlightEntries = 0;

  constructor(options: InFlightLimiterOptions) {
    const { maxCost } = options;
    if (typeof maxCost !== 'number' || !Number.isFinite(maxCost) || maxCost <= 0) {
      throw new CharybdisError(IoQueueErrorCode.invalidOption, `InFlightLimiter: maxCost must be a positive number, got ${String(maxCost)}`);
    }
    const maxEntries = options.maxEntries ?? Number.POSITIVE_INFINITY;
    if (maxEntries !== Number.POSITIVE_INFINITY && !(Number.isSafeInteger(maxEntries) && maxEntries > 0)) {
      throw new CharybdisError(
        IoQueueErrorCode.invalidOption,
        `InFlightLimiter: maxEntries must be a positive integer, got ${String(maxEntries)}`,
      );
    }
    const idleClassHeadroom = options.idleClassHeadroom ?? 0;
    if (typeof idleClassHeadroom !== 'number' || !Number.isFinite(idleClassHeadroom) || idleClassHeadroom < 0) {
      throw new CharybdisError(
        IoQueueErrorCode.invalidOption,
        `InFlightLimiter: idleClassHeadroom must be a number >= 0, got ${String(idleClassHeadroom)}`,
      );
    }
    this.maxCost = maxCost;
    this.maxEntries = maxEntries;
    this.idleClassHeadroom = idleClassHeadroom;
  }

  /** Total cost of the entries in flight. */
  get inFlightCost(): number {
    return this.#inFlightCost;
  }

  /** Number of entries in flight. */
  get inFlightEntries(): number {
    return this.#inFlightEntries;
  }

  tryAcquire(cost: number, classInFlight: number): boolean {
    if (this.#inFlightEntries > 0) {
      if (this.#inFlightEntries >= this.maxEntries) return false;
      const limit = classInFlight === 0 ? this.maxCost + this.idleClassHeadroom : this.maxCost;
      if (this.#inFlightCost + cost > limit) return false;
    }
    this.#inFlightEntries++;
    this.#inFlightCost += cost;
    return true;
  }

  release(cost: number): void {
    if (this.#inFlightEntries === 0) {
      throw new CharybdisError(IoQueueErrorCode.notInFlight, 'InFlightLimiter: release() with nothing in flight');
    }
    this.#inFlightEntries--;
    // Reset exactly at zero so floating-point residue cannot shrink the window over time.
    this.#inFlightCost = this.#inFlightEntries === 0 ? 0 : Math.max(0, this.#inFlightCost - cost);
  }
}
