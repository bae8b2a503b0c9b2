import type { DmaFile } from '@charybdis/core';
import { CharybdisError } from '@charybdis/core';
import { IotuneErrorCode } from './iotune-error-codes';
import type { MeasurementPlan } from './measurement-plan';
import { RANDOM_REQUEST_BYTES, SEQUENTIAL_PARALLELISM, SEQUENTIAL_REQUEST_BYTES, warmupMs } from './measurement-plan';
import { ParallelismRamp } from './parallelism-ramp';
import type { ProgressReporter } from './progress-reporter';
import { runLoad } from './run-load';
import type { LoadResult, LoadSpec } from './run-load';
import { formatBandwidth, formatBytes, formatIops, formatLatencyUs } from './units';

/** Seed of the random positions: each loop draws the same sequence on every run. */
const RANDOM_SEED = 0x5eed;

/** One measured load and the parallelism it ran at. */
export interface StepResult {
  parallelism: number;
  result: LoadResult;
}

/** A random-IOPS ramp: every level measured, the one retained, and why it stopped. */
export interface RampOutcome {
  best: StepResult;
  levels: StepResult[];
  stopReason: string;
}

/** Everything iotune measured on one disk. */
export interface DiskMeasurement {
  sequentialWrite: StepResult;
  sequentialRead: StepResult;
  randomRead: RampOutcome;
  randomWrite: RampOutcome;
  /** The part of the test file written by the first step and used by the others. */
  regionBytes: number;
}

/** What {@link measureDisk} works with. */
export interface MeasureDiskContext {
  file: DmaFile;
  fileSizeBytes: number;
  plan: MeasurementPlan;
  progress: ProgressReporter;
  signal: AbortSignal;
}

/**
 * Runs the four steps in order on the open test file:
 * 1. sequential write, 128 KiB requests, 16 in flight, walking the file from its start
 *    (and wrapping): this also fills the file, so later reads hit real blocks, not
 *    unwritten extents the filesystem answers with zeros without touching the disk;
 * 2. sequential read, same shape, over the written part;
 * 3. random 4 KiB reads and 4. random 4 KiB writes over the written part, each a
 *    {@link ParallelismRamp} (1, 2, 4, … 128 in flight).
 * Write steps end with an fdatasync whose time is counted.
 */
export async function measureDisk(ctx: MeasureDiskContext): Promise<DiskMeasurement> {
  const { plan, progress } = ctx;
  const sequentialWrite = await runStep(ctx, 'sequential write', {
    kind: 'write',
    pattern: 'sequential',
    requestSizeBytes: SEQUENTIAL_REQUEST_BYTES,
    parallelism: SEQUENTIAL_PARALLELISM,
    durationMs: plan.sequentialWriteMs,
    regionBytes: ctx.fileSizeBytes,
  });
  const regionBytes = sequentialWrite.result.coveredBytes;
  if (regionBytes < ctx.fileSizeBytes) {
    progress.note(
      `warning: the sequential write covered ${formatBytes(regionBytes)} of the ${formatBytes(ctx.fileSizeBytes)} test file ` +
        'in its time; the other steps use that part (a longer --duration-s covers more)',
    );
  }
  const sequentialRead = await runStep(ctx, 'sequential read', {
    kind: 'read',
    pattern: 'sequential',
    requestSizeBytes: SEQUENTIAL_REQUEST_BYTES,
    parallelism: SEQUENTIAL_PARALLELISM,
    durationMs: plan.sequentialReadMs,
    regionBytes,
  });
  const randomRead = await runRamp(ctx, 'read', regionBytes);
  const randomWrite = await runRamp(ctx, 'write', regionBytes);
  return { sequentialWrite, sequentialRead, randomRead, randomWrite, regionBytes };
}

type StepShape = Pick<LoadSpec, 'kind' | 'pattern' | 'requestSizeBytes' | 'parallelism' | 'durationMs' | 'regionBytes'>;

async function runStep(ctx: MeasureDiskContext, name: string, shape: StepShape): Promise<StepResult> {
  const sequential = shape.pattern === 'sequential';
  const label = `${name} (${formatBytes(shape.requestSizeBytes)}, ${shape.parallelism} in flight)`;
  ctx.progress.begin(label, shape.durationMs);
  const result = await runLoad(ctx.file, {
    ...shape,
    warmupMs: warmupMs(shape.durationMs),
    syncAtEnd: shape.kind === 'write',
    seed: RANDOM_SEED + shape.parallelism,
    signal: ctx.signal,
    onProgress: (live) =>
      ctx.progress.update(live.elapsedMs, sequential ? formatBandwidth(live.recentBandwidthBytesPerSec) : formatIops(live.recentIops)),
  });
  // A ramp level may see nothing complete in its window (a stall on a busy disk, a tiny
  // budget): it then counts as 0 IOPS and the ramp stops; a bandwidth step cannot.
  if (result.requests === 0 && sequential) {
    throw new CharybdisError(
      IotuneErrorCode.measurement,
      `${label}: no request completed in the ${Math.round(result.windowMs)} ms measured; the disk is too slow for this --duration-s`,
    );
  }
  const rate = sequential ? formatBandwidth(result.bandwidthBytesPerSec) : formatIops(result.iops);
  ctx.progress.finish(`${label}: ${rate} (p50 ${formatLatencyUs(result.latencyUsP50)}, p99 ${formatLatencyUs(result.latencyUsP99)})`);
  return { parallelism: shape.parallelism, result };
}

async function runRamp(ctx: MeasureDiskContext, kind: 'read' | 'write', regionBytes: number): Promise<RampOutcome> {
  const ramp = new ParallelismRamp(ctx.plan.rampLevels);
  const levels: StepResult[] = [];
  for (let parallelism = ramp.next(); parallelism !== null; parallelism = ramp.next()) {
    const step = await runStep(ctx, `random ${kind}`, {
      kind,
      pattern: 'random',
      requestSizeBytes: RANDOM_REQUEST_BYTES,
      parallelism,
      durationMs: ctx.plan.rampLevelMs,
      regionBytes,
    });
    levels.push(step);
    ramp.record({ parallelism, iops: step.result.iops, latencyUsP99: step.result.latencyUsP99 });
  }
  const best = levels.find((l) => l.parallelism === ramp.best!.parallelism)!;
  if (best.result.requests === 0) {
    throw new CharybdisError(
      IotuneErrorCode.measurement,
      `random ${kind}: no request completed in any level's measured window (${Math.round(ctx.plan.rampLevelMs)} ms each); ` +
        'the disk is too slow or too busy for this --duration-s',
    );
  }
  const stopReason = ramp.stopReason!;
  const skipped = ctx.plan.rampLevels.length - levels.length;
  ctx.progress.skip(
    skipped * ctx.plan.rampLevelMs,
    `random ${kind}: ${formatIops(best.result.iops)} with ${best.parallelism} in flight; stopped: ${stopReason}`,
  );
  return { best, levels, stopReason };
}
