/**
 * The I/O scheduler's queueing part (DESIGN.md §3; design in ../README.md): a generic fair
 * queue, the disk model from io_properties, and the per-shard I/O queue built on both.
 */
export { IoQueue } from './io-queue';
export type { IoQueueStats, IoQueueStopOptions, IoClassOptions } from './io-queue';
export type { IoClassStats } from './io-class-state';
export {
  IoClassName,
  DEFAULT_IO_CLASSES,
  DEFAULT_IO_MAX_QUEUE_LENGTH,
  DEFAULT_IO_MAX_IN_FLIGHT_REQUESTS,
  DEFAULT_IO_IDLE_CLASS_HEADROOM_FRACTION,
} from './io-queue-options';
export type { IoQueueOptions, IoQueueClock, IoClassDefinition, IoClassNameValue, ScheduleDispatch } from './io-queue-options';
export { IoCostModel, DEFAULT_IO_LATENCY_GOAL_MS, IO_REQUEST_ALIGNMENT_BYTES, IO_MAX_REQUEST_SIZE_BYTES } from './io-cost-model';
export type { IoQueueRequestKind, IoQueueRequest } from './io-cost-model';
export { parseIoProperties, defaultIoProperties, DEFAULT_IO_DISK, IO_PROPERTIES_MAX_DISKS } from './io-properties';
export type { IoProperties, IoDiskProperties } from './io-properties';
export { diskForDirectory } from './disk-for-directory';
export { perShardDisk } from './per-shard-disk';
export {
  FairQueue,
  FAIR_QUEUE_MIN_SHARES,
  FAIR_QUEUE_MAX_SHARES,
  FAIR_QUEUE_MAX_CLASSES,
  DEFAULT_FAIR_QUEUE_MAX_QUEUE_LENGTH,
  FAIR_QUEUE_RENORMALIZE_THRESHOLD,
} from './fair-queue';
export type {
  FairQueueEntry,
  FairQueueClassId,
  FairQueueDispatchHandler,
  FairQueueOptions,
  FairQueueClassOptions,
  FairQueueStats,
  FairQueueClassStats,
} from './fair-queue';
export type { CapacityLimiter } from './capacity-limiter';
export { InFlightLimiter } from './in-flight-limiter';
export type { InFlightLimiterOptions } from './in-flight-limiter';
export { IoQueueErrorCode } from './io-queue-errors';
export type { IoQueueErrorCodeValue } from './io-queue-errors';
export { IO_LATENCY_BUCKETS_MS } from './io-queue-metrics';
