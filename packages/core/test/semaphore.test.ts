import { hasErrorCode } from '../src/errors';
import { ErrorCodes, Semaphore } from '../src/util';
import type { SemaphoreUnits } from '../src/util';

/** The `code` of what `fn` throws, or undefined if it does not throw. */
function thrownCode(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return (err as { code?: unknown }).code;
  }
  return undefined;
}

/** Observes a promise without awaiting it, so a test can check order and state. */
function track<T>(promise: Promise<T>): { state: 'pending' | 'fulfilled' | 'rejected'; value?: T; error?: unknown } {
  const t: { state: 'pending' | 'fulfilled' | 'rejected'; value?: T; error?: unknown } = { state: 'pending' };
  promise.then(
    (value) => {
      t.state = 'fulfilled';
      t.value = value;
    },
    (error: unknown) => {
      t.state = 'rejected';
      t.error = error;
    },
  );
  return t;
}

/** Lets queued promise callbacks run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('Semaphore', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('grants at once while units are free and counts them', async () => {
    const sem = new Semaphore(3);
    const a = await sem.acquire();
    const b = await sem.acquire(2);
    expect(sem.available).toBe(0);
    expect(a.units).toBe(1);
    expect(b.units).toBe(2);
    const waiting = track(sem.acquire());
    await flush();
    expect(waiting.state).toBe('pending');
    expect(sem.waiters).toBe(1);
    a.release();
    await flush();
    expect(waiting.state).toBe('fulfilled');
    expect(sem.waiters).toBe(0);
    expect(sem.available).toBe(0);
  });

  test('takes the units synchronously on the immediate path', () => {
    const sem = new Semaphore(2);
    void sem.acquire(2);
    expect(sem.available).toBe(0);
    expect(sem.tryAcquire(1)).toBeUndefined();
  });

  test('is FIFO: a large waiter at the head blocks smaller ones behind it', async () => {
    const sem = new Semaphore(10);
    const held = await sem.acquire(8);
    const order: string[] = [];
    const big = sem.acquire(5).then((u) => { order.push('big'); return u; });
    const small = sem.acquire(1).then((u) => { order.push('small'); return u; });
    await flush();
    // 2 units are free, but the head wants 5: the small waiter must not overtake it.
    expect(order).toEqual([]);
    expect(sem.available).toBe(2);
    expect(sem.tryAcquire(1)).toBeUndefined();
    held.release(4); // 6 free: the head (5) fits, then the small one (1)
    await flush();
    expect(order).toEqual(['big', 'small']);
    expect(sem.available).toBe(0);
    (await big).release();
    (await small).release();
    held.release();
    expect(sem.available).toBe(10);
  });

  test('times out with TIMEOUT naming the semaphore, exactly at timeoutMs, and clears its timer', async () => {
    const sem = new Semaphore(1, { name: 'flush permits' });
    const held = await sem.acquire();
    const waiting = track(sem.acquire(1, { timeoutMs: 100 }));
    await jest.advanceTimersByTimeAsync(99);
    expect(waiting.state).toBe('pending');
    await jest.advanceTimersByTimeAsync(1);
    expect(waiting.state).toBe('rejected');
    expect(hasErrorCode(waiting.error, ErrorCodes.TIMEOUT)).toBe(true);
    expect((waiting.error as Error).message).toBe('flush permits: waiting for 1 units timed out after 100 ms');
    expect(sem.waiters).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
    held.release();
    expect(sem.available).toBe(1); // the timed-out waiter took nothing
  });

  test('a granted waiter clears its timeout timer and abort listener', async () => {
    const sem = new Semaphore(1);
    const held = await sem.acquire();
    const controller = new AbortController();
    const waiting = track(sem.acquire(1, { timeoutMs: 1000, signal: controller.signal }));
    expect(jest.getTimerCount()).toBe(1);
    held.release();
    await flush();
    expect(waiting.state).toBe('fulfilled');
    expect(jest.getTimerCount()).toBe(0);
    controller.abort(); // must not reach the granted waiter
    await jest.advanceTimersByTimeAsync(2000);
    expect(waiting.state).toBe('fulfilled');
    expect(sem.available).toBe(0);
  });

  test('when the head gives up, smaller waiters behind it are granted', async () => {
    const sem = new Semaphore(10);
    const held = await sem.acquire(8);
    const big = track(sem.acquire(5, { timeoutMs: 50 }));
    const small = track(sem.acquire(2));
    await flush();
    expect(small.state).toBe('pending');
    await jest.advanceTimersByTimeAsync(50);
    expect(big.state).toBe('rejected');
    expect(small.state).toBe('fulfilled');
    expect(sem.available).toBe(0);
    held.release();
  });

  test('abort rejects with ABORTED carrying signal.reason and frees the slot', async () => {
    const sem = new Semaphore(1);
    const held = await sem.acquire();
    const controller = new AbortController();
    const waiting = track(sem.acquire(1, { signal: controller.signal }));
    const behind = track(sem.acquire(1));
    const reason = new Error('client went away');
    controller.abort(reason);
    await flush();
    expect(waiting.state).toBe('rejected');
    expect(hasErrorCode(waiting.error, ErrorCodes.ABORTED)).toBe(true);
    expect((waiting.error as Error).cause).toBe(reason);
    expect(sem.waiters).toBe(1);
    held.release();
    await flush();
    expect(behind.state).toBe('fulfilled');
  });

  test('an already-aborted signal rejects at once without taking units', async () => {
    const sem = new Semaphore(2);
    const controller = new AbortController();
    controller.abort('stop');
    await expect(sem.acquire(1, { signal: controller.signal })).rejects.toMatchObject({ code: ErrorCodes.ABORTED, cause: 'stop' });
    expect(sem.available).toBe(2);
  });

  test('refuses the waiter past maxWaiters with OVERLOADED at once', async () => {
    const sem = new Semaphore(1, { maxWaiters: 2 });
    const held = await sem.acquire();
    const w1 = track(sem.acquire());
    const w2 = track(sem.acquire());
    await expect(sem.acquire()).rejects.toMatchObject({ code: ErrorCodes.OVERLOADED });
    expect(sem.waiters).toBe(2);
    held.release();
    await flush();
    expect(w1.state).toBe('fulfilled');
    expect(w2.state).toBe('pending');
  });

  test('maxWaiters 0 never queues', async () => {
    const sem = new Semaphore(1, { maxWaiters: 0 });
    const held = await sem.acquire();
    await expect(sem.acquire()).rejects.toMatchObject({ code: ErrorCodes.OVERLOADED });
    held.release();
    await expect(sem.acquire()).resolves.toMatchObject({ units: 1 });
  });

  test('asking for more than the total, or a non-integer, is an immediate INVALID_ARGUMENT', async () => {
    const sem = new Semaphore(4);
    await expect(sem.acquire(5)).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    await expect(sem.acquire(1.5)).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    await expect(sem.acquire(-1)).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    await expect(sem.acquire(1, { timeoutMs: -1 })).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    expect(thrownCode(() => sem.tryAcquire(5))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(sem.waiters).toBe(0);
    expect(sem.available).toBe(4);
    expect(thrownCode(() => new Semaphore(0))).toBe(ErrorCodes.INVALID_ARGUMENT);
  });

  test('broken() fails every waiter and every later acquire', async () => {
    const sem = new Semaphore(1);
    const held = await sem.acquire();
    const w1 = track(sem.acquire());
    const w2 = track(sem.acquire(1, { timeoutMs: 10 }));
    const reason = new Error('shutting down');
    sem.broken(reason);
    await flush();
    expect(w1.error).toBe(reason);
    expect(w2.error).toBe(reason);
    expect(jest.getTimerCount()).toBe(0);
    await expect(sem.acquire()).rejects.toBe(reason);
    expect(() => sem.tryAcquire()).toThrow(reason);
    held.release(); // holders may still return units
    expect(sem.available).toBe(1);
  });

  test('broken() without a reason uses SEMAPHORE_BROKEN', async () => {
    const sem = new Semaphore(1, { name: 'reads' });
    sem.broken();
    await expect(sem.acquire()).rejects.toMatchObject({ code: ErrorCodes.SEMAPHORE_BROKEN, message: 'reads: semaphore broken' });
  });

  test('a handle returns its units once; partial release; over-release is INVALID_STATE', async () => {
    const sem = new Semaphore(5);
    const units: SemaphoreUnits = await sem.acquire(4);
    units.release(1);
    expect(units.units).toBe(3);
    expect(sem.available).toBe(2);
    expect(thrownCode(() => units.release(4))).toBe(ErrorCodes.INVALID_ARGUMENT);
    units.release();
    units.release(); // no-op: nothing left
    expect(sem.available).toBe(5);
    expect(thrownCode(() => sem.release(1))).toBe(ErrorCodes.INVALID_STATE);
  });

  test('tryAcquire and release(n) for callers that count units themselves', () => {
    const sem = new Semaphore(2);
    expect(sem.tryAcquire(2)).toBeDefined();
    expect(sem.tryAcquire(1)).toBeUndefined();
    sem.release(2);
    expect(sem.available).toBe(2);
  });
});
