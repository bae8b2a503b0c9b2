// The CQL benchmark's load: one run of the built `stress` tool (tools/stress) per phase, in
// its own process (so the driver's CPU is not in the node's /proc accounting). Packages may
// not import tools, so the benchmark spawns the command line a user would run, with
// `--format json --quiet`: stress then prints a `phase` record when the measured run starts
// (after its warm-up) and the summary when it ends, and the benchmark reads the node's CPU
// at those two moments.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { onLines, REPO_ROOT } from './cql-bench-node';

const STRESS_MAIN = path.join(REPO_ROOT, 'tools', 'stress', 'dist', 'src', 'main.js');

/** Latency figures of a stress summary, ms. */
export interface StressLatencyMs {
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/**
 * The fields of stress's JSON summary the benchmark reads (tools/stress/README.md documents
 * the whole record; fields are only ever added there).
 */
export interface StressSummary {
  stoppedBy: string;
  warmup: null | { ops: number; errors: number; elapsedSec: number };
  elapsedSec: number;
  ops: number;
  opsPerSec: number;
  errors: number;
  errorsByKind: Record<string, { count: number; sample: string }>;
  misses: number;
  latencyMs: StressLatencyMs;
  fixedRate: null | { targetOpsPerSec: number; plannedOps: number; serviceLatencyMs: StressLatencyMs; startLagMs: { mean: number; p99: number; max: number } };
  client: { cpuUsPerOp: number; loopDelayP99Ms: number; loopDelayMaxMs: number };
  shards: null | { perConnection: number[]; shardCount: number; balanced: boolean; attempts: number };
}

/** Hooks around the measured part of a run. */
export interface StressHooks {
  /** The measured run is starting (warm-up and connection set-up are over). */
  onMeasureStart(): Promise<void> | void;
  /** The measured run ended (stress is closing its connections). */
  onMeasureEnd(): Promise<void> | void;
  /** The stress process, while it runs (null once it has exited), so the benchmark can stop it on its way out. */
  onProcess?(proc: ChildProcess | null): void;
}

/** Runs `stress ARGS --format json --quiet` to its end and resolves with its summary; rejects when it fails. */
export async function runStress(args: string[], hooks: StressHooks): Promise<StressSummary> {
  if (!fs.existsSync(STRESS_MAIN)) throw new Error(`${STRESS_MAIN} is missing; run the build (npx tsc -b) first`);
  const proc = spawn(process.execPath, [STRESS_MAIN, ...args, '--format', 'json', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  hooks.onProcess?.(proc);
  let summary: StressSummary | null = null;
  // Hooks run in order, one at a time, as the records arrive.
  let chain = Promise.resolve();
  let hookError: unknown = null;
  const later = (fn: () => Promise<void> | void): void => {
    chain = chain.then(fn).catch((err: unknown) => {
      hookError ??= err;
    });
  };
  onLines(proc.stdout, (line) => {
    const rec = JSON.parse(line) as { type?: string; phase?: string };
    if (rec.type === 'phase' && rec.phase === 'measure') later(() => hooks.onMeasureStart());
    else if (rec.type === 'summary') {
      summary = rec as unknown as StressSummary;
      later(() => hooks.onMeasureEnd());
    }
  });
  const code = await new Promise<number>((resolve) => proc.once('close', (c, signal) => resolve(c ?? (signal !== null ? 128 : 1))));
  hooks.onProcess?.(null);
  await chain;
  if (hookError !== null) throw hookError instanceof Error ? hookError : new Error(`a measurement hook failed: ${JSON.stringify(hookError)}`);
  if (summary === null) throw new Error(`stress ${args.join(' ')} exited with ${code} without a summary`);
  if (code !== 0) throw new Error(`stress ${args.join(' ')} exited with ${code}`);
  return summary;
}
