/** Parallelism levels of the random IOPS steps: 1, 2, 4, … 128. */
export const RAMP_PARALLELISM_LEVELS: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128];
/** A level must beat the best so far by this fraction, or the ramp stops. */
export const RAMP_MIN_GAIN_FRACTION = 0.05;
/** p99 latency above which a level is refused and the ramp stops: at least this … */
export const RAMP_LATENCY_LIMIT_MIN_US = 5000;
/** … and at least this many times the p99 at parallelism 1 (a disk slow at depth 1, an HDD, is not refused outright). */
export const RAMP_LATENCY_LIMIT_FACTOR = 4;

/** One measured level. */
export interface RampLevelResult {
  parallelism: number;
  iops: number;
  latencyUsP99: number;
}

/**
 * The policy of one random-IOPS step: try rising parallelism and stop when it no longer
 * pays. After each level: a p99 above the latency limit (max(5 ms, 4 × the p99 at
 * parallelism 1)) refuses that level and stops; IOPS less than 5% above the best so far
 * stops (that level still counts); the last level stops. The answer is the level with
 * the most IOPS among those within the latency limit: the disk's sustained rate with a
 * queue as deep as is still useful. Pure: the caller measures, this decides.
 */
export class ParallelismRamp {
  readonly #levels: readonly number[];
  readonly #results: RampLevelResult[] = [];
  #best: RampLevelResult | null = null;
  #stopReason: string | null = null;

  constructor(levels: readonly number[] = RAMP_PARALLELISM_LEVELS) {
    if (levels.length === 0) throw new Error('ParallelismRamp needs at least one level');
    this.#levels = levels;
  }

  /** The parallelism to measure next, or null when the ramp has stopped. */
  next(): number | null {
    return this.#stopReason === null ? (this.#levels[this.#results.length] ?? null) : null;
  }

  /** The p99 a level may reach before it is refused, once parallelism 1 is measured. */
  latencyLimitUs(): number | null {
    const first = this.#results[0];
    return first === undefined ? null : Math.max(RAMP_LATENCY_LIMIT_MIN_US, RAMP_LATENCY_LIMIT_FACTOR * first.latencyUsP99);
  }

  /** Records the level {@link next} asked for. */
  record(result: RampLevelResult): void {
    const expected = this.next();
    if (expected === null || result.parallelism !== expected) {
      throw new Error(`ParallelismRamp expected parallelism ${String(expected)}, got ${result.parallelism}`);
    }
    this.#results.push(result);
    const limitUs = this.latencyLimitUs()!;
    const bestBefore = this.#best;
    if (this.#results.length > 1 && result.latencyUsP99 > limitUs) {
      this.#stopReason = `p99 ${(result.latencyUsP99 / 1000).toFixed(2)} ms passed the ${(limitUs / 1000).toFixed(2)} ms limit`;
      return;
    }
    if (bestBefore === null || result.iops > bestBefore.iops) this.#best = result;
    if (bestBefore !== null && result.iops < bestBefore.iops * (1 + RAMP_MIN_GAIN_FRACTION)) {
      this.#stopReason = `IOPS grew less than ${RAMP_MIN_GAIN_FRACTION * 100}%`;
    } else if (this.#results.length === this.#levels.length) {
      this.#stopReason = `highest parallelism (${result.parallelism}) reached`;
    }
  }

  /** The best level within the latency limit (null before the first level). */
  get best(): RampLevelResult | null {
    return this.#best;
  }

  /** Why the ramp stopped (null while it runs). */
  get stopReason(): string | null {
    return this.#stopReason;
  }

  get results(): readonly RampLevelResult[] {
    return this.#results;
  }
}
