import { CharybdisError } from '../errors';
import { ErrorCodes } from './error-codes';

/**
 * Seastar's `gate`: counts in-flight operations of a service so that `stop()` can refuse
 * new ones and wait for the running ones. Each operation does `enter()` … `leave()` (or
 * `hold()` and calls the returned release, or uses `withGate`); `close()` makes further
 * `enter()` calls throw GATE_CLOSED and resolves once the count reaches zero. Long
 * loops can call `check()` between steps to stop early once the owner is closing.
 *
 * Shard-local: a gate belongs to the service instance of one shard.
 */
export class Gate {
  /** Name used in error messages, e.g. `"commitlog"`. */
  readonly name: string;
  #count = 0;
  #closed: Promise<void> | undefined;
  #onDrained: (() => void) | undefined;

  constructor(name = 'gate') {
    this.name = name;
  }

  /** Operations currently inside the gate. */
  get count(): number {
    return this.#count;
  }

  /** True once `close()` has been called. */
  get isClosed(): boolean {
    return this.#closed !== undefined;
  }

  /** Registers one operation. Throws GATE_CLOSED after `close()`. */
  enter(): void {
    this.check();
    this.#count++;
  }

  /** Like `enter()` but returns false instead of throwing when the gate is closed. */
  tryEnter(): boolean {
    if (this.#closed !== undefined) return false;
    this.#count++;
    return true;
  }

  /** Ends one operation. Throws INVALID_STATE when nobody is inside (an unpaired leave). */
  leave(): void {
    if (this.#count === 0) {
      throw new CharybdisError(ErrorCodes.INVALID_STATE, `${this.name}: leave() without a matching enter()`);
    }
    this.#count--;
    if (this.#count === 0 && this.#onDrained !== undefined) {
      const drained = this.#onDrained;
      this.#onDrained = undefined;
      drained();
    }
  }

  /**
   * Enters and returns the matching release; calling the release more than once is a
   * no-op, so it is safe in `finally` blocks and error paths alike.
   */
  hold(): () => void {
    this.enter();
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.leave();
    };
  }

  /** Throws GATE_CLOSED if the gate is closed (Seastar's `gate::check()`). */
  check(): void {
    if (this.#closed !== undefined) {
      throw new CharybdisError(ErrorCodes.GATE_CLOSED, `${this.name} is closed`);
    }
  }

  /**
   * Closes the gate and resolves when every operation inside has left. Calling it again
   * returns the same promise.
   */
  close(): Promise<void> {
    if (this.#closed === undefined) {
      this.#closed = this.#count === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
          this.#onDrained = resolve;
        });
    }
    return this.#closed;
  }
}
