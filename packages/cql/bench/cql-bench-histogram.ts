// A latency histogram for the CQL benchmark's load generator, in the manner of
// HdrHistogram: log-linear buckets over whole microseconds, so memory is fixed whatever the
// run length and a percentile is off by at most 1/SUB_BUCKETS (under 1 %) of its value.

/** Linear sub-buckets per power of two: the relative precision of a recorded value. */
const SUB_BUCKET_BITS = 7;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
/** Values at or above this (about 71 minutes in µs) land in the last bucket. */
const MAX_VALUE_US = 2 ** 32;
const BUCKET_COUNT = (32 - SUB_BUCKET_BITS + 1) * SUB_BUCKETS;

/**
 * Counts latencies in microseconds. Values below SUB_BUCKETS µs are exact; above, each
 * power of two is split into SUB_BUCKETS equal buckets. `percentileUs` returns the upper
 * edge of the bucket that holds the requested rank (a slight over- rather than
 * under-statement).
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKET_COUNT);
  private total = 0;
  private sumUs = 0;
  private maxSeenUs = 0;

  record(valueUs: number): void {
    const v = Math.min(MAX_VALUE_US - 1, Math.max(0, Math.round(valueUs)));
    this.counts[bucketOf(v)]!++;
    this.total++;
    this.sumUs += v;
    if (v > this.maxSeenUs) this.maxSeenUs = v;
  }

  get count(): number {
    return this.total;
  }

  get meanUs(): number {
    return this.total === 0 ? 0 : this.sumUs / this.total;
  }

  get maxUs(): number {
    return this.maxSeenUs;
  }

  /** The value at quantile q (0..1) in µs; 0 when nothing was recorded. */
  percentileUs(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(upperEdgeOf(i), this.maxSeenUs);
    }
    return this.maxSeenUs;
  }
}

function bucketOf(v: number): number {
  if (v < SUB_BUCKETS) return v;
  const exponent = 31 - Math.clz32(v) - SUB_BUCKET_BITS + 1; // >= 1
  const sub = v >>> exponent; // in [SUB_BUCKETS / 2, SUB_BUCKETS)
  return exponent * SUB_BUCKETS + sub;
}

/** The largest value that maps to bucket i. */
function upperEdgeOf(i: number): number {
  const exponent = Math.floor(i / SUB_BUCKETS);
  const sub = i % SUB_BUCKETS;
  if (exponent === 0) return sub;
  return (sub + 1) * 2 ** exponent - 1;
}
