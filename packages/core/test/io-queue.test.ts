import { hasErrorCode } from '../src/errors';
import { IoClassName, IoQueue, IoQueueErrorCode } from '../src/io/queue';
import type { IoDiskProperties, IoQueueOptions, IoQueueRequest } from '../src/io/queue';
import { MetricsRegistry } from '../src/metrics';
import type { CounterFamilySnapshot, GaugeFamilySnapshot, HistogramFamilySnapshot } from '../src/metrics';

// Deterministic harness. Time moves only when a test calls clock.advance(). The "device"
// is a test double: each dispatched request waits in `device.inDevice` until the test
// completes or fails it. settle() waits for one real setImmediate, i.e. until every
// promise callback and queued dispatch pass has run (ordering, not timing).

class FakeClock {
  nowMs = 0;
  readonly now = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

interface DeviceRequest {
  readonly id: number;
  readonly className: string;
  readonly request: IoQueueRequest;
  readonly costUs: number;
  complete(): void;
  fail(err: Error): void;
}

/** A disk whose requests finish only when the test says so; records what it sees. */
class FakeDevice {
  readonly inDevice: DeviceRequest[] = [];
  /** Every request in the order the queue dispatched it. */
  readonly log: DeviceRequest[] = [];
  maxInFlightCostUs = 0;
  maxInFlightRequests = 0;
  #nextId = 0;

  constructor(private readonly queue: IoQueue) {}

  /** Submits a request whose dispatch enters this device; the promise resolves to its id. */
  submit(className: string, request: IoQueueRequest): Promise<number> {
    const id = this.#nextId++;
    return this.queue.submit(className, request, () => new Promise<number>((resolve, reject) => {
      const entry: DeviceRequest = {
        id,
        className,
        request,
        costUs: this.queue.costUs(request),
        complete: () => {
          this.#remove(entry);
          resolve(id);
        },
        fail: (err) => {
          this.#remove(entry);
          reject(err);
        },
      };
      this.inDevice.push(entry);
      this.log.push(entry);
      const cost = this.inFlightCostUs();
      if (cost > this.maxInFlightCostUs) this.maxInFlightCostUs = cost;
      if (this.inDevice.length > this.maxInFlightRequests) this.maxInFlightRequests = this.inDevice.length;
    }));
  }

  inFlightCostUs(): number {
    return this.inDevice.reduce((sum, r) => sum + r.costUs, 0);
  }

  /** Completes the oldest request in the device (a FIFO device). */
  completeOldest(): DeviceRequest {
    const oldest = this.inDevice[0];
    if (oldest === undefined) throw new Error('nothing in the device');
    oldest.complete();
    return oldest;
  }

  #remove(entry: DeviceRequest): void {
    const i = this.inDevice.indexOf(entry);
    if (i < 0) throw new Error(`request ${entry.id} completed twice`);
    this.inDevice.splice(i, 1);
  }
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Completes the oldest request `n` times, letting the queue refill the device after each. */
async function runDevice(device: FakeDevice, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    device.completeOldest();
    await settle();
  }
}

/** A mid-range SSD, round numbers: 100k/50k IOPS, 1 GB/s read, 500 MB/s write. */
const DISK: IoDiskProperties = {
  mountpoints: ['/var/lib/charybdis'],
  readIops: 100_000,
  readBandwidthBytesPerSec: 1_000_000_000,
  writeIops: 50_000,
  writeBandwidthBytesPerSec: 500_000_000,
  isDefault: false,
};

const READ_4K: IoQueueRequest = { kind: 'read', sizeBytes: 4096 };
const WRITE_64K: IoQueueRequest = { kind: 'write', sizeBytes: 65536 };
const WRITE_128K: IoQueueRequest = { kind: 'write', sizeBytes: 131072 };

function setup(options: IoQueueOptions = {}): { queue: IoQueue; device: FakeDevice; clock: FakeClock } {
  const clock = new FakeClock();
  const queue = new IoQueue({ disk: DISK, clock, ...options });
  return { queue, device: new FakeDevice(queue), clock };
}

/** Submits `n` requests and ignores their outcome (the tests look at the device and the stats). */
function backlog(device: FakeDevice, className: string, request: IoQueueRequest, n: number): void {
  for (let i = 0; i < n; i++) void device.submit(className, request).catch(() => undefined);
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('the promise resolved');
}

