import { RAMP_PARALLELISM_LEVELS } from './parallelism-ramp';

/** Bytes per request of the bandwidth steps (ScyllaDB's iotune uses 128 KiB too). */
export const SEQUENTIAL_REQUEST_BYTES = 128 * 1024;
/** Requests in flight in the bandwidth steps: 2 MiB queued, enough for SSDs and cloud volumes. */
export const SEQUENTIAL_PARALLELISM = 16;
/** Bytes per request of the IOPS steps. */
export const RANDOM_REQUEST_BYTES = 4096;
/** Fractions of the budget: sequential write (which also fills the file), sequential read, each random ramp. */
export const SEQUENTIAL_WRITE_SHARE = 0.2;
export const SEQUENTIAL_READ_SHARE = 0.15;
export const RANDOM_RAMP_SHARE = (1 - SEQUENTIAL_WRITE_SHARE - SEQUENTIAL_READ_SHARE) / 2;
/** Warm-up (not measured) at the start of each step: this fraction of it, at most WARMUP_MAX_MS. */
export const WARMUP_FRACTION = 0.2;
export const WARMUP_MAX_MS = 1000;

/** How long each step runs. The sum is the budget when both ramps reach the last level. */
export interface MeasurementPlan {
  sequentialWriteMs: number;
  sequentialReadMs: number;
  /** Each level of a random ramp; a ramp that stops early ends sooner. */
  rampLevelMs: number;
  rampLevels: readonly number[];
  /** sequentialWriteMs + sequentialReadMs + 2 × levels × rampLevelMs. */
  totalMs: number;
}

/**
 * Splits a budget of `durationS` seconds over the steps: 20% sequential write, 15%
 * sequential read, 32.5% for each random ramp divided evenly among its 8 levels (the
 * 90 s default gives 18 s, 13.5 s and 3.66 s per level). Only the fdatasync ending the
 * write steps and the setup come on top.
 */
export function planMeasurement(durationS: number): MeasurementPlan {
  const budgetMs = durationS * 1000;
  const levels = RAMP_PARALLELISM_LEVELS;
  const sequentialWriteMs = budgetMs * SEQUENTIAL_WRITE_SHARE;
  const sequentialReadMs = budgetMs * SEQUENTIAL_READ_SHARE;
  const rampLevelMs = (budgetMs * RANDOM_RAMP_SHARE) / levels.length;
  return {
    sequentialWriteMs,
    sequentialReadMs,
    rampLevelMs,
    rampLevels: levels,
    totalMs: sequentialWriteMs + sequentialReadMs + 2 * levels.length * rampLevelMs,
  };
}

/** The unmeasured start of a step of `stepMs`. */
export function warmupMs(stepMs: number): number {
  return Math.min(WARMUP_MAX_MS, stepMs * WARMUP_FRACTION);
}
