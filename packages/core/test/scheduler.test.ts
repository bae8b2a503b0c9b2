import { CpuScheduler, SchedErrorCode } from '../src/scheduler';
import type { CpuSchedulerOptions, SchedulingGroup } from '../src/scheduler';
import { LatencyHistogram } from '../src/scheduler/latency-histogram';

// Deterministic harness: time only moves when a test task calls clock.advance(), and the
// scheduler's "yield to the event loop" only comes back when the test calls loop.turn().
// settle() waits for one real setImmediate, i.e. until every microtask and nextTick the
// slice caused has run (ordering, not timing).

class FakeClock {
  nowMs = 0;
  readonly now = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

class FakeEventLoop {
  private readonly pending: Array<() => void> = [];
  readonly yieldToEventLoop = (resume: () => void): void => {
    this.pending.push(resume);
  };

  /** Turns the scheduler asked for and has not been given yet. */
  get parked(): number {
    return this.pending.length;
  }

  /** One event-loop turn: the scheduler's next slice runs to its end. */
  async turn(): Promise<boolean> {
    const resume = this.pending.shift();
    if (resume === undefined) return false;
    resume();
    await settle();
    return true;
  }

  async runUntilIdle(maxTurns = 100_000): Promise<number> {
    let turns = 0;
    while (await this.turn()) {
      if (++turns > maxTurns) throw new Error('scheduler never went idle');
    }
    return turns;
  }