describe('IoQueue fairness', () => {
  test('shares 1000:250 give 4:1 of the dispatched device time on a saturated disk', async () => {
    const { queue, device } = setup({ classes: [{ name: 'hi', shares: 1000 }, { name: 'lo', shares: 250 }] });
    backlog(device, 'hi', READ_4K, 6000);
    backlog(device, 'lo', WRITE_64K, 1000); // a different mix: fairness is in device time, not requests
    await settle();
    await runDevice(device, 4000);
    const hi = queue.classStats('hi');
    const lo = queue.classStats('lo');
    expect(hi.queueLength).toBeGreaterThan(0); // both stayed busy throughout
    expect(lo.queueLength).toBeGreaterThan(0);
    const ratio = hi.dispatchedCostUs / lo.dispatchedCostUs;
    expect(ratio).toBeGreaterThan(3.88);
    expect(ratio).toBeLessThan(4.12);
  });

  test('setShares at run time changes the split from then on', async () => {
    const { queue, device } = setup({ classes: [{ name: 'a', shares: 500 }, { name: 'b', shares: 500 }] });
    backlog(device, 'a', READ_4K, 3000);
    backlog(device, 'b', READ_4K, 3000);
    await settle();
    await runDevice(device, 600);
    const before = { a: queue.classStats('a').dispatchedCostUs, b: queue.classStats('b').dispatchedCostUs };
    expect(before.a / before.b).toBeCloseTo(1, 1);
    queue.setShares('b', 125);
    expect(queue.shares('b')).toBe(125);
    await runDevice(device, 1000);
    const a = queue.classStats('a').dispatchedCostUs - before.a;
    const b = queue.classStats('b').dispatchedCostUs - before.b;
    expect(a / b).toBeGreaterThan(3.8);
    expect(a / b).toBeLessThan(4.2);
  });

  test('a class idle while another saturated the disk gets no banked credit when it wakes', async () => {
    const { queue, device } = setup({ classes: [{ name: 'busy', shares: 500 }, { name: 'sleepy', shares: 500 }] });
    backlog(device, 'busy', READ_4K, 4000);
    await settle();
    await runDevice(device, 2000); // busy alone: without clamping sleepy would be owed all of this
    const logStart = device.log.length;
    backlog(device, 'sleepy', READ_4K, 2000);
    await runDevice(device, 400);
    const after = device.log.slice(logStart).map((r) => r.className);
    // sleepy may run ahead by the idle credit (one latency goal of device time: 1000 µs,
    // about 71 4 KiB reads) plus one, then the two alternate.
    const creditRequests = Math.ceil(1000 / queue.costUs(READ_4K));
    const lead = after.indexOf('busy');
    expect(lead).toBeGreaterThanOrEqual(creditRequests - 2);
    expect(lead).toBeLessThanOrEqual(creditRequests + 2);
    const rest = after.slice(lead);
    const sleepyShare = rest.filter((c) => c === 'sleepy').length / rest.length;
    expect(sleepyShare).toBeGreaterThan(0.47);
    expect(sleepyShare).toBeLessThan(0.53);
  });

  test('a query read submitted behind a deep streaming backlog enters the device at once, in the idle-class headroom', async () => {
    const { queue, device } = setup(); // the built-in classes: query 1000 shares, streaming 200
    backlog(device, IoClassName.streaming, READ_4K, 5000);
    await settle();
    const window = device.inDevice.length;
    expect(window).toBe(Math.floor(1000 / queue.costUs(READ_4K))); // the device is full...
    expect(queue.stats().queuedRequests).toBe(5000 - window); // ...and the backlog is deep
    const query = device.submit(IoClassName.query, READ_4K);
    const second = device.submit(IoClassName.query, READ_4K);
    await settle();
    // The query class had nothing in flight: its first read goes over the full window (by
    // at most the headroom, 250 µs by default); its second waits like everyone else.
    expect(device.inDevice.filter((r) => r.className === 'query')).toHaveLength(1);
    expect(device.inFlightCostUs()).toBeLessThanOrEqual(1000 + queue.stats().idleClassHeadroomUs);
    device.completeOldest();
    device.completeOldest();
    await settle();
    expect(device.log.slice(window + 1).map((r) => r.className)[0]).toBe('query'); // once there is room: first in, ahead of the backlog
    for (const r of device.inDevice.filter((d) => d.className === 'query')) r.complete();
    await expect(query).resolves.toEqual(expect.any(Number));
    await expect(second).resolves.toEqual(expect.any(Number));
  });

  test('without headroom, a query read behind a full window enters at the next completion', async () => {
    const { queue, device } = setup({ idleClassHeadroomUs: 0 });
    backlog(device, IoClassName.streaming, READ_4K, 5000);
    await settle();
    const window = device.inDevice.length;
    expect(queue.stats().idleClassHeadroomUs).toBe(0);
    const query = device.submit(IoClassName.query, READ_4K);
    await settle();
    expect(device.inDevice.some((r) => r.className === 'query')).toBe(false); // no room yet
    device.completeOldest();
    await settle();
    expect(device.log.slice(window).map((r) => r.className)[0]).toBe('query'); // first in, ahead of 4900-odd queued streaming reads
    device.inDevice.find((r) => r.className === 'query')?.complete();
    await expect(query).resolves.toEqual(expect.any(Number));
  });

  test('a small query read enters at once when the window has room, even if streaming\'s next write does not fit', async () => {
    const { device } = setup();
    backlog(device, IoClassName.streaming, WRITE_128K, 1000); // 282 µs each: 3 fill 846 of 1000 µs
    await settle();
    expect(device.inDevice).toHaveLength(3);
    void device.submit(IoClassName.query, READ_4K);
    await settle();
    expect(device.inDevice.map((r) => r.className)).toEqual(['streaming', 'streaming', 'streaming', 'query']);
  });
});

