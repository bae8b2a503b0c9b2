/** The per-shard commitlog (format: packages/storage/docs/commitlog-format.md). */
export { Commitlog } from './commitlog';
export type { CommitlogStats } from './commitlog';
export { registerCommitlogMetrics, COMMITLOG_SYNC_LATENCY_BUCKETS_US } from './commitlog-metrics';
export {
  COMMITLOG_IO_CLASS,
  DEFAULT_MAX_RECYCLED_SEGMENTS,
  DEFAULT_SEGMENT_SIZE_BYTES,
  DEFAULT_SYNC_PERIOD_MS,
} from './commitlog-options';
export type { CommitlogLogger, CommitlogOptions, CommitlogSyncMode } from './commitlog-options';
export { CommitlogErrorCodes } from './commitlog-error-codes';
export type { CommitlogErrorCode } from './commitlog-error-codes';
export { replayCommitlog } from './replay-commitlog';
export type { ReplayCommitlogOptions, ReplayResult } from './replay-commitlog';
export { compareReplayPositions } from './replay-position';
export type { ReplayPosition } from './replay-position';
export { encodeEntry, readEntry, encodeSegmentHeader, decodeSegmentHeader, segmentCrcSeed, SEGMENT_HEADER_BYTES, ENTRY_OVERHEAD_BYTES } from './commitlog-format';
export type { EntryReadResult } from './commitlog-format';
