import { hasErrorCode } from '../src/errors';
import {
  FAIR_QUEUE_RENORMALIZE_THRESHOLD,
  FairQueue,
  InFlightLimiter,
  IoQueueErrorCode,
} from '../src/io/queue';
import type { CapacityLimiter, FairQueueClassId, FairQueueEntry } from '../src/io/queue';

// The fair queue is synchronous: nothing here needs a clock or an event loop. Tests drive
// it with a limiter that admits exactly as many entries as the test grants, so every
// dispatch() is one decision the test can inspect.

interface Entry extends FairQueueEntry {
  readonly cost: number;
  readonly tag: string;
}

/** Admits `grant(n)` more entries, whatever their cost; release does nothing. */
class StepLimiter implements CapacityLimiter {
  budget = 0;
  released = 0;
  grant(n: number): void {
    this.budget += n;
  }
  tryAcquire(): boolean {
    if (this.budget === 0) return false;
    this.budget--;
    return true;
  }
  release(): void {
    this.released++;
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

function setup(idleCredit = 0): { fq: FairQueue<Entry>; limiter: StepLimiter } {
  const limiter = new StepLimiter();
  return { fq: new FairQueue<Entry>({ limiter, idleCredit }), limiter };
}

/** Hands out `n` entries one decision at a time; returns their tags in order. */
function step(fq: FairQueue<Entry>, limiter: StepLimiter, n: number): string[] {
  const out: string[] = [];
  limiter.grant(n);
  fq.dispatch((entry, classId) => {
    out.push(entry.tag);
    fq.complete(entry, classId);
  });
  return out;
}

function fill(fq: FairQueue<Entry>, id: FairQueueClassId, tag: string, count: number, cost: number): void {
  for (let i = 0; i < count; i++) fq.enqueue(id, { tag, cost });
}

describe('FairQueue picking', () => {
  test('the class with the least accumulated cost / shares goes first, not the oldest entry', () => {
    const { fq, limiter } = setup();
    const a = fq.addClass('a', 100);
    const b = fq.addClass('b', 100);
    fill(fq, b, 'b', 3, 10);
    expect(step(fq, limiter, 1)).toEqual(['b']); // b alone: b pays 10/100
    fill(fq, a, 'a', 2, 10); // queued after b's backlog, but a has paid nothing
    expect(step(fq, limiter, 1)).toEqual(['a']);
    expect(fq.classStats(a).accumulated).toBeCloseTo(0.1);
    expect(fq.classStats(b).accumulated).toBeCloseTo(0.1);
  });

  test('within a class entries leave in FIFO order', () => {
    const { fq, limiter } = setup();
    const a = fq.addClass('a', 10);
    for (let i = 0; i < 5; i++) fq.enqueue(a, { tag: `a${i}`, cost: 1 });
    expect(step(fq, limiter, 5)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
  });

  test('shares 1000:250 give 4:1 of the dispatched cost while both are busy', () => {
    const { fq, limiter } = setup();
    const hi = fq.addClass('hi', 1000);
    const lo = fq.addClass('lo', 250);
    fill(fq, hi, 'hi', 5000, 3);
    fill(fq, lo, 'lo', 5000, 7); // different entry costs: fairness is in cost, not count
    step(fq, limiter, 2000);
    const ratio = fq.classStats(hi).dispatchedCost / fq.classStats(lo).dispatchedCost;
    expect(ratio).toBeGreaterThan(3.9);
    expect(ratio).toBeLessThan(4.1);
  });

  test('equal shares and unequal entry costs: equal cost, so more of the cheap entries', () => {
    const { fq, limiter } = setup();
    const small = fq.addClass('small', 500);
    const big = fq.addClass('big', 500);
    fill(fq, small, 's', 1000, 1);
    fill(fq, big, 'b', 1000, 4);
    step(fq, limiter, 500);
    expect(fq.classStats(small).dispatched).toBe(400);
    expect(fq.classStats(big).dispatched).toBe(100);
  });

  test('setShares at run time changes the split from then on', () => {
    const { fq, limiter } = setup();
    const a = fq.addClass('a', 500);
    const b = fq.addClass('b', 500);
    fill(fq, a, 'a', 5000, 1);
    fill(fq, b, 'b', 5000, 1);
    const first = step(fq, limiter, 1000);
    expect(first.filter((t) => t === 'a').length).toBe(500);
    fq.setShares(b, 125);
    expect(fq.shares(b)).toBe(125);
    const second = step(fq, limiter, 1000);
    expect(second.filter((t) => t === 'a').length).toBe(800);
    expect(() => fq.setShares(b, 0)).toThrow(expect.objectContaining({ code: IoQueueErrorCode.invalidShares }) as Error);
    expect(() => fq.setShares(b, 1001)).toThrow(expect.objectContaining({ code: IoQueueErrorCode.invalidShares }) as Error);
  });
});

describe('FairQueue idle classes', () => {
  test('a class idle while another ran cannot spend its idle time: it is clamped to idleCredit', () => {
    const { fq, limiter } = setup(10); // up to 10 units of raw cost ahead
    const busy = fq.addClass('busy', 100);
    const idle = fq.addClass('idle', 100);
    fill(fq, busy, 'busy', 2000, 1);
    step(fq, limiter, 1000); // busy alone for a long time
    fill(fq, idle, 'idle', 1000, 1);
    const after = step(fq, limiter, 100);
    // Without the clamp `idle` would run 1000 entries in a row; with it, it starts
    // idleCredit (10 entries of cost 1) behind the busy class, then the two alternate
    // (one more entry to pass the busy class's last charge, one for float rounding).
    const leadingIdle = after.findIndex((t) => t === 'busy');
    expect(leadingIdle).toBeGreaterThanOrEqual(10);
    expect(leadingIdle).toBeLessThanOrEqual(12);
    const rest = after.slice(leadingIdle);
    expect(Math.abs(rest.filter((t) => t === 'idle').length - rest.filter((t) => t === 'busy').length)).toBeLessThanOrEqual(1);
    expect(fq.classStats(idle).activations).toBe(1);
  });

  test('the credit is raw cost: a class with fewer shares is clamped closer in accumulated units', () => {
    const { fq, limiter } = setup(100);
    const busy = fq.addClass('busy', 1000);
    const small = fq.addClass('small', 10);
    fill(fq, busy, 'busy', 3000, 10);
    step(fq, limiter, 2000);
    const virtualTime = fq.stats().virtualTime;
    expect(virtualTime).toBeGreaterThan(15); // so that the clamp, not the start value, decides
    fq.enqueue(small, { tag: 'small', cost: 1 });
    expect(fq.classStats(small).accumulated).toBeCloseTo(virtualTime - 100 / 10);
  });

  test('a class that went idle owing time keeps its debt (no forgiveness upward)', () => {
    const { fq, limiter } = setup(5);
    const a = fq.addClass('a', 100);
    const b = fq.addClass('b', 100);
    fill(fq, a, 'a', 1, 1000); // one huge entry: a is far ahead of the virtual time
    step(fq, limiter, 1);
    const owed = fq.classStats(a).accumulated;
    fill(fq, b, 'b', 20, 1);
    fill(fq, a, 'a', 20, 1);
    expect(fq.classStats(a).accumulated).toBe(owed);
    expect(step(fq, limiter, 10)).toEqual(Array<string>(10).fill('b'));
  });

  test('a class added late starts level with the others', () => {
    const { fq, limiter } = setup();
    const a = fq.addClass('a', 100);
    fill(fq, a, 'a', 500, 1);
    step(fq, limiter, 300);
    const late = fq.addClass('late', 100);
    fill(fq, late, 'late', 200, 1);
    const next = step(fq, limiter, 100);
    expect(next.filter((t) => t === 'late').length).toBeGreaterThanOrEqual(49);
    expect(next.filter((t) => t === 'late').length).toBeLessThanOrEqual(51);
  });
});

describe('FairQueue capacity', () => {
  test('the limiter bounds what is in flight, and complete() gives capacity back', () => {
    const limiter = new InFlightLimiter({ maxCost: 10 });
    const fq = new FairQueue<Entry>({ limiter });
    const a = fq.addClass('a', 100);
    fill(fq, a, 'a', 10, 3);
    const out: Entry[] = [];
    expect(fq.dispatch((e) => out.push(e))).toBe(3); // 9 of 10 used; a 4th would make 12
    expect(fq.inFlight).toBe(3);
    expect(fq.inFlightCost).toBe(9);
    expect(fq.dispatch((e) => out.push(e))).toBe(0);
    fq.complete(out[0] as Entry, a);
    expect(fq.dispatch((e) => out.push(e))).toBe(1);
    expect(limiter.inFlightCost).toBe(9);
  });

  test('an entry costlier than the whole window runs alone once nothing is in flight', () => {
    const limiter = new InFlightLimiter({ maxCost: 10 });
    const fq = new FairQueue<Entry>({ limiter });
    const a = fq.addClass('a', 100);
    const out: Entry[] = [];
    fq.enqueue(a, { tag: 'small', cost: 2 });
    fq.enqueue(a, { tag: 'huge', cost: 50 });
    expect(fq.dispatch((e) => out.push(e))).toBe(1);
    fq.complete(out[0] as Entry, a);
    expect(fq.dispatch((e) => out.push(e))).toBe(1);
    expect(out.map((e) => e.tag)).toEqual(['small', 'huge']);
    expect(fq.inFlightCost).toBe(50);
  });

  test('a refused head entry stops dispatching: a cheaper entry of another class does not skip it', () => {
    const limiter = new InFlightLimiter({ maxCost: 10 });
    const fq = new FairQueue<Entry>({ limiter });
    const a = fq.addClass('a', 1000);
    const b = fq.addClass('b', 1);
    fq.enqueue(b, { tag: 'b-first', cost: 6 });
    const out: Entry[] = [];
    fq.dispatch((e) => out.push(e)); // b-first in flight, 4 left; b now far behind in accumulated
    fq.enqueue(a, { tag: 'a-big', cost: 8 });
    fq.enqueue(b, { tag: 'b-small', cost: 1 });
    expect(fq.dispatch((e) => out.push(e))).toBe(0); // a is picked, does not fit, b must not jump it
    fq.complete(out[0] as Entry, b);
    fq.dispatch((e) => out.push(e));
    expect(out.map((e) => e.tag)).toEqual(['b-first', 'a-big', 'b-small']);
  });

  test('InFlightLimiter maxEntries bounds the count whatever the cost', () => {
    const limiter = new InFlightLimiter({ maxCost: 1e9, maxEntries: 2 });
    const fq = new FairQueue<Entry>({ limiter });
    const a = fq.addClass('a', 100);
    fill(fq, a, 'a', 5, 1);
    expect(fq.dispatch(() => undefined)).toBe(2);
    expect(limiter.inFlightEntries).toBe(2);
  });

  test('with headroom, one entry of a class with nothing in flight may exceed a full window; a busy class may not', () => {
    const limiter = new InFlightLimiter({ maxCost: 10, idleClassHeadroom: 3 });
    const fq = new FairQueue<Entry>({ limiter });
    const bg = fq.addClass('bg', 100);
    const fg = fq.addClass('fg', 100);
    fill(fq, bg, 'bg', 10, 5);
    const out: Entry[] = [];
    expect(fq.dispatch((e) => out.push(e))).toBe(2); // the window is full: 10 of 10
    fq.enqueue(fg, { tag: 'fg-1', cost: 2 });
    fq.enqueue(fg, { tag: 'fg-2', cost: 1 });
    // fg has nothing in flight: its first entry goes over the window (12 <= 10 + 3); its
    // second does not (fg now has one in flight), and bg (busy) stays refused.
    expect(fq.dispatch((e) => out.push(e))).toBe(1);
    expect(out.map((e) => e.tag)).toEqual(['bg', 'bg', 'fg-1']);
    expect(fq.inFlightCost).toBe(12);
    expect(fq.classStats(fg).inFlight).toBe(1);
    // A completion of bg frees 5: fg-2 fits the window now (7 + 1 <= 10), then bg does not.
    fq.complete(out[0] as Entry, bg);
    expect(fq.dispatch((e) => out.push(e))).toBe(1);
    expect(out[3]?.tag).toBe('fg-2');
  });

  test('headroom never admits an idle class entry larger than the headroom allows, nor past maxEntries', () => {
    const limiter = new InFlightLimiter({ maxCost: 10, maxEntries: 3, idleClassHeadroom: 3 });
    const fq = new FairQueue<Entry>({ limiter });
    const bg = fq.addClass('bg', 100);
    const fg = fq.addClass('fg', 100);
    fill(fq, bg, 'bg', 2, 5);
    fq.dispatch(() => undefined); // 10 of 10, 2 entries
    fq.enqueue(fg, { tag: 'too-big', cost: 4 }); // 14 > 13
    expect(fq.dispatch(() => undefined)).toBe(0);
    expect(fq.classStats(fg).inFlight).toBe(0);
    const small = new InFlightLimiter({ maxCost: 10, maxEntries: 2, idleClassHeadroom: 3 });
    expect(small.tryAcquire(5, 0) && small.tryAcquire(5, 0)).toBe(true);
    expect(small.tryAcquire(1, 0)).toBe(false); // the entry count binds whatever the headroom
    expect(() => new InFlightLimiter({ maxCost: 10, idleClassHeadroom: -1 })).toThrow(/idleClassHeadroom/);
  });

  test('completing with nothing in flight is IO_NOT_IN_FLIGHT', () => {
    const limiter = new InFlightLimiter({ maxCost: 10 });
    const fq = new FairQueue<Entry>({ limiter });
    const a = fq.addClass('a', 100);
    const entry = { tag: 'x', cost: 1 };
    fq.enqueue(a, entry);
    fq.dispatch(() => undefined);
    fq.complete(entry, a);
    expect(hasErrorCode(thrownBy(() => fq.complete(entry, a)), IoQueueErrorCode.notInFlight)).toBe(true);
    expect(hasErrorCode(thrownBy(() => limiter.release(1)), IoQueueErrorCode.notInFlight)).toBe(true);
  });

  test('dispatch() called from inside the handler returns 0; the running pass picks up new entries', () => {
    const { fq, limiter } = setup();
    const a = fq.addClass('a', 100);
    fq.enqueue(a, { tag: 'first', cost: 1 });
    limiter.grant(5);
    const seen: string[] = [];
    const nested: number[] = [];
    fq.dispatch((entry) => {
      seen.push(entry.tag);
      if (entry.tag === 'first') {
        fq.enqueue(a, { tag: 'second', cost: 1 });
        nested.push(fq.dispatch(() => undefined));
      }
    });
    expect(nested).toEqual([0]);
    expect(seen).toEqual(['first', 'second']);
  });

  test('a throwing handler propagates; the entry stays in flight and the queue is consistent', () => {
    const { fq, limiter } = setup();
    const a = fq.addClass('a', 100);
    fill(fq, a, 'a', 2, 1);
    limiter.grant(2);
    const boom = new Error('boom');
    expect(thrownBy(() => fq.dispatch(() => {
      throw boom;
    }))).toBe(boom);
    expect(fq.inFlight).toBe(1);
    expect(fq.queued).toBe(1);
    expect(fq.dispatch(() => undefined)).toBe(1);
  });
});

describe('FairQueue bounds and errors', () => {
  test('a full class queue rejects with IO_QUEUE_FULL and counts it; other classes are unaffected', () => {
    const limiter = new StepLimiter();
    const fq = new FairQueue<Entry>({ limiter, maxQueueLength: 100 });
    const a = fq.addClass('a', 100, { maxQueueLength: 2 });
    const b = fq.addClass('b', 100);
    fill(fq, a, 'a', 2, 1);
    expect(fq.isFull(a)).toBe(true);
    const err = thrownBy(() => fq.enqueue(a, { tag: 'a', cost: 1 }));
    expect(hasErrorCode(err, IoQueueErrorCode.queueFull)).toBe(true);
    expect((err as Error).message).toContain('class a');
    expect(fq.classStats(a).rejected).toBe(1);
    expect(fq.classStats(a).queueLength).toBe(2);
    fill(fq, b, 'b', 50, 1);
    expect(fq.classStats(b).maxQueueLength).toBe(100);
    expect(step(fq, limiter, 1)).toEqual(['a']);
    expect(() => fq.enqueue(a, { tag: 'a', cost: 1 })).not.toThrow();
  });

  test('bad costs, shares, names and ids are rejected with their codes', () => {
    const { fq } = setup();
    const a = fq.addClass('a', 100);
    for (const cost of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(hasErrorCode(thrownBy(() => fq.enqueue(a, { tag: 'x', cost })), IoQueueErrorCode.invalidRequest)).toBe(true);
    }
    expect(hasErrorCode(thrownBy(() => fq.addClass('a', 100)), IoQueueErrorCode.duplicateClass)).toBe(true);
    expect(hasErrorCode(thrownBy(() => fq.addClass('', 100)), IoQueueErrorCode.invalidOption)).toBe(true);
    expect(hasErrorCode(thrownBy(() => fq.addClass('z', 0.5)), IoQueueErrorCode.invalidShares)).toBe(true);
    expect(hasErrorCode(thrownBy(() => fq.enqueue(7, { tag: 'x', cost: 1 })), IoQueueErrorCode.unknownClass)).toBe(true);
    expect(hasErrorCode(thrownBy(() => new FairQueue<Entry>({ limiter: new StepLimiter(), idleCredit: -1 })), IoQueueErrorCode.invalidOption)).toBe(true);
    expect(hasErrorCode(thrownBy(() => new InFlightLimiter({ maxCost: 0 })), IoQueueErrorCode.invalidOption)).toBe(true);
    expect(hasErrorCode(thrownBy(() => new InFlightLimiter({ maxCost: 1, maxEntries: 1.5 })), IoQueueErrorCode.invalidOption)).toBe(true);
  });

  test('the number of classes is bounded', () => {
    const fq = new FairQueue<Entry>({ limiter: new StepLimiter(), maxClasses: 2 });
    fq.addClass('a', 1);
    fq.addClass('b', 1);
    expect(hasErrorCode(thrownBy(() => fq.addClass('c', 1)), IoQueueErrorCode.tooManyClasses)).toBe(true);
    expect(fq.classId('b')).toBe(1);
    expect(fq.classId('c')).toBeUndefined();
  });

  test('clear() removes and returns every queued entry', () => {
    const { fq } = setup();
    const a = fq.addClass('a', 100);
    const b = fq.addClass('b', 100);
    fill(fq, a, 'a', 2, 1);
    fill(fq, b, 'b', 1, 1);
    expect(fq.clear().map((e) => e.tag).sort()).toEqual(['a', 'a', 'b']);
    expect(fq.queued).toBe(0);
    expect(fq.classStats(a).queuedCost).toBe(0);
  });
});

describe('FairQueue renormalisation', () => {
  test('accumulated values are shifted down past the threshold and fairness is unchanged', () => {
    const { fq, limiter } = setup(10);
    const a = fq.addClass('a', 1);
    const b = fq.addClass('b', 4);
    const c = fq.addClass('c', 1); // stays idle: its value must stay bounded
    const cost = FAIR_QUEUE_RENORMALIZE_THRESHOLD / 50;
    fill(fq, a, 'a', 2000, cost);
    fill(fq, b, 'b', 2000, cost);
    const order = step(fq, limiter, 1000);
    const stats = fq.stats();
    expect(stats.virtualTime).toBeLessThanOrEqual(FAIR_QUEUE_RENORMALIZE_THRESHOLD);
    for (const s of stats.classes) expect(Math.abs(s.accumulated)).toBeLessThanOrEqual(FAIR_QUEUE_RENORMALIZE_THRESHOLD + cost);
    expect(order.filter((t) => t === 'b').length).toBe(800);
    // The idle class comes back clamped to the (renormalised) virtual time, not far behind it.
    fq.enqueue(c, { tag: 'c', cost: 1 });
    expect(fq.classStats(c).accumulated).toBeCloseTo(fq.stats().virtualTime - 10);
  });
});
