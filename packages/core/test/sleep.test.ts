import { hasErrorCode } from '../src/errors';
import { ErrorCodes, sleep } from '../src/util';

describe('sleep', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('resolves after exactly ms', async () => {
    let done = false;
    void sleep(100).then(() => { done = true; });
    await jest.advanceTimersByTimeAsync(99);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  test('abort rejects with ABORTED, cause = signal.reason, and clears the timer', async () => {
    const controller = new AbortController();
    let outcome: unknown = 'pending';
    sleep(1000, controller.signal).then(() => { outcome = 'resolved'; }, (err: unknown) => { outcome = err; });
    await jest.advanceTimersByTimeAsync(10);
    expect(jest.getTimerCount()).toBe(1);
    const reason = new Error('stopping');
    controller.abort(reason);
    await jest.advanceTimersByTimeAsync(0);
    expect(hasErrorCode(outcome, ErrorCodes.ABORTED)).toBe(true);
    expect((outcome as Error).cause).toBe(reason);
    expect(jest.getTimerCount()).toBe(0);
  });

  test('options form with signal; an already-aborted signal rejects at once', async () => {
    const controller = new AbortController();
    controller.abort('bye');
    await expect(sleep(10, { signal: controller.signal })).rejects.toMatchObject({ code: ErrorCodes.ABORTED, cause: 'bye' });
    expect(jest.getTimerCount()).toBe(0);
  });

  test('completing removes the abort listener, so a later abort changes nothing', async () => {
    const controller = new AbortController();
    const result = sleep(5, { signal: controller.signal });
    await jest.advanceTimersByTimeAsync(5);
    await expect(result).resolves.toBeUndefined();
    controller.abort();
    await expect(result).resolves.toBeUndefined();
  });

  test('invalid ms is INVALID_ARGUMENT', async () => {
    await expect(sleep(-1)).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    await expect(sleep(Number.POSITIVE_INFINITY)).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
  });
});

describe('sleep with unref (real timers)', () => {
  test('an unref sleep does not keep the process alive, a plain one does', async () => {
    // Observe the handle through setTimeout's return value rather than guessing timing.
    const realSetTimeout = globalThis.setTimeout;
    const handles: NodeJS.Timeout[] = [];
    const spy = jest.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      const handle = realSetTimeout(fn, ms);
      handles.push(handle);
      return handle;
    }));
    try {
      const unrefSleep = sleep(1, { unref: true });
      const refSleep = sleep(1);
      expect(handles).toHaveLength(2);
      expect(handles[0]?.hasRef()).toBe(false);
      expect(handles[1]?.hasRef()).toBe(true);
      await Promise.all([unrefSleep, refSleep]);
    } finally {
      spy.mockRestore();
    }
  });
});
