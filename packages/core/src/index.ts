/**
 * @charybdis/core — the runtime every other package builds on. See README.md.
 */
export { CharybdisError, hasErrorCode } from './errors';
export { nativeStatus } from './native/native-addon';
export type { NativeStatus } from './native/native-addon';
export { crc32c, crc32cFallback } from './native/crc32c';
export { createReusePortListener, closeListenerFd, reusePortAvailable } from './native/reuseport-listener';
export type { ReusePortListenerOptions } from './native/reuseport-listener';
export { createLogger, shardLogger, subsystemLogger } from './log/logger';
export type { Logger, LoggerOptions, LogLevel } from './log/logger';
export { Shard } from './shard/shard';
export type { ShardParts } from './shard/shard';
export { bootShard, DEFAULT_SCHEDULING_GROUPS } from './shard/boot-shard';
export type { BootShardOptions } from './shard/boot-shard';
export { registerReactorMetrics } from './shard/reactor-metrics';
export { ShardIo, ioQueueDispatch } from './shard/shard-io';
export type { ShardIoOptions } from './shard/shard-io';
export { reportBench } from './bench/bench-report';
export type { BenchResult } from './bench/bench-report';
export { Sharded } from './shard/sharded';
export type { ShardedTransport, Stoppable } from './shard/sharded';
export * from './util';
export * from './metrics';
export * from './sharding';
export {
  Smp,
  createSmpBuffers,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_PENDING_BYTES,
  SmpErrorCode,
  DEFAULT_MAX_PENDING_MESSAGES,
  DEFAULT_POLL_BUDGET_BYTES,
  DEFAULT_RING_CAPACITY_BYTES,
} from './smp';
export type {
  SmpBuffers,
  SmpBuffersOptions,
  SmpHandler,
  SmpOptions,
  SmpErrorContext,
  InvokeOptions,
  SmpStopOptions,
  SmpErrorCodeValue,
  SmpStats,
  SmpPeerStats,
} from './smp';
export {
  CpuScheduler,
  SchedulingGroup,
  SchedErrorCode,
  DEFAULT_TASK_QUOTA_MS,
  DEFAULT_STALL_THRESHOLD_MS,
  DEFAULT_MAX_QUEUE_LENGTH,
  MIN_SHARES,
  MAX_SHARES,
} from './scheduler';
export type { CpuSchedulerOptions, CpuSchedulerStats, SchedulingGroupStats, SchedulingGroupOptions } from './scheduler';
export * from './io/queue';
export * from './io/backend';
export * from './io/file';
export * from './lsa';
