import { ProgressReporter } from '../src/report';

const snap = { ops: 1500, errors: 2, p50Ns: 1_234_000, p99Ns: 9_876_000, maxNs: 12_000_000 };

function capture(isTTY: boolean): { io: { stdout: { write: (s: string) => number; isTTY: boolean }; stderr: { write: (s: string) => number } }; out: string[] } {
  const out: string[] = [];
  return { io: { stdout: { write: (s: string) => out.push(s), isTTY }, stderr: { write: (s: string) => out.push(s) } }, out };
}

test('on a terminal the progress is one line rewritten in place, ended before the next phase', () => {
  const { io, out } = capture(true);
  const r = new ProgressReporter(io, 'text', false);
  r.interval('measure', snap, { elapsedMs: 1000, intervalMs: 1000, behindMs: 0 });
  r.interval('measure', snap, { elapsedMs: 2000, intervalMs: 500, behindMs: 12.4 });
  expect(out[0]).toBe('\r\x1b[Kmeasure     1.0s     1,500 ops/s  p50 1.234 ms  p99 9.876 ms  errors 2');
  expect(out[1]).toBe('\r\x1b[Kmeasure     2.0s     3,000 ops/s  p50 1.234 ms  p99 9.876 ms  errors 2  behind 12 ms');
  r.phaseStarted('next', 'x');
  expect(out.slice(2)).toEqual(['\n', 'next: x\n']);
});

test('elsewhere one line per interval; --quiet prints none; json prints records', () => {
  const text = capture(false);
  new ProgressReporter(text.io, 'text', false).interval('warmup', snap, { elapsedMs: 1000, intervalMs: 1000, behindMs: 0 });
  expect(text.out).toEqual(['warmup      1.0s     1,500 ops/s  p50 1.234 ms  p99 9.876 ms  errors 2\n']);
  const quiet = capture(false);
  new ProgressReporter(quiet.io, 'text', true).interval('warmup', snap, { elapsedMs: 1000, intervalMs: 1000, behindMs: 0 });
  expect(quiet.out).toEqual([]);
  const json = capture(true);
  new ProgressReporter(json.io, 'json', false).interval('measure', snap, { elapsedMs: 1000, intervalMs: 1000, behindMs: 0.5 });
  expect(JSON.parse(json.out[0]!)).toEqual({ type: 'interval', phase: 'measure', elapsedSec: 1, opsPerSec: 1500, p50Ms: 1.234, p99Ms: 9.876, maxMs: 12, errors: 2, behindMs: 0.5 });
});
