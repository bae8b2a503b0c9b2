import { createKeySampler } from '../src/key-distribution';
import { SeededRandom } from '../src/random';
import { ZipfSampler } from '../src/zipf-sampler';

const SAMPLES = 400_000;

function frequencies(n: number, exponent: number, seed: number): number[] {
  const zipf = new ZipfSampler(n, exponent, new SeededRandom(seed));
  const counts = new Array<number>(n + 1).fill(0);
  for (let i = 0; i < SAMPLES; i++) counts[zipf.next()]!++;
  return counts.map((c) => c / SAMPLES);
}

function expected(n: number, exponent: number): number[] {
  let norm = 0;
  for (let k = 1; k <= n; k++) norm += k ** -exponent;
  return Array.from({ length: n + 1 }, (_, k) => (k === 0 ? 0 : k ** -exponent / norm));
}

test.each([0.5, 0.99, 1, 1.2, 2])('zipf frequencies follow k^-%s on a fixed seed', (exponent) => {
  const n = 100;
  const got = frequencies(n, exponent, 42);
  const want = expected(n, exponent);
  expect(got[0]).toBe(0);
  // Each of the ten most popular ranks within 5 % of its probability (the sampling error
  // at 400k draws is well under that), and the whole table close in total variation.
  for (let k = 1; k <= 10; k++) expect(Math.abs(got[k]! - want[k]!) / want[k]!).toBeLessThan(0.05);
  const tv = got.reduce((sum, g, k) => sum + Math.abs(g - want[k]!), 0) / 2;
  expect(tv).toBeLessThan(0.01);
  // The slope of log frequency against log rank is -exponent.
  expect(Math.log(got[1]! / got[8]!) / Math.log(8)).toBeCloseTo(exponent, 1);
});

test('zipf stays in range for a huge population and is reproducible from its seed', () => {
  const a = new ZipfSampler(1e12, 1.1, new SeededRandom(3));
  const b = new ZipfSampler(1e12, 1.1, new SeededRandom(3));
  for (let i = 0; i < 10_000; i++) {
    const v = a.next();
    expect(v).toBe(b.next());
    expect(v >= 1 && v <= 1e12 && Number.isInteger(v)).toBe(true);
  }
  expect(() => new ZipfSampler(10, 0, new SeededRandom(1))).toThrow(/exponent/);
});

test('seq writes the population in order and wraps; uniform covers it evenly; zipf row 0 is the most popular', () => {
  const seq = createKeySampler({ kind: 'seq' }, 3, new SeededRandom(1));
  expect(Array.from({ length: 7 }, () => seq.next())).toEqual([0, 1, 2, 0, 1, 2, 0]);
  const uniform = createKeySampler({ kind: 'uniform' }, 10, new SeededRandom(1));
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 100_000; i++) counts[uniform.next()]!++;
  for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  const zipf = createKeySampler({ kind: 'zipf', exponent: 1 }, 10, new SeededRandom(1));
  const z = new Array<number>(10).fill(0);
  for (let i = 0; i < 10_000; i++) z[zipf.next()]!++;
  expect(z.indexOf(Math.max(...z))).toBe(0);
});
