/** Values below this many µs get a bucket each. */
const LINEAR_LIMIT_US = 32;
/** Sub-buckets per power of two above that (relative error ≤ 1/16 = 6.25%). */
const SUB_BUCKET_BITS = 4;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
/** Largest recordable latency: 2^31 µs (~36 min); longer ones land in the last bucket. */
const MAX_EXPONENT = 31;
const BUCKET_COUNT = LINEAR_LIMIT_US + (MAX_EXPONENT - Math.log2(LINEAR_LIMIT_US) + 1) * SUB_BUCKETS;

/**
 * A fixed-size log-linear histogram of request latencies in microseconds (HdrHistogram's
 * idea, small): exact below 32 µs, then 16 buckets per power of two. Memory is constant
 * whatever the number of samples, so a step at 100k IOPS records every request.
 * Quantiles return the bucket's upper bound (at most 6.25% high, never low).
 */
export class LatencyHistogram {
  readonly #counts = new Float64Array(BUCKET_COUNT);
  #count = 0;
  #sumUs = 0;
  #maxUs = 0;

  get count(): number {
    return this.#count;
  }

  /** Records one latency (negative values count as 0). */
  record(latencyUs: number): void {
    const v = latencyUs > 0 ? latencyUs : 0;
    this.#counts[bucketOf(v)]!++;
    this.#count++;
    this.#sumUs += v;
    if (v > this.#maxUs) this.#maxUs = v;
  }

  /** Mean latency in µs (0 when empty). */
  meanUs(): number {
    return this.#count === 0 ? 0 : this.#sumUs / this.#count;
  }

  maxUs(): number {
    return this.#maxUs;
  }

  /** The latency at quantile `q` (0 < q ≤ 1) in µs, e.g. 0.99 for p99; 0 when empty. */
  quantileUs(q: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      seen += this.#counts[i]!;
      // The last bucket also holds clamped values, so its bound is the maximum seen.
      if (seen >= rank) return i === BUCKET_COUNT - 1 ? this.#maxUs : Math.min(bucketUpperUs(i), this.#maxUs);
    }
    return this.#maxUs;
  }
}

function bucketOf(us: number): number {
  const v = Math.min(Math.floor(us), 2 ** (MAX_EXPONENT + 1) - 1);
  if (v < LINEAR_LIMIT_US) return v;
  const exponent = 31 - Math.clz32(v);
  const sub = (v >>> (exponent - SUB_BUCKET_BITS)) & (SUB_BUCKETS - 1);
  return LINEAR_LIMIT_US + (exponent - Math.log2(LINEAR_LIMIT_US)) * SUB_BUCKETS + sub;
}

function bucketUpperUs(index: number): number {
  if (index < LINEAR_LIMIT_US) return index + 1;
  const rel = index - LINEAR_LIMIT_US;
  const exponent = Math.floor(rel / SUB_BUCKETS) + Math.log2(LINEAR_LIMIT_US);
  const sub = rel % SUB_BUCKETS;
  return (SUB_BUCKETS + sub + 1) * 2 ** (exponent - SUB_BUCKET_BITS);
}
