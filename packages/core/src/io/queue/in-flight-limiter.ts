import { CharybdisError } from '../../errors';
import type { CapacityLimiter } from './capacity-limiter';
import { IoQueueErrorCode } from './io-queue-errors';

/** Options of {@link InFlightLimiter}. */
export interface InFlightLimiterOptions {
  /** Most total cost in flight (> 0). One entry is always admitted when nothing is in flight. */
  maxCost: number;
  /** Most entries in flight (a positive integer); default unlimited. */
  maxEntries?: number;
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
 * Thread: owned by one fair queue, on one shard's thread.
 */
export class InFlightLimiter implements CapacityLimiter {
  readonly maxCost: number;
  readonly maxEntries: number;
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
    this.maxCost = maxCost;
    this.maxEntries = maxEntries;
  }

  /** Total cost of the entries in flight. */
  get inFlightCost(): number {
    return this.#inFlightCost;
  }

  /** Number of entries in flight. */
  get inFlightEntries(): number {
    return this.#inFlightEntries;
  }

  tryAcquire(cost: number): boolean {
    if (this.#inFlightEntries > 0) {
      if (this.#inFlightEntries >= this.maxEntries || this.#inFlightCost + cost > this.maxCost) return false;
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
