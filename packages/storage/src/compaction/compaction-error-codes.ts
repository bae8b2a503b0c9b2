/** Stable codes of compaction's CharybdisErrors (test them with `hasErrorCode`, never `instanceof`). */
export const CompactionErrorCodes = {
  /** A `compaction = {...}` table option map that names an unknown class or option, or a bad value. */
  INVALID_OPTIONS: 'COMPACTION_INVALID_OPTIONS',
  /** `runCompaction` options that cannot describe a task (no inputs, duplicate inputs, bad sizes or times). */
  INVALID_TASK: 'COMPACTION_INVALID_TASK',
  /** The task's AbortSignal fired; outputs were aborted, inputs are untouched. The signal's reason is the `cause`. */
  ABORTED: 'COMPACTION_ABORTED',
  /** The task failed and aborting one of its outputs failed too: output files may be left behind (see the `cause`). */
  CLEANUP_FAILED: 'COMPACTION_CLEANUP_FAILED',
} as const;

/** One of the {@link CompactionErrorCodes} values. */
export type CompactionErrorCode = (typeof CompactionErrorCodes)[keyof typeof CompactionErrorCodes];