  async turns(n: number): Promise<void> {
    for (let i = 0; i < n; i++) await this.turn();
  }
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return 'nothing thrown';
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function setup(options: Partial<CpuSchedulerOptions> = {}) {
  const clock = new FakeClock();
  const loop = new FakeEventLoop();
  const logger = { warn: jest.fn() };
  const scheduler = new CpuScheduler({ logger, clock, yieldToEventLoop: loop.yieldToEventLoop, ...options });
  return { clock, loop, logger, scheduler };
}

/** Queues `count` tasks that each burn `costMs` of fake CPU and log the group's name. */
function queueWork(group: SchedulingGroup, clock: FakeClock, count: number, costMs: number, log?: string[]): Array<Promise<void>> {
  const out: Array<Promise<void>> = [];
  for (let i = 0; i < count; i++) {
    out.push(
      group.run(() => {
        clock.advance(costMs);
        log?.push(group.name);
      }),
    );
  }
  return out;
}

/** Swallows the SCHED_STOPPED rejections of tasks cut off by stop({abortQueued}). */
function ignoreStopped(promises: Array<Promise<unknown>>): void {
  for (const p of promises) p.catch((err: unknown) => expect(err).toMatchObject({ code: SchedErrorCode.stopped }));
}

describe('CpuScheduler: picking and shares', () => {
  test('runs the group with the least vruntime first', async () => {
    const { clock, loop, scheduler } = setup();
    const order: string[] = [];
    const a = scheduler.createGroup('a', 1000);
    const b = scheduler.createGroup('b', 500);
    void queueWork(a, clock, 6, 1, order);
    void queueWork(b, clock, 3, 1, order);
    await loop.runUntilIdle();
    // a's vruntime grows 1 per task, b's 2 per task; ties go to the group created first.
    expect(order).toEqual(['a', 'b', 'a', 'a', 'b', 'a', 'a', 'b', 'a']);
    expect(a.stats()).toMatchObject({ runtimeMs: 6, vruntime: 6, tasksRun: 6, queueLength: 0 });
    expect(b.stats()).toMatchObject({ runtimeMs: 3, vruntime: 6, tasksRun: 3 });
  });

  test('honours a 1000:250 share ratio over many tasks, and share changes at run time', async () => {
    const { clock, loop, scheduler } = setup();
    const hi = scheduler.createGroup('hi', 1000);
    const lo = scheduler.createGroup('lo', 250);
    // 0.125 ms is exact in binary floating point: 4 tasks per 0.5 ms quota.
    const pending = [...queueWork(hi, clock, 3000, 0.125), ...queueWork(lo, clock, 3000, 0.125)];
    ignoreStopped(pending);
    await loop.turns(200); // 800 tasks
    const first = { hi: hi.stats().runtimeMs, lo: lo.stats().runtimeMs };
    expect(first.hi + first.lo).toBeCloseTo(100, 6);
    expect(first.hi / first.lo).toBeGreaterThan(3.9);
    expect(first.hi / first.lo).toBeLessThan(4.1);

    lo.setShares(1000);
    await loop.turns(200);
    const hiDelta = hi.stats().runtimeMs - first.hi;
    const loDelta = lo.stats().runtimeMs - first.lo;
    expect(hiDelta / loDelta).toBeGreaterThan(0.95);
    expect(hiDelta / loDelta).toBeLessThan(1.05);
    expect(lo.shares).toBe(1000);
    await scheduler.stop({ abortQueued: true });
  });

  test('validates shares and options', () => {
    const { scheduler } = setup();
    const g = scheduler.createGroup('g', 100);
    for (const bad of [0, 1001, NaN, Infinity, -5]) {
      expect(thrownBy(() => g.setShares(bad))).toMatchObject({ code: SchedErrorCode.invalidShares });
      expect(thrownBy(() => scheduler.createGroup(`x${bad}`, bad))).toMatchObject({ code: SchedErrorCode.invalidShares });
    }
    expect(g.shares).toBe(100);
    g.setShares(1);
    g.setShares(1000);
    expect(thrownBy(() => scheduler.createGroup('g', 100))).toMatchObject({ code: SchedErrorCode.duplicateGroup });
    expect(thrownBy(() => scheduler.createGroup('', 100))).toMatchObject({ code: SchedErrorCode.invalidOption });
    expect(thrownBy(() => scheduler.createGroup('q', 100, { maxQueueLength: 0 }))).toMatchObject({ code: SchedErrorCode.invalidOption });
    expect(thrownBy(() => setup({ taskQuotaMs: 0 }))).toMatchObject({ code: SchedErrorCode.invalidOption });
    expect(scheduler.group('g')).toBe(g);
    expect(scheduler.group('nope')).toBeUndefined();
  });

  test('clamps the vruntime of a group that becomes active after being idle', async () => {
    const { clock, loop, scheduler } = setup();
    const order: string[] = [];
    const busy = scheduler.createGroup('busy', 1000);
    const sleeper = scheduler.createGroup('sleeper', 1000);
    ignoreStopped(queueWork(busy, clock, 100, 1, order));
    await loop.turns(50); // 1 ms tasks exceed the quota: one task per turn
    expect(busy.stats().vruntime).toBe(50);
    expect(sleeper.stats().vruntime).toBe(0);

    order.length = 0;
    ignoreStopped(queueWork(sleeper, clock, 5, 1, order));
    // Raised to the minimum vruntime minus one quota, not left 50 ms behind.
    expect(sleeper.stats().vruntime).toBe(49.5);
    await loop.turns(6);
    expect(order).toEqual(['sleeper', 'busy', 'sleeper', 'busy', 'sleeper', 'busy']);
    await scheduler.stop({ abortQueued: true });
  });
});

describe('CpuScheduler: quota and yielding', () => {
  test('runs nothing synchronously, and yields to the event loop when the quota is used', async () => {
    const { clock, loop, scheduler } = setup({ taskQuotaMs: 0.5 });
    const g = scheduler.createGroup('g', 100);
    const done: number[] = [];
    for (let i = 0; i < 10; i++) {
      void g.run(() => {
        clock.advance(0.2);
        done.push(i);
      });
    }
    expect(done).toEqual([]);
    expect(loop.parked).toBe(1); // one turn requested, however many tasks are queued
    await loop.turn();
    expect(done).toEqual([0, 1, 2]); // 0.2 + 0.2 + 0.2 ≥ 0.5: the loop stops there
    expect(loop.parked).toBe(1);
    expect(g.stats().queueLength).toBe(7);
    await loop.runUntilIdle();
    expect(done).toHaveLength(10);
    expect(loop.parked).toBe(0); // idle: no pending turn, no timer
    expect(scheduler.stats()).toMatchObject({ slices: 4, segments: 10 });
  });

  test('yield() is a microtask while the quota lasts and re-queues the task once it is used', async () => {
    const { clock, loop, scheduler } = setup({ taskQuotaMs: 0.5 });
    const a = scheduler.createGroup('a', 1000);
    const b = scheduler.createGroup('b', 1000);
    const events: string[] = [];
    const long = a.run(async () => {
      for (let i = 0; i < 6; i++) {
        clock.advance(0.2);
        events.push(`a${i}`);
        await a.yield();
      }
    });
    void b.run(() => {
      clock.advance(0.2);
      events.push('b');
    });
    await loop.turn();
    // a0, a1 fit in the quota (no real yield); after a2 the quota is used and b runs next.
    expect(events).toEqual(['a0', 'a1', 'a2']);
    expect(scheduler.stats().segments).toBe(1);
    expect(a.stats().yields).toBe(1);
    expect(a.stats().runtimeMs).toBeCloseTo(0.6, 9);
    await loop.runUntilIdle();
    await long;
    expect(events).toEqual(['a0', 'a1', 'a2', 'b', 'a3', 'a4', 'a5']);
    expect(a.stats().yields).toBe(2);
    expect(a.stats().runtimeMs).toBeCloseTo(1.2, 9);
  });

  test('shouldYield() and scheduler.maybeYield() follow the running segment', async () => {
    const { clock, loop, scheduler } = setup({ taskQuotaMs: 0.5 });
    const g = scheduler.createGroup('g', 100);
    const other = scheduler.createGroup('other', 100);
    const seen: boolean[] = [];
    const task = g.run(async () => {
      seen.push(g.shouldYield(), other.shouldYield());
      clock.advance(0.6);
      seen.push(g.shouldYield());
      await scheduler.maybeYield(); // g's yield: quota used, so a real one
    });
    await loop.turn();
    expect(seen).toEqual([false, true, true]);
    expect(g.stats().yields).toBe(1);
    await loop.runUntilIdle();
    await task;
    // Outside any segment there is no group to re-enter: counted, resolved at once.
    await scheduler.maybeYield();
    expect(scheduler.stats().unscopedYields).toBe(1);
    expect(g.shouldYield()).toBe(true);
  });

  test('charges a segment until the task awaits something outside; yield() brings it back', async () => {
    const { clock, loop, scheduler } = setup({ taskQuotaMs: 5 });
    const g = scheduler.createGroup('g', 100);
    let ioDone!: () => void;
    const io = new Promise<void>((resolve) => (ioDone = resolve));
    const resumed: string[] = [];
    const task = g.run(async () => {
      clock.advance(1); // sync part
      await Promise.resolve();
      await (async () => {
        await Promise.resolve();
        clock.advance(1); // continuations within the same drain: still this segment
      })();
      await io; // "I/O": the continuation after it runs outside the scheduler
      clock.advance(5); // not accounted: nobody could have stopped it
      resumed.push('after-io');
      await g.yield(); // outside the segment: always re-queues
      clock.advance(1);
      resumed.push('resumed');
    });
    await loop.turn();
    expect(g.stats().runtimeMs).toBe(2);
    expect(loop.parked).toBe(0);
    ioDone();
    await settle();
    expect(resumed).toEqual(['after-io']);
    expect(loop.parked).toBe(1);
    await loop.runUntilIdle();
    await task;
    expect(resumed).toEqual(['after-io', 'resumed']);
    expect(g.stats()).toMatchObject({ runtimeMs: 3, yields: 1, tasksRun: 1 });
  });

  test('records waiting time from enqueue to start', async () => {
    const { clock, loop, scheduler } = setup();
    const g = scheduler.createGroup('g', 100);
    void g.run(() => clock.advance(0.1));
    clock.advance(3); // the event loop was busy elsewhere for 3 ms
    void g.run(() => undefined);
    await loop.runUntilIdle();
    const s = g.stats();
    expect(s.waitCount).toBe(2);
    expect(s.waitMsMax).toBe(3); // the first task waited for the turn
    expect(s.waitMsTotal).toBeCloseTo(3.1, 9); // the second one for the first task
    expect(s.waitMsP99).toBe(3);
    expect(s.waitMsP50).toBeGreaterThanOrEqual(0.1);
    expect(s.waitMsP50).toBeLessThanOrEqual(0.1 * 1.125);
  });
});

describe('CpuScheduler: failures, bounds, stalls', () => {
  test('an error thrown by a task rejects its promise and the scheduler continues', async () => {
    const { loop, scheduler } = setup();
    const g = scheduler.createGroup('g', 100);
    const sync = g.run(() => {
      throw new Error('sync boom');
    });
    const asyncFail = g.run(async () => {
      await Promise.resolve();
      throw new Error('async boom');
    });
    const afterYield = g.run(async () => {
      await scheduler.maybeYield();
      throw new Error('late boom');
    });
    const ok = g.run(() => 42);
    const okAsync = g.run(async () => {
      await Promise.resolve();
      return 'fine';
    });
    const outcomes = Promise.allSettled([sync, asyncFail, afterYield, ok, okAsync]);
    await loop.runUntilIdle();
    expect((await outcomes).map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([
      'sync boom',
      'async boom',
      'late boom',
      42,
      'fine',
    ]);
    expect(g.stats().tasksRun).toBe(5);
  });

  test('a full run queue rejects with SCHED_QUEUE_FULL', async () => {
    const { loop, scheduler } = setup({ maxQueueLength: 1000 });
    const g = scheduler.createGroup('g', 100, { maxQueueLength: 2 });
    const roomy = scheduler.createGroup('roomy', 100);
    const accepted = [g.run(() => 1), g.run(() => 2)];
    await expect(g.run(() => 3)).rejects.toMatchObject({ code: SchedErrorCode.queueFull });
    expect(g.stats()).toMatchObject({ queueLength: 2, maxQueueLength: 2, tasksRejected: 1 });
    expect(roomy.stats().maxQueueLength).toBe(1000);
    await loop.runUntilIdle();
    await expect(Promise.all(accepted)).resolves.toEqual([1, 2]);
    const again = g.run(() => 4); // room again once drained
    await loop.runUntilIdle();
    await expect(again).resolves.toBe(4);
  });

  test('the stall detector logs the group (rate-limited) and counts every stall', async () => {
    const { clock, loop, logger, scheduler } = setup({ stallThresholdMs: 20, stallLogIntervalMs: 1000 });
    const compaction = scheduler.createGroup('compaction', 200);
    const statement = scheduler.createGroup('statement', 1000);
    void compaction.run(() => clock.advance(5)); // under the threshold
    void compaction.run(() => clock.advance(30));
    void compaction.run(() => clock.advance(40));
    await loop.runUntilIdle();
    expect(compaction.stats()).toMatchObject({ stalls: 2, segmentMsMax: 40 });
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ group: 'compaction', durationMs: 30, thresholdMs: 20 }),
      expect.stringContaining('compaction'),
    );

    void statement.run(() => clock.advance(25)); // another group logs on its own budget
    clock.advance(1000);
    void compaction.run(() => clock.advance(50));
    await loop.runUntilIdle();
    expect(logger.warn).toHaveBeenCalledTimes(3);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ group: 'statement', durationMs: 25 }), expect.any(String));
    expect(logger.warn).toHaveBeenLastCalledWith(
      expect.objectContaining({ group: 'compaction', durationMs: 50, stalls: 3, notLogged: 1 }),
      expect.any(String),
    );
    expect(statement.stats().stalls).toBe(1);
  });
});

