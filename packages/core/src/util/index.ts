/**
 * Concurrency utilities Seastar users rely on: semaphores, gates, timeouts, bounded
 * parallel loops and abortable sleeps. All shard-local; errors carry the stable codes of
 * {@link ErrorCodes}.
 */
export { ErrorCodes } from './error-codes';
export type { ErrorCode } from './error-codes';
export { Semaphore, SEMAPHORE_DEFAULT_MAX_WAITERS } from './semaphore';
export type { SemaphoreOptions, SemaphoreAcquireOptions, SemaphoreUnits } from './semaphore';
export { Gate } from './gate';
export { withGate } from './with-gate';
export { withTimeout } from './with-timeout';
export { parallelForEach } from './parallel-for-each';
export type { ParallelForEachOptions } from './parallel-for-each';
export { sleep } from './sleep';
export type { SleepOptions } from './sleep';
export { freeLoopbackPorts } from './free-loopback-ports';
