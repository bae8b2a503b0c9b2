// A latency histogram in the manner of HdrHistogram: log-linear buckets over whole
// nanoseconds, so memory is fixed whatever the run length (one Float64Array of
// BUCKET_COUNT counts, 34 KiB) and a percentile is within 1/128 (0.8 %) of the true value.

/** Linear sub-buckets per power of two above the exact range (2^SUB_BUCKET_BITS / 2 of them are used). */
const SUB_BUCKET_BITS = 8;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
const HALF_SUB_BUCKETS = SUB_BUCKETS / 2;
/** Largest exponent of a value the histogram tells apart: values at or above 2^40 ns (about 18 minutes) share the last bucket. */
const MAX_VALUE_BITS = 40;
const MAX_VALUE_NS = 2 ** MAX_VALUE_BITS - 1;
const BUCKET_COUNT = (MAX_VALUE_BITS - SUB_BUCKET_BITS + 2) * HALF_SUB_BUCKETS;
const TWO_POW_32 = 2 ** 32;

/**
 * Counts latencies in nanoseconds. Values below 256 ns are counted exactly; above, each
 * power of two [2^k, 2^(k+1)) is split into 128 equal buckets, so a bucket is at most 1/128
 * of the values in it wide. `percentileNs` returns the upper edge of the bucket holding the
 * requested rank (never an understatement), clipped to the largest value recorded. The
 * maximum, minimum and mean are exact.
 *
 * Recording is an index computation and one array increment: no allocation, so the load
 * generator can record every operation.
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKET_COUNT);
  private total = 0;
  private sumNs = 0;
  private maxSeenNs = 0;
  private minSeenNs = Infinity;

  /** Adds one value (negative values count as 0, values past ~18 minutes as ~18 minutes). */
  record(valueNs: number): void {
    const v = valueNs <= 0 ? 0 : valueNs >= MAX_VALUE_NS ? MAX_VALUE_NS : Math.round(valueNs);
    this.counts[bucketOf(v)]!++;
    this.total++;
    this.sumNs += v;
    if (v > this.maxSeenNs) this.maxSeenNs = v;
    if (v < this.minSeenNs) this.minSeenNs = v;
  }

  /** Adds every value of `other` to this histogram. */
  add(other: LatencyHistogram): void {
    if (other.total === 0) return;
    for (let i = 0; i < BUCKET_COUNT; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
    this.sumNs += other.sumNs;
    if (other.maxSeenNs > this.maxSeenNs) this.maxSeenNs = other.maxSeenNs;
    if (other.minSeenNs < this.minSeenNs) this.minSeenNs = other.minSeenNs;
  }

  /** Forgets every value. */
  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.sumNs = 0;
    this.maxSeenNs = 0;
    this.minSeenNs = Infinity;
  }

  get count(): number {
    return this.total;
  }

  get meanNs(): number {
    return this.total === 0 ? 0 : this.sumNs / this.total;
  }

  get maxNs(): number {
    return this.maxSeenNs;
  }

  get minNs(): number {
    return this.total === 0 ? 0 : this.minSeenNs;
  }

  /** The value at quantile q (0..1) in ns; 0 when nothing was recorded. */
  percentileNs(q: number): number {
    return this.percentilesNs([q])[0]!;
  }

  /** The values at several quantiles (each 0..1, in any order) in one pass over the buckets. */
  percentilesNs(qs: readonly number[]): number[] {
    const out = new Array<number>(qs.length).fill(0);
    if (this.total === 0) return out;
    const order = qs.map((q, i) => ({ rank: Math.max(1, Math.ceil(Math.min(1, Math.max(0, q)) * this.total)), i })).sort((a, b) => a.rank - b.rank);
    let next = 0;
    let seen = 0;
    for (let b = 0; b < BUCKET_COUNT && next < order.length; b++) {
      seen += this.counts[b]!;
      while (next < order.length && seen >= order[next]!.rank) {
        out[order[next]!.i] = Math.max(this.minSeenNs, Math.min(upperEdgeOf(b), this.maxSeenNs));
        next++;
      }
    }
    for (; next < order.length; next++) out[order[next]!.i] = this.maxSeenNs;
    return out;
  }
}

/** floor(log2(v)) for an integer 1 <= v < 2^53. */
function log2Floor(v: number): number {
  return v < TWO_POW_32 ? 31 - Math.clz32(v) : 63 - Math.clz32(Math.floor(v / TWO_POW_32));
}

function bucketOf(v: number): number {
  if (v < SUB_BUCKETS) return v;
  const exponent = log2Floor(v) - SUB_BUCKET_BITS + 1; // >= 1
  const sub = Math.floor(v / 2 ** exponent); // in [HALF_SUB_BUCKETS, SUB_BUCKETS)
  return exponent * HALF_SUB_BUCKETS + sub;
}

/** The largest value that maps to bucket i. */
function upperEdgeOf(i: number): number {
  if (i < SUB_BUCKETS) return i;
  const exponent = Math.floor(i / HALF_SUB_BUCKETS) - 1;
  const sub = i - exponent * HALF_SUB_BUCKETS;
  return (sub + 1) * 2 ** exponent - 1;
}
