import type { DiskMeasurement, RampOutcome, StepResult } from './measure-disk';
import { RANDOM_REQUEST_BYTES, SEQUENTIAL_REQUEST_BYTES } from './measurement-plan';
import { formatBandwidth, formatBytes, formatIops, formatLatencyUs } from './units';

/** CPU time / wall time above which a step may have been limited by iotune's own thread. */
export const CPU_BOUND_FRACTION = 0.9;

/** Left-aligned columns separated by two spaces; the first row is the header. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/**
 * The end-of-run summary: one row per step with the retained result and its latencies,
 * then every level of both ramps (IOPS and p99) and why each ramp stopped. Rows whose
 * step kept iotune's thread busy (CPU ≥ 90% of wall time) are marked with `*`: the disk
 * may do more than one thread of JavaScript can drive.
 */
export function formatSummary(m: DiskMeasurement): string {
  const row = (name: string, sizeBytes: number, s: StepResult, rate: string): string[] => [
    name,
    formatBytes(sizeBytes),
    String(s.parallelism),
    `${rate}${s.result.cpuFraction >= CPU_BOUND_FRACTION ? ' *' : ''}`,
    formatLatencyUs(s.result.latencyUsP50),
    formatLatencyUs(s.result.latencyUsP99),
  ];
  const table = formatTable([
    ['step', 'request', 'in flight', 'result', 'p50', 'p99'],
    row('sequential write', SEQUENTIAL_REQUEST_BYTES, m.sequentialWrite, formatBandwidth(m.sequentialWrite.result.bandwidthBytesPerSec)),
    row('sequential read', SEQUENTIAL_REQUEST_BYTES, m.sequentialRead, formatBandwidth(m.sequentialRead.result.bandwidthBytesPerSec)),
    row('random read', RANDOM_REQUEST_BYTES, m.randomRead.best, formatIops(m.randomRead.best.result.iops)),
    row('random write', RANDOM_REQUEST_BYTES, m.randomWrite.best, formatIops(m.randomWrite.best.result.iops)),
  ]);
  const lines = [table, '', formatRamp('random read', m.randomRead), formatRamp('random write', m.randomWrite)];
  const steps = [m.sequentialWrite, m.sequentialRead, m.randomRead.best, m.randomWrite.best];
  if (steps.some((s) => s.result.cpuFraction >= CPU_BOUND_FRACTION)) {
    lines.push('', '* iotune used a whole CPU during this step: the disk may be faster than one thread can drive it.');
  }
  return lines.join('\n');
}

function formatRamp(name: string, ramp: RampOutcome): string {
  const levels = ramp.levels
    .map((l) => `${l.parallelism}: ${formatIops(l.result.iops).replace(' IOPS', '')} (p99 ${formatLatencyUs(l.result.latencyUsP99)})`)
    .join(', ');
  return `${name} by requests in flight: ${levels}; stopped: ${ramp.stopReason}`;
}
