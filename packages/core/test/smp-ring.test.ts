import { createRingBuffer, forEachRecord, recordFootprintBytes, RING_HEADER_BYTES, SpscRing } from '../src/smp';

// The ring on its own, in one thread: a producer view and a consumer view over one buffer.

function views(capacityBytes: number, startPosition = 0): { producer: SpscRing; consumer: SpscRing; out: Buffer } {
  const sab = createRingBuffer(capacityBytes);
  if (startPosition !== 0) {
    // Both free-running counters start here (head at byte 0, tail at byte 64).
    const words = new Int32Array(sab, 0, RING_HEADER_BYTES / 4);
    words[0] = startPosition | 0;
    words[16] = startPosition | 0;
  }
  return { producer: new SpscRing(sab), consumer: new SpscRing(sab), out: Buffer.alloc(capacityBytes) };
}

function bytesOf(seed: number, length: number): Uint8Array {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return b;
}

function append(ring: SpscRing, bytes: Uint8Array): boolean {
  return ring.tryAppend(bytes, 0, bytes.length);
}

/** Drains everything the consumer can see, as a list of record bodies. */
function drain(consumer: SpscRing, out: Buffer, maxBytes?: number): Buffer[] {
  const n = consumer.drainInto(out, maxBytes);
  const records: Buffer[] = [];
  forEachRecord(out, n, (start, end) => records.push(Buffer.from(out.subarray(start, end))));
  return records;
}

/** xorshift32 */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}


/** The `code` of what `fn` throws. */
function thrownCode(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return (err as { code?: unknown }).code;
  }
  return 'nothing thrown';
}

