/**
 * The policy half of a {@link FairQueue}: decides whether the entry the fair queue picked
 * may start now. The fair queue asks `tryAcquire(cost, classInFlight)` before handing an
 * entry out and calls `release(cost)` when its owner reports the entry complete; it never
 * looks inside.
 *
 * {@link InFlightLimiter} (a bound on the cost and number of entries in flight) is the one
 * the I/O queue uses. A rate limiter (Seastar's token bucket) fits the same shape: its
 * `tryAcquire` would take tokens, `release` would do nothing, and its owner would call
 * `FairQueue.dispatch()` again when tokens are replenished.
 *
 * Thread: owned by one fair queue, on one shard's thread.
 */
export interface CapacityLimiter {
  /**
   * True, and the capacity is taken, if an entry of `cost` may be dispatched now; false
   * (nothing taken) otherwise. `classInFlight` is how many entries of the entry's own class
   * are in flight (a limiter may favour a class that has none). The fair queue then stops
   * dispatching until the next `dispatch()` call: it never skips the picked entry for a
   * smaller one.
   */
  tryAcquire(cost: number, classInFlight: number): boolean;
  /** Gives back what `tryAcquire(cost)` took, once the entry completes (success or failure). */
  release(cost: number): void;
}
