import { ERROR_BACKOFF_MS, LoadRunner } from '../src/load-runner';
import { FakeClock, ManualExecutor } from './fake-clock';

/**
 * The fixed-rate (open-loop) scheduler on a fake clock: operation i is due at i / rate,
 * its latency counts from then even when it is sent late, and the lateness is reported.
 */

const MS = 1e6;

function runner(clock: FakeClock, executor: ManualExecutor, maxInFlight: number): LoadRunner {
  let row = 0;
  return new LoadRunner({ executor, clock, nextKind: () => 'write', nextRow: () => row++, maxInFlight, ratePerSec: 1000, intervalMs: 1000 });
}

test('an operation sent late is charged from its intended start; the service time and the lag are kept apart', async () => {
  const clock = new FakeClock();
  const exec = new ManualExecutor(clock);
  const phase = runner(clock, exec, 10).runPhase({ name: 'measure', ops: 5 });
  expect(exec.sent.map((o) => o.sentAt)).toEqual([0]); // op 0 is due at once
  clock.advanceTo(10); // the load generator stalls for 10 ms: ops 1..4 (due at 1..4 ms) go out late
  expect(exec.sent.map((o) => o.sentAt)).toEqual([0, 10, 10, 10, 10]);
  clock.advanceTo(12);
  for (const op of exec.sent) op.done(null, { rowLength: 0 });
  const { stats, stoppedBy, plannedOps } = await phase;
  expect(stoppedBy).toBe('done');
  expect(plannedOps).toBe(5);
  // From the intended start: 12, 11, 10, 9, 8 ms; from the send: 12, 2, 2, 2, 2 ms.
  expect(stats.total.write.count).toBe(5);
  expect(stats.total.write.maxNs).toBe(12 * MS);
  expect(stats.total.write.minNs).toBe(8 * MS);
  expect(stats.total.write.meanNs).toBe(10 * MS);
  expect(stats.service.maxNs).toBe(12 * MS);
  expect(stats.service.minNs).toBe(2 * MS);
  // Started 0, 9, 8, 7, 6 ms behind schedule.
  expect(stats.startLag.maxNs).toBe(9 * MS);
  expect(stats.startLag.meanNs).toBe(6 * MS);
});

test('at the in-flight bound, due operations wait for a completion and their wait counts as latency', async () => {
  const clock = new FakeClock();
  const exec = new ManualExecutor(clock);
  const phase = runner(clock, exec, 2).runPhase({ name: 'measure', ops: 4 });
  clock.advanceTo(5); // ops 1..3 are due, one slot is free
  expect(exec.sent.map((o) => o.sentAt)).toEqual([0, 5]);
  clock.advanceTo(6);
  exec.sent[0]!.done(null); // frees a slot: op 2 (due at 2) goes out at 6
  clock.advanceTo(7);
  exec.sent[1]!.done(null); // op 3 (due at 3) goes out at 7
  expect(exec.sent.map((o) => o.sentAt)).toEqual([0, 5, 6, 7]);
  clock.advanceTo(8);
  exec.sent[2]!.done(null);
  exec.sent[3]!.done(null);
  const { stats } = await phase;
  // op0 0→6, op1 1→7, op2 2→8, op3 3→8.
  expect(stats.total.write.maxNs).toBe(6 * MS);
  expect(stats.total.write.minNs).toBe(5 * MS);
  expect(stats.startLag.maxNs).toBe(4 * MS);
});

test('a duration-bounded phase plans rate x duration operations and keeps to the timetable when on time', async () => {
  const clock = new FakeClock();
  const exec = new ManualExecutor(clock);
  const phase = runner(clock, exec, 100).runPhase({ name: 'measure', durationMs: 10 });
  for (let t = 1; t <= 10; t++) {
    clock.advanceTo(t);
    for (const op of exec.sent) if (op.sentAt === t - 1) op.done(null);
  }
  const { stats, plannedOps } = await phase;
  expect(plannedOps).toBe(10);
  expect(exec.sent.map((o) => o.sentAt)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(stats.startLag.maxNs).toBe(0);
  expect(stats.total.write.maxNs).toBe(1 * MS);
});

test('the closed loop keeps its slots busy, times from the send, backs off after a failure, and stops past --max-errors', async () => {
  const clock = new FakeClock();
  const exec = new ManualExecutor(clock);
  const r = new LoadRunner({ executor: exec, clock, nextKind: () => 'read', nextRow: () => 7, maxInFlight: 1, maxErrors: 2, intervalMs: 1000 });
  const phase = r.runPhase({ name: 'measure', ops: 100 });
  clock.advanceTo(3);
  exec.sent[0]!.done(null, { rowLength: 1 });
  clock.advanceTo(4);
  exec.sent[1]!.done(null, { rowLength: 0 }); // a miss
  exec.sent[2]!.done(Object.assign(new Error('timed out 2'), { kind: 'readTimeout' }));
  // After a failure the slot waits ERROR_BACKOFF_MS before its next request.
  expect(exec.sent).toHaveLength(3);
  clock.advanceTo(4 + ERROR_BACKOFF_MS);
  expect(exec.sent).toHaveLength(4);
  exec.sent[3]!.done(Object.assign(new Error('timed out 3'), { kind: 'readTimeout' }));
  clock.advanceTo(4 + 2 * ERROR_BACKOFF_MS);
  exec.sent[4]!.done(Object.assign(new Error('timed out 4'), { kind: 'readTimeout' }));
  const { stats, stoppedBy } = await phase;
  expect(stoppedBy).toBe('max-errors');
  expect(exec.sent).toHaveLength(5);
  expect(stats.errors).toBe(3);
  expect(stats.errorsByKind.get('readTimeout')).toEqual({ count: 3, sample: 'timed out 2' });
  expect(stats.misses).toBe(1);
  expect(stats.total.read.count).toBe(2);
  expect(stats.total.read.maxNs).toBe(3 * MS);
  expect(stats.total.read.minNs).toBe(1 * MS);
});