describe('IoQueue in-flight bound', () => {
  test.each([
    ['without headroom', 0],
    ['with the default headroom', undefined],
  ])('the cost in the device never passes one latency goal, plus one headroom per class (%s), whatever the mix', async (_label, headroom) => {
    const { queue, device } = setup({ maxInFlightRequests: 64, idleClassHeadroomUs: headroom });
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const classes = [IoClassName.query, IoClassName.compaction, IoClassName.streaming, IoClassName.commitlog];
    const submitted: Array<Promise<number>> = [];
    for (let i = 0; i < 1500; i++) {
      const sizeBytes = 512 * Math.floor(random() * (random() < 0.1 ? 4096 : 256)); // up to 2 MiB, mostly small
      const request: IoQueueRequest = { kind: random() < 0.5 ? 'read' : 'write', sizeBytes };
      submitted.push(device.submit(classes[Math.floor(random() * classes.length)] as string, request));
    }
    await settle();
    while (device.inDevice.length > 0) {
      const cost = device.inFlightCostUs();
      // Beyond one window, each class may hold one request of at most the headroom.
      const bound = queue.stats().maxInFlightCostUs + classes.length * queue.stats().idleClassHeadroomUs;
      if (device.inDevice.length > 1) expect(cost).toBeLessThanOrEqual(bound + 1e-9);
      expect(device.inDevice.length).toBeLessThanOrEqual(64);
      expect(queue.stats().inFlightCostUs).toBeCloseTo(cost, 6);
      // A device that finishes requests out of order.
      (device.inDevice[Math.floor(random() * device.inDevice.length)] as DeviceRequest).complete();
      await settle();
    }
    await Promise.all(submitted);
    expect(device.log).toHaveLength(1500);
    expect(device.maxInFlightRequests).toBeGreaterThan(1);
    const stats = queue.stats();
    expect(stats.inFlightRequests).toBe(0);
    expect(stats.inFlightCostUs).toBe(0);
    expect(stats.queuedRequests).toBe(0);
  });

  test('maxInFlightRequests bounds the count of tiny requests', async () => {
    const { queue, device } = setup({ maxInFlightRequests: 4 });
    backlog(device, IoClassName.query, { kind: 'read', sizeBytes: 0 }, 20);
    await settle();
    expect(device.inDevice).toHaveLength(4);
    expect(queue.stats().maxInFlightRequests).toBe(4);
  });

  test('a request larger than the window waits for an idle device, runs alone, and nothing jumps it', async () => {
    const { queue, device } = setup();
    backlog(device, IoClassName.query, READ_4K, 1);
    const huge = device.submit(IoClassName.compaction, { kind: 'write', sizeBytes: 8 << 20 });
    await settle();
    expect(device.inDevice.map((r) => r.className)).toEqual(['query']); // huge waits for an idle device
    await runDevice(device, 1);
    expect(device.inDevice.map((r) => r.className)).toEqual(['compaction']); // alone: 16.8 ms of device time
    backlog(device, IoClassName.query, READ_4K, 3);
    backlog(device, IoClassName.compaction, { kind: 'write', sizeBytes: 8 << 20 }, 1);
    await settle();
    expect(device.inDevice).toHaveLength(1); // nothing joins it
    device.completeOldest();
    await expect(huge).resolves.toEqual(expect.any(Number));
    await settle();
    // The queries go in; the second huge write is then picked and waits for them to drain
    // rather than letting later small requests pass it (strict head of line: no starvation).
    expect(device.inDevice.map((r) => r.className)).toEqual(['query', 'query', 'query']);
    await runDevice(device, 3);
    expect(device.inDevice.map((r) => r.className)).toEqual(['compaction']);
    expect(queue.maxRequestSizeBytes('write')).toBeLessThan(8 << 20);
  });
});

