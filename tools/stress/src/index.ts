/**
 * The public API of @charybdis/stress, for other tools: run a stress session from code,
 * and the building blocks (histogram, key distributions, fixed-rate schedule) on their own.
 * The command line is `tools/stress/bin/stress` (see ../README.md).
 */
export { runCli, runStress, ExitCode, systemClock } from './cli';
export type { RunControl } from './cli';
export { parseStressArgs, USAGE } from './options';
export type { StressOptions, StressCommand, WorkloadKind, OpKind } from './options';
export { LatencyHistogram } from './latency-histogram';
export { SeededRandom } from './random';
export { ZipfSampler } from './zipf-sampler';
export { createKeySampler, formatDistribution } from './key-distribution';
export type { DistributionSpec, KeySampler } from './key-distribution';
export { FixedRateSchedule } from './fixed-rate-schedule';
export { LoadRunner } from './load-runner';
export type { Clock, OpExecutor, OpDone, RunnerConfig, PhasePlan, PhaseOutcome, IntervalTiming } from './load-runner';
export { PhaseStats } from './phase-stats';
export type { IntervalSnapshot } from './phase-stats';
export type { StressSummary, LatencySummaryMs } from './stress-summary';
export { StressError, StressErrorCode, hasStressCode } from './stress-error';
export type { StressIo } from './report';
