import { hasErrorCode } from '../src/errors';
import { ErrorCodes, withTimeout } from '../src/util';

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('withTimeout', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('passes the value through and clears its timer', async () => {
    const d = deferred<string>();
    const result = withTimeout(d.promise, 1000, 'read');
    expect(jest.getTimerCount()).toBe(1);
    d.resolve('row');
    await expect(result).resolves.toBe('row');
    expect(jest.getTimerCount()).toBe(0);
  });

  test('passes the rejection through unchanged and clears its timer', async () => {
    const d = deferred<string>();
    const result = withTimeout(d.promise, 1000, 'read');
    const err = new Error('disk on fire');
    d.reject(err);
    await expect(result).rejects.toBe(err);
    expect(jest.getTimerCount()).toBe(0);
  });

  test('rejects with TIMEOUT "<what> timed out after N ms" at exactly N ms', async () => {
    const d = deferred<string>();
    let outcome: unknown = 'pending';
    withTimeout(d.promise, 250, 'write to replica 127.0.0.2').then(
      () => { outcome = 'resolved'; },
      (err: unknown) => { outcome = err; },
    );
    await jest.advanceTimersByTimeAsync(249);
    expect(outcome).toBe('pending');
    await jest.advanceTimersByTimeAsync(1);
    expect(hasErrorCode(outcome, ErrorCodes.TIMEOUT)).toBe(true);
    expect((outcome as Error).message).toBe('write to replica 127.0.0.2 timed out after 250 ms');
    expect(jest.getTimerCount()).toBe(0);
  });

  test('a late rejection of the original promise after the timeout is not unhandled', async () => {
    const d = deferred<string>();
    const result = withTimeout(d.promise, 10, 'op');
    const check = expect(result).rejects.toMatchObject({ code: ErrorCodes.TIMEOUT });
    await jest.advanceTimersByTimeAsync(10);
    await check;
    d.reject(new Error('late failure'));
    // Jest fails the test on an unhandled rejection (checked: an unhandled
    // Promise.reject() here fails it); Node reports those from a macrotask, so let two run.
    jest.useRealTimers();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
  });

  test('Infinity means no timer; invalid timeouts are INVALID_ARGUMENT', async () => {
    const d = deferred<number>();
    const result = withTimeout(d.promise, Number.POSITIVE_INFINITY, 'op');
    expect(jest.getTimerCount()).toBe(0);
    d.resolve(1);
    await expect(result).resolves.toBe(1);
    await expect(withTimeout(Promise.resolve(1), -5, 'op')).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    await expect(withTimeout(Promise.resolve(1), Number.NaN, 'op')).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    await expect(withTimeout(Promise.resolve(1), 2 ** 31, 'op')).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
  });
});