describe('IoQueue errors', () => {
  test('a rejected dispatch reaches the caller unchanged and the queue keeps serving', async () => {
    const { queue, device } = setup({ maxInFlightRequests: 1 });
    const failing = device.submit(IoClassName.query, READ_4K);
    const next = device.submit(IoClassName.query, READ_4K);
    await settle();
    const eio = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    device.inDevice[0]?.fail(eio);
    expect(await rejectionOf(failing)).toBe(eio);
    await settle();
    expect(device.inDevice).toHaveLength(1); // the next request went in
    device.completeOldest();
    await expect(next).resolves.toEqual(expect.any(Number));
    const stats = queue.classStats(IoClassName.query);
    expect(stats).toMatchObject({ completed: 2, errors: 1, inFlight: 0, readRequests: 2 });
  });

  test('a dispatch that throws synchronously, or rejects with a non-Error, is a failed request too', async () => {
    const { queue } = setup({ maxInFlightRequests: 1 });
    const boom = new Error('boom');
    const thrown = queue.submit(IoClassName.query, READ_4K, () => {
      throw boom;
    });
    // A thenable that rejects with a string: what a careless backend could hand back.
    const notAnError = { then: (_ok: unknown, fail: (reason: unknown) => void) => fail('not an error') };
    const odd = queue.submit(IoClassName.query, READ_4K, () => notAnError as unknown as Promise<never>);
    const fine = queue.submit(IoClassName.query, READ_4K, () => Promise.resolve('ok'));
    expect(await rejectionOf(thrown)).toBe(boom);
    expect(await rejectionOf(odd)).toBe('not an error');
    await expect(fine).resolves.toBe('ok');
    expect(queue.classStats(IoClassName.query)).toMatchObject({ completed: 3, errors: 2, inFlight: 0 });
    expect(queue.stats().inFlightRequests).toBe(0);
  });

  test('a full class queue rejects with IO_QUEUE_FULL; other classes are not affected', async () => {
    const { queue, device } = setup({ maxInFlightRequests: 1, maxQueueLength: 50 });
    queue.createClass('repair', 100, { maxQueueLength: 3 });
    const accepted = [0, 1, 2].map(() => device.submit('repair', READ_4K));
    let called = false;
    const refused = queue.submit('repair', READ_4K, () => {
      called = true;
      return Promise.resolve(0);
    });
    expect(queue.classStats('repair')).toMatchObject({ rejected: 1, queueLength: 3, maxQueueLength: 3 });
    const err = await rejectionOf(refused);
    expect(hasErrorCode(err, IoQueueErrorCode.queueFull)).toBe(true);
    expect((err as Error).message).toContain('repair');
    expect(called).toBe(false);
    const other = device.submit(IoClassName.query, READ_4K);
    await settle();
    await runDevice(device, 4);
    await expect(Promise.all([...accepted, other])).resolves.toHaveLength(4);
    expect(queue.classStats(IoClassName.query).maxQueueLength).toBe(50);
  });

  test('unknown classes, malformed requests and bad shares are refused with their codes', async () => {
    const { queue } = setup();
    const never = (): Promise<never> => {
      throw new Error('must not be called');
    };
    expect(hasErrorCode(await rejectionOf(queue.submit('nope', READ_4K, never)), IoQueueErrorCode.unknownClass)).toBe(true);
    for (const bad of [{ kind: 'read', sizeBytes: -1 }, { kind: 'read', sizeBytes: 0.5 }, { kind: 'erase', sizeBytes: 1 }, null]) {
      const err = await rejectionOf(queue.submit(IoClassName.query, bad as never, never));
      expect(hasErrorCode(err, IoQueueErrorCode.invalidRequest)).toBe(true);
    }
    expect(hasErrorCode(await rejectionOf(queue.submit(IoClassName.query, READ_4K, 42 as never)), IoQueueErrorCode.invalidRequest)).toBe(true);
    expect(() => queue.setShares('nope', 10)).toThrow(expect.objectContaining({ code: IoQueueErrorCode.unknownClass }) as Error);
    expect(() => queue.setShares(IoClassName.query, 0)).toThrow(expect.objectContaining({ code: IoQueueErrorCode.invalidShares }) as Error);
    expect(() => queue.createClass(IoClassName.query, 10)).toThrow(expect.objectContaining({ code: IoQueueErrorCode.duplicateClass }) as Error);
    expect(() => new IoQueue({ latencyGoalMs: -1 })).toThrow(expect.objectContaining({ code: IoQueueErrorCode.invalidOption }) as Error);
    expect(() => new IoQueue({ maxInFlightRequests: 0 })).toThrow(expect.objectContaining({ code: IoQueueErrorCode.invalidOption }) as Error);
  });
});

