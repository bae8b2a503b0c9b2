import { ParallelismRamp } from '../src/parallelism-ramp';

/** Feeds the ramp one IOPS/p99 pair per level it asks for; returns the levels run. */
function drive(ramp: ParallelismRamp, measured: Record<number, [iops: number, p99Us: number]>): number[] {
  const run: number[] = [];
  for (let p = ramp.next(); p !== null; p = ramp.next()) {
    const [iops, latencyUsP99] = measured[p]!;
    ramp.record({ parallelism: p, iops, latencyUsP99 });
    run.push(p);
  }
  return run;
}

describe('ParallelismRamp', () => {
  test('doubles parallelism while IOPS grow and stops at the first gain under 5%', () => {
    const ramp = new ParallelismRamp();
    const run = drive(ramp, { 1: [1000, 200], 2: [2000, 220], 4: [3900, 250], 8: [4000, 400] });
    expect(run).toEqual([1, 2, 4, 8]);
    expect(ramp.best).toMatchObject({ parallelism: 8, iops: 4000 });
    expect(ramp.stopReason).toBe('IOPS grew less than 5%');
  });

  test('keeps the best level when a later one is lower', () => {
    const ramp = new ParallelismRamp();
    drive(ramp, { 1: [1000, 200], 2: [2000, 220], 4: [1500, 300] });
    expect(ramp.best).toMatchObject({ parallelism: 2, iops: 2000 });
  });

  test('refuses a level whose p99 passes max(5 ms, 4 × the p99 at parallelism 1) and stops', () => {
    const ramp = new ParallelismRamp();
    drive(ramp, { 1: [1000, 200], 2: [2000, 300], 4: [4000, 5001] });
    expect(ramp.latencyLimitUs()).toBe(5000);
    expect(ramp.best).toMatchObject({ parallelism: 2 });
    expect(ramp.stopReason).toMatch(/^p99 5\.00 ms passed the 5\.00 ms limit/);
  });

  test('a disk slow at depth 1 (an HDD) gets a limit relative to its own latency', () => {
    const ramp = new ParallelismRamp();
    drive(ramp, { 1: [100, 12_000], 2: [180, 30_000], 4: [300, 47_000], 8: [320, 60_000] });
    expect(ramp.latencyLimitUs()).toBe(48_000);
    expect(ramp.best).toMatchObject({ parallelism: 4, iops: 300 });
  });

  test('stops after the last level when IOPS keep growing', () => {
    const ramp = new ParallelismRamp([1, 2, 4]);
    expect(drive(ramp, { 1: [1, 10], 2: [2, 10], 4: [4, 10] })).toEqual([1, 2, 4]);
    expect(ramp.stopReason).toBe('highest parallelism (4) reached');
    expect(ramp.best).toMatchObject({ parallelism: 4 });
  });

  test('refuses a result for a level it did not ask for', () => {
    const ramp = new ParallelismRamp();
    expect(() => ramp.record({ parallelism: 2, iops: 1, latencyUsP99: 1 })).toThrow(/expected parallelism 1/);
  });
});
