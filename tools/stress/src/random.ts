// A small seeded pseudo-random generator, so a run's key choices are the same every time
// it is started with the same --seed (and tests can check distributions on a fixed seed).

const TWO_POW_21 = 2 ** 21;
const TWO_POW_53 = 2 ** 53;

/**
 * xoshiro128** (Blackman and Vigna): 32-bit outputs, period 2^128 - 1, four words of state
 * filled from the seed by splitmix32. Not for cryptography.
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
  }

  /** A uniform unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number {
    return (this.nextUint32() * TWO_POW_21 + (this.nextUint32() >>> 11)) / TWO_POW_53;
  }

  /** A uniform integer in [0, n) for 1 <= n <= 2^53. */
  nextInt(n: number): number {
    return Math.floor(this.nextDouble() * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
