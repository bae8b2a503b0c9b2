/**
 * The per-shard CPU scheduler with scheduling groups (DESIGN.md §3). See README.md.
 */
export { CpuScheduler } from './cpu-scheduler';
export type { CpuSchedulerStats, CpuSchedulerStopOptions } from './cpu-scheduler';
export { SchedulingGroup } from './scheduling-group';
export type { SchedulingGroupStats } from './group-state';
export {
  DEFAULT_MAX_QUEUE_LENGTH,
  DEFAULT_STALL_LOG_INTERVAL_MS,
  DEFAULT_STALL_THRESHOLD_MS,
  DEFAULT_TASK_QUOTA_MS,
  MAX_GROUPS,
  MAX_SHARES,
  MIN_SHARES,
  SchedErrorCode,
} from './scheduler-options';
export type {
  CpuSchedulerOptions,
  SchedulerClock,
  SchedulerLogger,
  SchedulingGroupOptions,
  YieldToEventLoop,
} from './scheduler-options';
