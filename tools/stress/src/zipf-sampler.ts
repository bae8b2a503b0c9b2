// Zipf sampling by rejection-inversion (W. Hörmann and G. Derflinger, "Rejection-inversion
// to generate variates from monotone discrete distributions", ACM TOMACS 6(3), 1996): O(1)
// memory and expected O(1) time per sample for any population and any exponent > 0,
// without the O(n) harmonic-number table of the classic methods.
import type { SeededRandom } from './random';

/**
 * Draws k in [1, n] with probability proportional to k^-exponent. The method inverts the
 * integral H of the hat function h(x) = x^-exponent and rejects the few draws that fall
 * outside the histogram of the true probabilities.
 */
export class ZipfSampler {
  private readonly hIntegralX1: number;
  private readonly hIntegralN: number;
  private readonly s: number;

  constructor(
    private readonly n: number,
    private readonly exponent: number,
    private readonly random: SeededRandom,
  ) {
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`zipf population must be a positive integer, got ${n}`);
    if (!(exponent > 0 && Number.isFinite(exponent))) throw new RangeError(`zipf exponent must be > 0, got ${exponent}`);
    this.hIntegralX1 = this.hIntegral(1.5) - 1;
    this.hIntegralN = this.hIntegral(n + 0.5);
    this.s = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  next(): number {
    for (;;) {
      const u = this.hIntegralN + this.random.nextDouble() * (this.hIntegralX1 - this.hIntegralN);
      const x = this.hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > this.n) k = this.n;
      if (k - x <= this.s || u >= this.hIntegral(k + 0.5) - this.h(k)) return k;
    }
  }

  /** h(x) = x^-exponent. */
  private h(x: number): number {
    return Math.exp(-this.exponent * Math.log(x));
  }

  /** H(x) = (x^(1-exponent) - 1) / (1 - exponent), and log(x) when exponent = 1. */
  private hIntegral(x: number): number {
    const logX = Math.log(x);
    return expm1OverX((1 - this.exponent) * logX) * logX;
  }

  /** The inverse of H. */
  private hIntegralInverse(x: number): number {
    let t = x * (1 - this.exponent);
    if (t < -1) t = -1; // guards rounding at the lower end
    return Math.exp(log1pOverX(t) * x);
  }
}

/** log(1 + x) / x, continuous at 0. */
function log1pOverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

/** (e^x - 1) / x, continuous at 0. */
function expm1OverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + (x / 3) * (1 + 0.25 * x));
}
