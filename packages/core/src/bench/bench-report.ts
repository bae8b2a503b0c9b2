/** One benchmark result, printed as a `BENCH {...}` line (DESIGN.md §8). */
export interface BenchResult {
  suite: string;
  metric: string;
  value: number;
  unit: string;
  /** Anything that helps read the number: parameters, a comparison figure, the target. */
  [extra: string]: unknown;
}

/**
 * Prints one benchmark result as `BENCH {"suite":…,"metric":…,"value":…,"unit":…}` on
 * stdout. Benchmarks report numbers and never fail on speed; only a broken benchmark
 * (an exception) fails.
 */
export function reportBench(result: BenchResult): void {
  process.stdout.write(`BENCH ${JSON.stringify(result)}\n`);
}
