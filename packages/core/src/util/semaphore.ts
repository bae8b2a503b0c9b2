import { CharybdisError } from '../errors';
import { abortedError } from './aborted-error';
import { checkTimeoutMs } from './check-timeout-ms';
import { ErrorCodes } from './error-codes';

/** Default bound on callers waiting on one semaphore (CONVENTIONS: every queue is bounded). */
export const SEMAPHORE_DEFAULT_MAX_WAITERS = 10_000;

/** Options of {@link Semaphore}. */
export interface SemaphoreOptions {
  /** Names the semaphore in error messages, e.g. `"memtable flush permits"`. Default `"semaphore"`. */
  name?: string;
  /**
   * Most callers allowed to wait at once; one more is refused at once with code
   * OVERLOADED. Default {@link SEMAPHORE_DEFAULT_MAX_WAITERS}; 0 means never wait.
   */
  maxWaiters?: number;
}

/** Options of {@link Semaphore.acquire}. */
export interface SemaphoreAcquireOptions {
  /** Give up waiting after this long (code TIMEOUT). Default: wait until granted. */
  timeoutMs?: number;
  /** Give up waiting when this fires (code ABORTED, `cause` = `signal.reason`). */
  signal?: AbortSignal;
}

/**
 * Units held from a {@link Semaphore} (Seastar's `semaphore_units`). `release()` gives back
 * what is still held, so calling it twice is harmless: units can never be returned twice
 * through a handle. `release(n)` gives back part of them.
 */
export interface SemaphoreUnits {
  /** Units still held through this handle. */
  readonly units: number;
  /** Returns `n` units (default: all still held) to the semaphore. */
  release(n?: number): void;
}

/** A queued `acquire`, linked into the semaphore's FIFO; removed on grant, timeout or abort. */
interface Waiter {
  readonly units: number;
  readonly resolve: (held: SemaphoreUnits) => void;
  readonly reject: (err: Error) => void;
  timer: NodeJS.Timeout | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  prev: Waiter | undefined;
  next: Waiter | undefined;
}

class HeldUnits implements SemaphoreUnits {
  readonly #semaphore: Semaphore;
  #units: number;

  constructor(semaphore: Semaphore, units: number) {
    this.#semaphore = semaphore;
    this.#units = units;
  }

  get units(): number {
    return this.#units;
  }

  release(n: number = this.#units): void {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.#units) {
      throw new CharybdisError(
        ErrorCodes.INVALID_ARGUMENT,
        `${this.#semaphore.name}: cannot release ${String(n)} units from a handle holding ${this.#units}`,
      );
    }
    if (n === 0) return;
    this.#units -= n;
    this.#semaphore.release(n);
  }
}

/**
 * A counting semaphore with FIFO fairness, as Seastar's `semaphore`: a waiter is granted
 * only when every earlier waiter has been, so a large request at the head blocks smaller
 * ones behind it instead of starving. Waiting is bounded (`maxWaiters`, then OVERLOADED),
 * can time out (TIMEOUT) or be aborted (ABORTED), and `broken(err)` fails every waiter and
 * every later acquire, which is how an owner stops it. Asking for more units than the
 * semaphore has in total is an immediate INVALID_ARGUMENT rather than a wait forever.
 *
 * Shard-local: one instance belongs to one shard's event loop; it is not shared across
 * workers.
 */
export class Semaphore {
  /** Name used in error messages. */
  readonly name: string;
  /** Total units: the most that can ever be held at once. */
  readonly capacity: number;
  /** Most callers allowed to wait at once. */
  readonly maxWaiters: number;
  #available: number;
  #head: Waiter | undefined;
  #tail: Waiter | undefined;
  #waiters = 0;
  #brokenError: Error | undefined;

