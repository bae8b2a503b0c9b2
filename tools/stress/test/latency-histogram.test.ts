import { LatencyHistogram } from '../src/latency-histogram';
import { SeededRandom } from '../src/random';

test('any single value comes back within 1 % (never below it)', () => {
  const random = new SeededRandom(7);
  for (let i = 0; i < 20_000; i++) {
    const v = Math.round(2 ** (random.nextDouble() * 39)); // 1 ns .. ~9 minutes
    const h = new LatencyHistogram();
    h.record(1); // a small neighbour, so the clip to the maximum does not hide the bucket edge
    h.record(v);
    const got = h.percentileNs(1);
    expect(got).toBeGreaterThanOrEqual(v);
    expect(got).toBeLessThanOrEqual(v * 1.01 + 1);
  }
});

test('percentiles of a known distribution, exact count, mean, min and max', () => {
  const h = new LatencyHistogram();
  for (let us = 1; us <= 10_000; us++) h.record(us * 1000);
  expect(h.count).toBe(10_000);
  expect(h.minNs).toBe(1000);
  expect(h.maxNs).toBe(10_000_000);
  expect(h.meanNs).toBe(5_000_500);
  const [p50, p99, p999] = h.percentilesNs([0.5, 0.99, 0.999]);
  for (const [got, want] of [[p50!, 5_000_000], [p99!, 9_900_000], [p999!, 9_990_000]] as const) {
    expect(Math.abs(got - want) / want).toBeLessThan(0.01);
  }
  expect(h.percentileNs(0)).toBeLessThanOrEqual(1010);
  expect(h.percentileNs(1)).toBe(10_000_000);
});

test('add merges and reset empties; out-of-range values are clamped, not lost', () => {
  const a = new LatencyHistogram();
  const b = new LatencyHistogram();
  a.record(100);
  b.record(1e9);
  b.record(-5);
  b.record(1e15); // ~11.6 days: past the range
  a.add(b);
  expect(a.count).toBe(4);
  expect(a.minNs).toBe(0);
  expect(a.maxNs).toBe(2 ** 40 - 1);
  expect(a.percentileNs(0.5)).toBe(100);
  a.reset();
  expect(a.count).toBe(0);
  expect(a.percentilesNs([0.5, 0.99])).toEqual([0, 0]);
  expect(a.maxNs).toBe(0);
});
