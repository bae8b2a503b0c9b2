import { CharybdisError } from '../errors';
import { abortedError } from './aborted-error';
import { ErrorCodes } from './error-codes';

/** Options of {@link parallelForEach}. */
export interface ParallelForEachOptions {
  /** Stops starting new items when it fires; the call then rejects with code ABORTED. */
  signal?: AbortSignal;
}

/**
 * Calls `fn(item, index)` for every item of `items` (an iterable or async iterable) with
 * at most `concurrency` calls in flight, pulling items lazily so an unbounded source is
 * fine. Resolves when every call has settled.
 *
 * On the first error (from `fn` or from the iterator) or when `signal` fires, no new
 * item is started; the calls already in flight are awaited (nothing is left running
 * after the promise settles), the iterator is closed (`return()`, so a generator's
 * `finally` runs), and the promise rejects with that first error, or ABORTED with
 * `cause` = `signal.reason`. Errors from calls that fail after the first are dropped:
 * the caller learns the first cause, not a list. A `next()` already pending on an async
 * source counts as in flight: abort cannot settle the call before that pull returns.
 */
export function parallelForEach<T>(
  items: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  fn: (item: T, index: number) => unknown,
  options: ParallelForEachOptions = {},
): Promise<void> {
  const { signal } = options;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    return Promise.reject(new CharybdisError(
      ErrorCodes.INVALID_ARGUMENT,
      `parallelForEach: concurrency must be a positive integer, got ${String(concurrency)}`,
    ));
  }
  if (signal?.aborted) return Promise.reject(abortedError(signal, 'parallelForEach'));
  return new ParallelRun<T>(items, concurrency, fn, signal).run();
}

/** One parallelForEach call: the shared iterator, worker count and first failure. */
class ParallelRun<T> {
  readonly #iterator: Iterator<T> | AsyncIterator<T>;
  readonly #concurrency: number;
  readonly #fn: (item: T, index: number) => unknown;
  readonly #signal: AbortSignal | undefined;
  #workers = 0;
  #nextIndex = 0;
  #exhausted = false;
  #iteratorFinished = false;
  #failure: { error: unknown } | undefined;
  /** Serializes `next()` calls: several workers share one (possibly async) iterator. */
  #pullChain: Promise<unknown> = Promise.resolve();
  #finish: (() => void) | undefined;

  constructor(items: Iterable<T> | AsyncIterable<T>, concurrency: number, fn: (item: T, index: number) => unknown, signal: AbortSignal | undefined) {
    this.#iterator = Symbol.asyncIterator in items
      ? (items)[Symbol.asyncIterator]()
      : (items)[Symbol.iterator]();
    this.#concurrency = concurrency;
    this.#fn = fn;
    this.#signal = signal;
  }

  async run(): Promise<void> {
    const signal = this.#signal;
    const onAbort = (): void => {
      if (signal !== undefined) this.#fail(abortedError(signal, 'parallelForEach'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const allDone = new Promise<void>((resolve) => {
        this.#finish = resolve;
      });
      this.#spawnWorker();
      await allDone;
      if (!this.#iteratorFinished && this.#iterator.return !== undefined) {
        try {
          await this.#iterator.return();
        } catch (err) {
          this.#fail(err);
        }
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (this.#failure !== undefined) throw this.#failure.error;
  }

  #fail(error: unknown): void {
    this.#failure ??= { error };
  }

  get #stopped(): boolean {
    return this.#failure !== undefined || this.#exhausted;
  }

  #spawnWorker(): void {
    this.#workers++;
    void this.#work().finally(() => {
      this.#workers--;
      if (this.#workers === 0) this.#finish?.();
    });
  }

  /**
   * A worker pulls and processes items one at a time. Workers are spawned lazily (one more
   * each time a worker gets an item, up to `concurrency`), so a short input never creates
   * more workers than it has items. Never rejects: errors go to `#fail`.
   */
  async #work(): Promise<void> {
    while (!this.#stopped) {
      let result: IteratorResult<T>;
      try {
        result = await this.#pull();
      } catch (err) {
        // An iterator whose next() threw is finished (iteration protocol): no return().
        this.#iteratorFinished = true;
        this.#fail(err);
        return;
      }
      if (result.done === true) {
        this.#exhausted = true;
        this.#iteratorFinished = true;
        return;
      }
      // An item pulled after a failure is not started: the failure means "start no more".
      if (this.#failure !== undefined) return;
      const index = this.#nextIndex++;
      if (this.#workers < this.#concurrency) this.#spawnWorker();
      try {
        await this.#fn(result.value, index);
      } catch (err) {
        this.#fail(err);
      }
    }
  }

  #pull(): Promise<IteratorResult<T>> {
    const next = this.#pullChain.then(() => (this.#exhausted ? { done: true as const, value: undefined } : this.#iterator.next()));
    // The chain only orders the calls; each caller gets (and handles) its own result.
    this.#pullChain = next.then(noop, noop);
    return next;
  }
}

function noop(): void {}
