import type { IntervalTiming } from './load-runner';
import type { IntervalSnapshot } from './phase-stats';
import type { LatencySummaryMs, StressSummary } from './stress-summary';
import { formatCount, nsToMs } from './units';

/** Where output goes; `isTTY` picks the live progress line. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** The process's streams (injected, so tests can capture them). */
export interface StressIo {
  stdout: OutputStream;
  stderr: OutputStream;
}

/**
 * Progress output during a run. Text on a terminal: one live line rewritten every
 * interval. Text elsewhere: one line per interval. JSON: one JSON object per line
 * (`phase`, `interval`, then the summary). `quiet` keeps only phase records and the summary.
 */
export class ProgressReporter {
  private liveLine = false;

  constructor(
    private readonly io: StressIo,
    private readonly format: 'text' | 'json',
    private readonly quiet: boolean,
  ) {}

  phaseStarted(phase: string, description: string): void {
    this.endLiveLine();
    if (this.format === 'json') this.json({ type: 'phase', phase, description, time: new Date().toISOString() });
    else if (!this.quiet) this.io.stdout.write(`${phase}: ${description}\n`);
  }

  interval(phase: string, snap: IntervalSnapshot, timing: IntervalTiming): void {
    if (this.quiet) return;
    const opsPerSec = timing.intervalMs > 0 ? Math.round((snap.ops * 1000) / timing.intervalMs) : 0;
    if (this.format === 'json') {
      this.json({
        type: 'interval',
        phase,
        elapsedSec: Math.round(timing.elapsedMs) / 1000,
        opsPerSec,
        p50Ms: nsToMs(snap.p50Ns),
        p99Ms: nsToMs(snap.p99Ns),
        maxMs: nsToMs(snap.maxNs),
        errors: snap.errors,
        behindMs: Math.round(timing.behindMs * 1000) / 1000,
      });
      return;
    }
    const behind = timing.behindMs >= 1 ? `  behind ${Math.round(timing.behindMs)} ms` : '';
    const line =
      `${phase.padEnd(7)} ${(timing.elapsedMs / 1000).toFixed(1).padStart(7)}s ${formatCount(opsPerSec).padStart(9)} ops/s` +
      `  p50 ${ms(nsToMs(snap.p50Ns))}  p99 ${ms(nsToMs(snap.p99Ns))}  errors ${snap.errors}${behind}`;
    if (this.io.stdout.isTTY === true) {
      this.io.stdout.write(`\r\x1b[K${line}`);
      this.liveLine = true;
    } else {
      this.io.stdout.write(`${line}\n`);
    }
  }

  summary(s: StressSummary): void {
    this.endLiveLine();
    if (this.format === 'json') this.json(s);
    else this.io.stdout.write(formatSummary(s));
  }

  private endLiveLine(): void {
    if (this.liveLine) this.io.stdout.write('\n');
    this.liveLine = false;
  }

  private json(record: object): void {
    this.io.stdout.write(`${JSON.stringify(record)}\n`);
  }
}

function ms(v: number): string {
  return `${v.toFixed(3)} ms`;
}

function latencyLine(l: LatencySummaryMs): string {
  return `p50 ${l.p50.toFixed(3)}  p95 ${l.p95.toFixed(3)}  p99 ${l.p99.toFixed(3)}  p999 ${l.p999.toFixed(3)}  max ${l.max.toFixed(3)}`;
}

/** The human-readable summary printed at the end of a run. */
export function formatSummary(s: StressSummary): string {
  const c = s.config;
  const shape =
    s.mode === 'fixed-rate'
      ? `fixed rate ${formatCount(c.ratePerSec!)}/s (at most ${c.concurrency} outstanding per connection)`
      : `closed loop, ${c.concurrency} in flight per connection`;
  const lines = [
    `Results: ${s.workload}, ${shape}, ${c.connections} connection(s), CL ${c.consistency}${s.stoppedBy === 'done' ? '' : ` — stopped early (${s.stoppedBy})`}`,
    `  elapsed         ${s.elapsedSec.toFixed(2)} s`,
    `  ops             ${formatCount(s.ops)}`,
    `  ops/s           ${formatCount(s.opsPerSec)}`,
    `  latency ms      ${latencyLine(s.latencyMs)}${s.mode === 'fixed-rate' ? '  (from intended start)' : ''}`,
  ];
  if (s.workload === 'mixed') {
    for (const [kind, b] of Object.entries(s.byOp)) lines.push(`    ${kind.padEnd(5)} ${formatCount(b.ops).padStart(9)}  ${latencyLine(b.latencyMs)}`);
  }
  if (s.fixedRate !== null) {
    lines.push(`  service ms      ${latencyLine(s.fixedRate.serviceLatencyMs)}  (from actual send)`);
    const lag = s.fixedRate.startLagMs;
    lines.push(`  behind schedule mean ${lag.mean.toFixed(3)} ms  p99 ${lag.p99.toFixed(3)} ms  max ${lag.max.toFixed(3)} ms`);
  }
  lines.push(`  errors          ${formatCount(s.errors)}`);
  for (const [kind, e] of Object.entries(s.errorsByKind)) lines.push(`    ${kind}: ${formatCount(e.count)} (e.g. ${e.sample.replace(/\s*\n\s*/g, ' ')})`);
  if (s.misses > 0 || s.byOp.read !== undefined) lines.push(`  reads not found ${formatCount(s.misses)}`);
  lines.push(`  client          ${s.client.cpuUsPerOp} µs CPU/op, event-loop delay p99 ${s.client.loopDelayP99Ms} ms max ${s.client.loopDelayMaxMs} ms`);
  if (s.shards !== null) {
    lines.push(`  shards          connections on shards ${s.shards.perConnection.join(',')} of ${s.shards.shardCount}${s.shards.balanced ? '' : ' (uneven)'}`);
  }
  return `${lines.join('\n')}\n`;
}
