import { hasErrorCode } from '../src/errors';
import { ErrorCodes, parallelForEach } from '../src/util';

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** A controllable fn: every call waits until the test finishes it. */
function controlled<T>(): {
  fn: (item: T, index: number) => Promise<void>;
  started: Array<{ item: T; index: number }>;
  inFlight: () => number;
  inFlightItems: () => T[];
  maxInFlight: () => number;
  finish: (item: T, error?: Error) => void;
} {
  const started: Array<{ item: T; index: number }> = [];
  const pending = new Map<T, { resolve: () => void; reject: (e: Error) => void }>();
  let max = 0;
  return {
    started,
    fn: (item, index) => new Promise<void>((resolve, reject) => {
      started.push({ item, index });
      pending.set(item, { resolve, reject });
      max = Math.max(max, pending.size);
    }),
    inFlight: () => pending.size,
    inFlightItems: () => [...pending.keys()],
    maxInFlight: () => max,
    finish: (item, error) => {
      const p = pending.get(item);
      if (p === undefined) throw new Error(`item ${String(item)} is not in flight`);
      pending.delete(item);
      if (error === undefined) p.resolve();
      else p.reject(error);
    },
  };
}

function track(promise: Promise<unknown>): { state: string; error?: unknown } {
  const t: { state: string; error?: unknown } = { state: 'pending' };
  promise.then(() => { t.state = 'fulfilled'; }, (error: unknown) => { t.state = 'rejected'; t.error = error; });
  return t;
}

describe('parallelForEach', () => {
  test('keeps at most `concurrency` calls in flight and processes every item once, with its index', async () => {
    const c = controlled<number>();
    const items = Array.from({ length: 10 }, (_, i) => i * 10);
    const run = track(parallelForEach(items, 3, c.fn));
    await flush();
    expect(c.inFlight()).toBe(3);
    // Finish the newest call first (out of order); each freed slot starts the next item.
    while (c.inFlight() > 0) {
      const running = c.inFlightItems();
      c.finish(running[running.length - 1] as number);
      await flush();
      expect(c.inFlight()).toBeLessThanOrEqual(3);
    }
    expect(run.state).toBe('fulfilled');
    expect(c.maxInFlight()).toBe(3);
    expect(c.started.map((s) => s.item).sort((a, b) => a - b)).toEqual(items);
    expect(c.started.map((s) => s.index).sort((a, b) => a - b)).toEqual(items.map((_, i) => i));
    for (const s of c.started) expect(s.item).toBe(items[s.index]);
  });

  test('pulls lazily from an async iterable, so an endless source is fine', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<number> {
      for (;;) {
        await Promise.resolve();
        yield pulled++;
      }
    }
    const controller = new AbortController();
    const c = controlled<number>();
    const run = track(parallelForEach(endless(), 2, c.fn, { signal: controller.signal }));
    await flush();
    expect(c.inFlight()).toBe(2);
    expect(pulled).toBeLessThanOrEqual(3);
    c.finish(0);
    await flush();
    expect(c.started.map((s) => s.item)).toEqual([0, 1, 2]);
    controller.abort(new Error('enough'));
    await flush();
    expect(run.state).toBe('pending'); // items 1 and 2 are still running
    c.finish(1);
    c.finish(2);
    await flush();
    expect(run.state).toBe('rejected');
    expect(hasErrorCode(run.error, ErrorCodes.ABORTED)).toBe(true);
    expect((run.error as Error).cause).toEqual(new Error('enough'));
    expect(c.started).toHaveLength(3); // nothing started after the abort
  });

  test('on the first error: starts nothing new, waits for in-flight calls, closes the iterator, rejects with that error', async () => {
    let closed = false;
    function* source(): Generator<string> {
      try {
        for (const s of ['a', 'b', 'c', 'd', 'e']) yield s;
      } finally {
        closed = true;
      }
    }
    const c = controlled<string>();
    const run = track(parallelForEach(source(), 2, c.fn));
    await flush();
    expect(c.started.map((s) => s.item)).toEqual(['a', 'b']);
    const first = new Error('first');
    c.finish('a', first);
    await flush();
    expect(c.started.map((s) => s.item)).toEqual(['a', 'b']);
    expect(run.state).toBe('pending'); // 'b' still in flight
    c.finish('b', new Error('second, dropped'));
    await flush();
    expect(run.state).toBe('rejected');
    expect(run.error).toBe(first);
    expect(closed).toBe(true);
  });

  test('an error thrown by the iterator rejects the call', async () => {
    const boom = new Error('bad source');
    function* source(): Generator<number> {
      yield 1;
      throw boom;
    }
    const seen: number[] = [];
    await expect(parallelForEach(source(), 4, (n) => { seen.push(n); })).rejects.toBe(boom);
    expect(seen).toEqual([1]);
  });

  test('sync fn, sync throw, empty input', async () => {
    const seen: number[] = [];
    await parallelForEach(new Set([1, 2, 3]), 2, (n) => { seen.push(n); });
    expect(seen).toEqual([1, 2, 3]);
    await expect(parallelForEach([], 3, () => { throw new Error('never'); })).resolves.toBeUndefined();
    const boom = new Error('sync');
    await expect(parallelForEach([1, 2], 1, () => { throw boom; })).rejects.toBe(boom);
  });

  test('an already-aborted signal rejects at once without calling fn', async () => {
    const controller = new AbortController();
    controller.abort('stop');
    const fn = jest.fn();
    await expect(parallelForEach([1, 2], 2, fn, { signal: controller.signal })).rejects.toMatchObject({
      code: ErrorCodes.ABORTED,
      cause: 'stop',
    });
    expect(fn).not.toHaveBeenCalled();
  });

  test('concurrency must be a positive integer', async () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(parallelForEach([1], bad, () => undefined)).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    }
  });
});