describe('CpuScheduler: stop and bypass', () => {
  test('stop() drains queued work, rejects new tasks, then resolves', async () => {
    const { clock, loop, scheduler } = setup();
    const g = scheduler.createGroup('g', 100);
    const queued = queueWork(g, clock, 3, 1);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await expect(g.run(() => 1)).rejects.toMatchObject({ code: SchedErrorCode.stopped });
    await settle();
    expect(stopped).toBe(false);
    await loop.runUntilIdle();
    await stopping;
    await expect(Promise.all(queued)).resolves.toHaveLength(3);
    await expect(g.yield()).rejects.toMatchObject({ code: SchedErrorCode.stopped });
    expect(scheduler.stop()).toBe(scheduler.stop()); // idempotent
  });

  test('stop({ abortQueued }) rejects queued and yielded tasks without needing a turn', async () => {
    const { clock, loop, scheduler } = setup();
    const g = scheduler.createGroup('g', 100);
    let iterations = 0;
    const forever = g.run(async () => {
      for (;;) {
        clock.advance(1);
        iterations++;
        await g.yield();
      }
    });
    await loop.turns(3);
    const queued = queueWork(g, clock, 2, 1);
    expect(loop.parked).toBe(1);
    await scheduler.stop({ abortQueued: true }); // resolves although the loop never turns again
    await expect(forever).rejects.toMatchObject({ code: SchedErrorCode.stopped });
    for (const p of queued) await expect(p).rejects.toMatchObject({ code: SchedErrorCode.stopped });
    expect(iterations).toBe(3);
    await loop.runUntilIdle(); // the turn still pending finds nothing to do
    expect(iterations).toBe(3);
  });

  test('stop() on an idle scheduler resolves at once', async () => {
    const { scheduler } = setup();
    scheduler.createGroup('g', 100);
    await expect(scheduler.stop()).resolves.toBeUndefined();
  });

  test('bypass runs tasks at once in FIFO order with no quota, still measuring them', async () => {
    const { clock, loop, scheduler } = setup({ bypass: true, stallThresholdMs: 20 });
    const g = scheduler.createGroup('g', 100);
    const order: number[] = [];
    const results = [1, 2, 3].map((i) =>
      g.run(() => {
        clock.advance(i === 2 ? 30 : 1);
        order.push(i);
        return i;
      }),
    );
    expect(order).toEqual([1, 2, 3]);
    clock.advance(1);
    expect(g.shouldYield()).toBe(false);
    await g.yield();
    expect(loop.parked).toBe(0);
    await expect(Promise.all(results)).resolves.toEqual([1, 2, 3]);
    await expect(g.run(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(
      g.run(() => {
        throw new Error('y');
      }),
    ).rejects.toThrow('y');
    expect(g.stats()).toMatchObject({ tasksRun: 5, runtimeMs: 32, stalls: 1, queueLength: 0 });
    expect(scheduler.stats().bypass).toBe(true);
  });
});

describe('LatencyHistogram', () => {
  test('percentiles are within 12.5% above the true value, with exact max and total', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i / 10); // 0.1 .. 100 ms
    expect(h.count).toBe(1000);
    expect(h.max).toBe(100);
    expect(h.totalMs).toBeCloseTo(50050, 6);
    for (const [q, exact] of [[0.5, 50], [0.99, 99], [0.999, 99.9]] as const) {
      expect(h.quantileMs(q)).toBeGreaterThanOrEqual(exact);
      expect(h.quantileMs(q)).toBeLessThanOrEqual(exact * 1.125);
    }
    expect(h.quantileMs(1)).toBe(100);
    h.record(-1);
    h.record(1e12); // clamped into the last bucket, max still exact
    expect(h.max).toBe(1e12);
    expect(new LatencyHistogram().quantileMs(0.5)).toBe(0);
  });
});
