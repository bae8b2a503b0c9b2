/** Stable codes of the commitlog's CharybdisErrors (test them with `hasErrorCode`). */
export const CommitlogErrorCodes = {
  /** An entry whose framed size does not fit in one segment. */
  ENTRY_TOO_LARGE: 'COMMITLOG_ENTRY_TOO_LARGE',
  /** A torn or corrupt entry (bad length CRC, bad payload CRC, length past the segment). */
  CORRUPT_ENTRY: 'COMMITLOG_CORRUPT_ENTRY',
  /** A segment whose header is missing, torn, of another version or of another id. */
  BAD_SEGMENT_HEADER: 'COMMITLOG_BAD_SEGMENT_HEADER',
  /** append/sync after close(). */
  CLOSED: 'COMMITLOG_CLOSED',
  /** Invalid option passed to Commitlog.open. */
  INVALID_OPTION: 'COMMITLOG_INVALID_OPTION',
} as const;

export type CommitlogErrorCode = (typeof CommitlogErrorCodes)[keyof typeof CommitlogErrorCodes];