describe('SpscRing', () => {
  test('rejects capacities that are not powers of two', () => {
    expect(thrownCode(() => createRingBuffer(100))).toBe('SMP_BAD_CONFIG');
    expect(thrownCode(() => createRingBuffer(32))).toBe('SMP_BAD_CONFIG');
  });

  test('nothing is visible before publish; publish makes the batch one record', () => {
    const { producer, consumer, out } = views(256);
    expect(append(producer, bytesOf(1, 10))).toBe(true);
    expect(append(producer, bytesOf(2, 5))).toBe(true);
    expect(consumer.hasData()).toBe(false);
    expect(drain(consumer, out)).toEqual([]);
    expect(producer.publish()).toBe(true);
    expect(producer.publish()).toBe(false);
    expect(consumer.hasData()).toBe(true);
    const records = drain(consumer, out);
    expect(records).toEqual([Buffer.concat([bytesOf(1, 10), bytesOf(2, 5)])]);
    expect(consumer.hasData()).toBe(false);
  });

  test('wraps around the end of the data area, byte-wise, many times', () => {
    const { producer, consumer, out } = views(64);
    for (let round = 0; round < 200; round++) {
      const body = bytesOf(round, 1 + (round % 37));
      expect(append(producer, body)).toBe(true);
      producer.publish();
      expect(drain(consumer, out)).toEqual([Buffer.from(body)]);
    }
  });

  test('the free-running 32-bit positions wrap past 2^32', () => {
    const { producer, consumer, out } = views(64, 0xffffff00);
    for (let round = 0; round < 100; round++) {
      const body = bytesOf(round, 20 + (round % 11));
      expect(append(producer, body)).toBe(true);
      producer.publish();
      expect(drain(consumer, out)).toEqual([Buffer.from(body)]);
    }
  });

  test('a full ring refuses records until the consumer frees space', () => {
    const { producer, consumer, out } = views(64);
    // Three closed records of 16 + 4 bytes fill 60 bytes; a 4th (footprint 8) cannot fit.
    for (let i = 0; i < 3; i++) {
      expect(append(producer, bytesOf(i, 16))).toBe(true);
      producer.closeRecord();
    }
    expect(producer.freeBytes()).toBe(4);
    expect(append(producer, bytesOf(9, 1))).toBe(false);
    producer.publish();
    expect(append(producer, bytesOf(9, 1))).toBe(false);
    expect(drain(consumer, out)).toHaveLength(3);
    expect(producer.freeBytes()).toBe(64);
    expect(append(producer, bytesOf(9, 1))).toBe(true);
  });

  test('a record of exactly the capacity fits an empty ring at any offset; one byte more never does', () => {
    for (const offset of [0, 4, 36, 60]) {
      const { producer, consumer, out } = views(64);
      if (offset > 0) {
        append(producer, bytesOf(0, offset - 4));
        producer.publish();
        drain(consumer, out);
      }
      const body = bytesOf(offset, 60);
      expect(recordFootprintBytes(body.length)).toBe(64);
      expect(append(producer, bytesOf(1, 61))).toBe(false);
      expect(append(producer, body)).toBe(true);
      expect(producer.freeBytes()).toBe(0);
      producer.closeRecord();
      expect(append(producer, bytesOf(2, 0))).toBe(false);
      producer.publish();
      expect(drain(consumer, out)).toEqual([Buffer.from(body)]);
    }
  });

  test('drainInto with a byte budget takes whole records, at least one', () => {
    const { producer, consumer, out } = views(256);
    for (let i = 0; i < 4; i++) {
      append(producer, bytesOf(i, 28)); // footprint 32
      producer.closeRecord();
    }
    producer.publish();
    expect(drain(consumer, out, 70)).toHaveLength(2);
    expect(drain(consumer, out, 8)).toHaveLength(1);
    expect(drain(consumer, out)).toEqual([Buffer.from(bytesOf(3, 28))]);
  });

  test('the producer-waiting flag is taken once', () => {
    const { producer, consumer } = views(64);
    expect(consumer.takeProducerWaiting()).toBe(false);
    producer.setProducerWaiting();
    expect(consumer.takeProducerWaiting()).toBe(true);
    expect(consumer.takeProducerWaiting()).toBe(false);
  });

  test('random sizes and interleavings match a model queue', () => {
    const capacity = 512;
    const random = rng(0x5eed);
    const { producer, consumer, out } = views(capacity, 0xfffff000);
    const model: Buffer[] = []; // published, undrained records
    let closed: Buffer[] = []; // closed, unpublished records
    let open: Buffer | null = null;
    let usedBytes = 0; // footprints of published + closed records
    let appended = 0;
    let delivered = 0;
    const mismatches: string[] = [];
    const footprint = (b: Buffer | null): number => (b === null ? 0 : recordFootprintBytes(b.length));
    for (let step = 0; step < 20000; step++) {
      const op = random();
      if (op < 0.6) {
        const len = Math.floor(random() * random() * capacity);
        const body = Buffer.from(bytesOf(step, len));
        const grown: Buffer = open === null ? body : Buffer.concat([open, body]);
        const fits = usedBytes + footprint(grown) <= capacity;
        if (append(producer, body) !== fits) mismatches.push(`step ${step}: tryAppend(${len}) should be ${fits}`);
        if (fits) {
          open = grown;
          appended++;
        }
      } else if (op < 0.7) {
        producer.closeRecord();
        if (open !== null) {
          closed.push(open);
          usedBytes += footprint(open);
          open = null;
        }
      } else if (op < 0.85) {
        producer.publish();
        if (open !== null) {
          closed.push(open);
          usedBytes += footprint(open);
          open = null;
        }
        model.push(...closed);
        closed = [];
      } else {
        const maxBytes = random() < 0.5 ? capacity : 1 + Math.floor(random() * capacity);
        const got = drain(consumer, out, maxBytes);
        const want = model.splice(0, got.length);
        if (got.length === 0 && want.length === 0 && model.length > 0) mismatches.push(`step ${step}: nothing drained`);
        got.forEach((r, i) => {
          if (!r.equals(want[i]!)) mismatches.push(`step ${step}: record ${i} differs`);
        });
        if (model.length > 0 && maxBytes === capacity) mismatches.push(`step ${step}: a full drain left records behind`);
        for (const r of got) usedBytes -= footprint(r);
        delivered += got.length;
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(appended).toBeGreaterThan(5000);
    expect(delivered).toBeGreaterThan(1000);
  });
});