  constructor(units: number, options: SemaphoreOptions = {}) {
    this.name = options.name ?? 'semaphore';
    if (!Number.isSafeInteger(units) || units < 1) {
      throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `${this.name}: units must be a positive integer, got ${String(units)}`);
    }
    const maxWaiters = options.maxWaiters ?? SEMAPHORE_DEFAULT_MAX_WAITERS;
    if (!Number.isSafeInteger(maxWaiters) || maxWaiters < 0) {
      throw new CharybdisError(
        ErrorCodes.INVALID_ARGUMENT,
        `${this.name}: maxWaiters must be a non-negative integer, got ${String(maxWaiters)}`,
      );
    }
    this.capacity = units;
    this.maxWaiters = maxWaiters;
    this.#available = units;
  }

  /** Units free right now (some may already be promised to the head waiter's next grant). */
  get available(): number {
    return this.#available;
  }

  /** Callers currently waiting. */
  get waiters(): number {
    return this.#waiters;
  }

  /** The error given to `broken()`, or undefined while the semaphore works. */
  get brokenError(): Error | undefined {
    return this.#brokenError;
  }

  /**
   * Waits for `n` units (default 1) and resolves with a handle that returns them.
   * Granted at once when nobody waits and enough units are free; otherwise queued FIFO.
   * Rejects with TIMEOUT, ABORTED, OVERLOADED (too many waiters), INVALID_ARGUMENT
   * (`n` is not an integer in [0, capacity]) or the semaphore's broken error.
   */
  // async: argument errors become rejections; the grant-at-once path still takes the units
  // synchronously, before the caller's next statement.
  async acquire(n = 1, options: SemaphoreAcquireOptions = {}): Promise<SemaphoreUnits> {
    const { timeoutMs, signal } = options;
    this.#checkRequest(n);
    if (timeoutMs !== undefined) checkTimeoutMs(timeoutMs, this.name, true);
    if (signal?.aborted) throw abortedError(signal, `${this.name}: acquiring ${n} units`);
    if (this.#waiters === 0 && n <= this.#available) {
      this.#available -= n;
      return new HeldUnits(this, n);
    }
    if (this.#waiters >= this.maxWaiters) {
      throw new CharybdisError(ErrorCodes.OVERLOADED, `${this.name}: ${this.#waiters} callers already waiting (maxWaiters ${this.maxWaiters})`);
    }
    return new Promise<SemaphoreUnits>((resolve, reject) => {
      const waiter: Waiter = { units: n, resolve, reject, timer: undefined, signal, onAbort: undefined, prev: undefined, next: undefined };
      this.#enqueue(waiter);
      if (timeoutMs !== undefined && timeoutMs !== Number.POSITIVE_INFINITY) {
        waiter.timer = setTimeout(() => {
          waiter.timer = undefined;
          this.#fail(waiter, new CharybdisError(
            ErrorCodes.TIMEOUT,
            `${this.name}: waiting for ${n} units timed out after ${timeoutMs} ms`,
          ));
        }, timeoutMs);
      }
      if (signal !== undefined) {
        waiter.onAbort = () => {
          waiter.onAbort = undefined;
          this.#fail(waiter, abortedError(signal, `${this.name}: acquiring ${n} units`));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
    });
  }

  /**
   * Takes `n` units (default 1) if that is possible right now without overtaking a waiter;
   * returns the handle, or undefined. Throws INVALID_ARGUMENT for a bad `n` and the broken
   * error once the semaphore is broken.
   */
  tryAcquire(n = 1): SemaphoreUnits | undefined {
    this.#checkRequest(n);
    if (this.#waiters !== 0 || n > this.#available) return undefined;
    this.#available -= n;
    return new HeldUnits(this, n);
  }

  /**
   * Returns `n` units (default 1) and grants waiters from the head of the queue while they
   * fit. Prefer the handle's `release()`; this is for callers that count units themselves.
   * Returning more than is held (available would pass capacity) is INVALID_STATE: it means
   * a double release somewhere.
   */
  release(n = 1): void {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `${this.name}: cannot release ${String(n)} units`);
    }
    if (this.#available + n > this.capacity) {
      throw new CharybdisError(
        ErrorCodes.INVALID_STATE,
        `${this.name}: releasing ${n} units would make ${this.#available + n} available out of ${this.capacity} (double release?)`,
      );
    }
    this.#available += n;
    this.#grantWaiters();
  }

  /**
   * Breaks the semaphore: every waiter and every later `acquire`/`tryAcquire` fails with
   * `err` (default: code SEMAPHORE_BROKEN). Units already held can still be released.
   */
  broken(err?: Error): void {
    const reason = err ?? new CharybdisError(ErrorCodes.SEMAPHORE_BROKEN, `${this.name}: semaphore broken`);
    this.#brokenError = reason;
    while (this.#head !== undefined) this.#fail(this.#head, reason);
  }

  #checkRequest(n: number): void {
    if (this.#brokenError !== undefined) throw this.#brokenError;
    if (!Number.isSafeInteger(n) || n < 0 || n > this.capacity) {
      throw new CharybdisError(
        ErrorCodes.INVALID_ARGUMENT,
        `${this.name}: cannot acquire ${String(n)} units: must be an integer in [0, ${this.capacity}]`,
      );
    }
  }

  #grantWaiters(): void {
    for (let w = this.#head; w !== undefined && w.units <= this.#available; w = this.#head) {
      this.#available -= w.units;
      this.#dequeue(w);
      w.resolve(new HeldUnits(this, w.units));
    }
  }

  /** Removes a waiter that gave up; the ones behind it may now fit, so grant again. */
  #fail(waiter: Waiter, err: Error): void {
    const wasHead = waiter === this.#head;
    this.#dequeue(waiter);
    waiter.reject(err);
    if (wasHead && this.#brokenError === undefined) this.#grantWaiters();
  }

  #enqueue(waiter: Waiter): void {
    waiter.prev = this.#tail;
    if (this.#tail === undefined) this.#head = waiter;
    else this.#tail.next = waiter;
    this.#tail = waiter;
    this.#waiters++;
  }

  /** Unlinks the waiter and drops its timer and abort listener. */
  #dequeue(waiter: Waiter): void {
    if (waiter.prev === undefined) this.#head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === undefined) this.#tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = undefined;
    waiter.next = undefined;
    this.#waiters--;
    if (waiter.timer !== undefined) {
      clearTimeout(waiter.timer);
      waiter.timer = undefined;
    }
    if (waiter.onAbort !== undefined && waiter.signal !== undefined) {
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.onAbort = undefined;
    }
  }
}
