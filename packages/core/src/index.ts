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
export { reportBench } from './bench/bench-report';
export type { BenchResult } from './bench/bench-report';