describe('IoQueue modes and lifecycle', () => {
  test('bypass mode dispatches everything at once, in submit(), and still counts', async () => {
    const { queue, device, clock } = setup({ bypass: true, maxInFlightRequests: 2 });
    backlog(device, IoClassName.streaming, WRITE_128K, 500);
    backlog(device, IoClassName.query, READ_4K, 10);
    expect(device.inDevice).toHaveLength(510); // no settle needed: synchronous, no bound
    expect(device.inFlightCostUs()).toBeGreaterThan(queue.stats().maxInFlightCostUs * 50);
    clock.advance(2);
    while (device.inDevice.length > 0) device.completeOldest();
    await settle();
    const stats = queue.stats();
    expect(stats.bypass).toBe(true);
    expect(stats.inFlightRequests).toBe(0);
    expect(queue.classStats(IoClassName.streaming)).toMatchObject({ writeRequests: 500, writeBytes: 500 * 131072, completed: 500, latencyMsMax: 2 });
    expect(device.log.map((r) => r.className).indexOf('query')).toBe(500); // FIFO: the query waited behind all of it
  });

  test('submissions of one synchronous run are ordered by the fair queue, not by arrival', () => {
    const pending: Array<() => void> = [];
    const { device } = setup({ maxInFlightRequests: 1, scheduleDispatch: (pump) => pending.push(pump) });
    backlog(device, IoClassName.streaming, READ_4K, 5);
    backlog(device, IoClassName.query, READ_4K, 1);
    expect(device.inDevice).toHaveLength(0); // nothing until the dispatch pass runs
    expect(pending).toHaveLength(1); // one pass for all six submissions
    pending.shift()?.();
    expect(device.inDevice.map((r) => r.className)).toEqual(['query']);
  });

  test('queue wait and total latency are measured with the injected clock', async () => {
    const { queue, device, clock } = setup({ maxInFlightRequests: 1 });
    const first = device.submit(IoClassName.query, READ_4K);
    const second = device.submit(IoClassName.query, READ_4K);
    await settle();
    clock.advance(3);
    device.completeOldest();
    await settle();
    clock.advance(4);
    device.completeOldest();
    await Promise.all([first, second]);
    const stats = queue.classStats(IoClassName.query);
    expect(stats.waitMsMax).toBe(3);
    expect(stats.waitMsTotal).toBe(3);
    expect(stats.latencyMsMax).toBe(7);
  });

  test('stop() refuses new requests and resolves once queued and in-flight ones are done', async () => {
    const { queue, device } = setup({ maxInFlightRequests: 1 });
    const a = device.submit(IoClassName.query, READ_4K);
    const b = device.submit(IoClassName.query, READ_4K);
    await settle();
    let stopped = false;
    const stopping = queue.stop().then(() => {
      stopped = true;
    });
    expect(hasErrorCode(await rejectionOf(device.submit(IoClassName.query, READ_4K)), IoQueueErrorCode.stopped)).toBe(true);
    await runDevice(device, 1);
    expect(stopped).toBe(false); // b is still to run
    await runDevice(device, 1);
    await stopping;
    await expect(Promise.all([a, b])).resolves.toHaveLength(2);
  });

  test('stop({ abortQueued }) rejects what is queued and waits only for the device', async () => {
    const { queue, device } = setup({ maxInFlightRequests: 1 });
    const running = device.submit(IoClassName.query, READ_4K);
    const queued = device.submit(IoClassName.compaction, READ_4K);
    await settle();
    const stopping = queue.stop({ abortQueued: true });
    expect(hasErrorCode(await rejectionOf(queued), IoQueueErrorCode.stopped)).toBe(true);
    device.completeOldest();
    await stopping;
    await expect(running).resolves.toEqual(expect.any(Number));
    expect(device.log).toHaveLength(1);
  });
});

