/**
 * Cross-shard messaging (Seastar's smp::submit_to): SPSC rings in SharedArrayBuffers between
 * every ordered pair of shards, doorbells for sleeping shards, msgpackr-encoded plain-data
 * messages. See README.md in this folder.
 */
export { Smp } from './smp';
export { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_PENDING_BYTES, DEFAULT_MAX_PENDING_MESSAGES, DEFAULT_POLL_BUDGET_BYTES } from './smp-options';
export { FRAGMENT_RING_DIVISOR, fragmentThresholdBytes } from './fragmented-message';
export type { SmpHandler, SmpOptions, SmpErrorContext, InvokeOptions, SmpStopOptions } from './smp-options';
export { createSmpBuffers, DEFAULT_RING_CAPACITY_BYTES } from './smp-buffers';
export type { SmpBuffers, SmpBuffersOptions } from './smp-buffers';
export { SmpErrorCode } from './smp-errors';
export type { SmpErrorCodeValue } from './smp-errors';
export type { SmpStats, SmpPeerStats } from './smp-stats';
export { SpscRing, createRingBuffer, forEachRecord, recordFootprintBytes, RING_HEADER_BYTES } from './spsc-ring';
