import { LatencyHistogram } from '../src/latency-histogram';

describe('LatencyHistogram', () => {
  test('exact below 32 µs', () => {
    const h = new LatencyHistogram();
    for (let v = 0; v < 30; v++) h.record(v);
    expect(h.quantileUs(0.5)).toBe(15);
    expect(h.count).toBe(30);
  });

  test('quantiles are at most 6.25% high and never low', () => {
    const h = new LatencyHistogram();
    for (let v = 1; v <= 100_000; v++) h.record(v);
    for (const q of [0.5, 0.9, 0.99, 0.999]) {
      const exact = q * 100_000;
      expect(h.quantileUs(q)).toBeGreaterThanOrEqual(exact);
      expect(h.quantileUs(q)).toBeLessThanOrEqual(exact * 1.0625 + 1);
    }
    expect(h.quantileUs(1)).toBe(100_000);
    expect(h.meanUs()).toBeCloseTo(50_000.5);
  });

  test('empty gives zeros; huge values are clamped into the last bucket', () => {
    const h = new LatencyHistogram();
    expect(h.quantileUs(0.99)).toBe(0);
    h.record(1e13);
    expect(h.quantileUs(0.99)).toBe(1e13);
  });
});