describe('IoQueue metrics', () => {
  test('per-class series are registered and follow the queue', async () => {
    const registry = new MetricsRegistry();
    const { queue, device } = setup({ metrics: registry, maxInFlightRequests: 1 });
    const done = [device.submit(IoClassName.query, READ_4K), device.submit(IoClassName.query, READ_4K)];
    void device.submit(IoClassName.compaction, WRITE_128K).catch(() => undefined);
    await settle();
    const family = <T>(name: string): T => registry.collect().families.find((f) => f.name === name) as T;
    const sample = <S extends { labelValues: string[] }>(f: { labelNames: string[]; samples: S[] }, labels: Record<string, string>): S | undefined =>
      f.samples.find((s) => f.labelNames.every((l, i) => s.labelValues[i] === labels[l]));
    const q = { mountpoint: '/var/lib/charybdis', class: 'query' };
    expect(sample(family<GaugeFamilySnapshot>('io_queue_queue_length'), q)).toMatchObject({ value: 1 });
    expect(sample(family<GaugeFamilySnapshot>('io_queue_in_flight_requests'), q)).toMatchObject({ value: 1 });
    expect(sample(family<GaugeFamilySnapshot>('io_queue_shares'), { ...q, class: 'streaming' })).toMatchObject({ value: 200 });
    await runDevice(device, 3); // query, compaction (cheaper in accumulated terms), query
    await Promise.all(done);
    expect(sample(family<CounterFamilySnapshot>('io_queue_requests_total'), { ...q, kind: 'read' })).toMatchObject({ value: 2 });
    expect(sample(family<CounterFamilySnapshot>('io_queue_bytes_total'), { ...q, kind: 'read' })).toMatchObject({ value: 8192 });
    expect(sample(family<HistogramFamilySnapshot>('io_queue_latency_ms'), q)).toMatchObject({ count: 2 });
    expect(sample(family<HistogramFamilySnapshot>('io_queue_wait_ms'), { ...q, class: 'compaction' })).toMatchObject({ count: 1 });
    const cost = sample(family<CounterFamilySnapshot>('io_queue_dispatched_cost_us_total'), q);
    expect(cost?.value).toBeCloseTo(2 * queue.costUs(READ_4K));
    queue.setShares(IoClassName.query, 400);
    expect(sample(family<GaugeFamilySnapshot>('io_queue_shares'), q)).toMatchObject({ value: 400 });
  });

  test('two queues (two disks) share the families under their own mountpoint label', () => {
    const registry = new MetricsRegistry();
    const a = new IoQueue({ disk: DISK, metrics: registry });
    const b = new IoQueue({ disk: { ...DISK, mountpoints: ['/mnt/commitlog'] }, metrics: registry });
    const series = registry.collect().families.find((f) => f.name === 'io_queue_shares') as GaugeFamilySnapshot;
    expect(new Set(series.samples.map((s) => s.labelValues[0]))).toEqual(new Set([a.name, b.name]));
    expect(b.stats().name).toBe('/mnt/commitlog');
    expect(a.stats().diskIsDefault).toBe(false);
    expect(new IoQueue().stats().diskIsDefault).toBe(true);
  });
});
