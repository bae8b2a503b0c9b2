/**
 * A fixed-bucket, log-linear latency histogram (the HdrHistogram idea at low precision):
 * each power of two of microseconds is split into {@link SUB_BUCKETS_PER_OCTAVE} equal
 * buckets, so a reported percentile is at most 12.5% above the true value, and memory is
 * fixed (under 2 KiB) however many values are recorded.
 *
 * Thread: one instance per scheduling group, written and read on the shard's thread.
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKET_COUNT);
  private total = 0;
  private maxMs = 0;
  private sumMs = 0;

  /** Records one value in milliseconds (negative values count as 0). */
  record(valueMs: number): void {
    const v = valueMs > 0 ? valueMs : 0;
    this.counts[bucketOf(v * 1000)]! += 1;
    this.total++;
    this.sumMs += v;
    if (v > this.maxMs) this.maxMs = v;
  }

  get count(): number {
    return this.total;
  }

  get totalMs(): number {
    return this.sumMs;
  }

  get max(): number {
    return this.maxMs;
  }

  /**
   * The value at quantile q (0 < q ≤ 1) in milliseconds: the upper bound of the bucket that
   * holds it, never more than the largest recorded value; 0 when nothing was recorded.
   */
  quantileMs(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(bucketUpperUs(i) / 1000, this.maxMs);
    }
    return this.maxMs;
  }
}

/** Buckets per power of two; 8 gives ≤ 12.5% relative error. */
const SUB_BUCKETS_PER_OCTAVE = 8;
/** Powers of two of microseconds covered: 2^32 µs is over an hour; larger values clamp. */
const OCTAVES = 32;
/** Bucket 0 holds values under 1 µs; then OCTAVES × SUB_BUCKETS_PER_OCTAVE buckets. */
const BUCKET_COUNT = 1 + OCTAVES * SUB_BUCKETS_PER_OCTAVE;

function bucketOf(valueUs: number): number {
  if (valueUs < 1) return 0;
  const octave = Math.floor(Math.log2(valueUs));
  if (octave >= OCTAVES) return BUCKET_COUNT - 1;
  const sub = Math.floor((valueUs / 2 ** octave - 1) * SUB_BUCKETS_PER_OCTAVE);
  return 1 + octave * SUB_BUCKETS_PER_OCTAVE + Math.min(sub, SUB_BUCKETS_PER_OCTAVE - 1);
}

function bucketUpperUs(index: number): number {
  if (index === 0) return 1;
  const octave = Math.floor((index - 1) / SUB_BUCKETS_PER_OCTAVE);
  const sub = (index - 1) % SUB_BUCKETS_PER_OCTAVE;
  return 2 ** octave * (1 + (sub + 1) / SUB_BUCKETS_PER_OCTAVE);
}
