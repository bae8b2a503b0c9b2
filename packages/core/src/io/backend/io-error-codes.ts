/**
 * The stable error codes of disk I/O (`io/backend`, `io/file`). Every error a `DmaFile`
 * or `AppendWriter` raises is a `CharybdisError` with one of these codes; its message
 * names the file and the operation, and `cause` is the original errno error (whose own
 * `code` is the errno name: ENOSPC, EIO, EBADF, ...). Test with
 * `hasErrorCode(err, IoErrorCodes.ENOSPC)`. Codes are part of the API: do not rename them.
 */
export const IoErrorCodes = {
  /** The device or filesystem is full (ENOSPC; EDQUOT, a quota, maps here too). */
  ENOSPC: 'IO_ENOSPC',
  /** The device reported an I/O error (EIO). */
  EIO: 'IO_EIO',
  /** The file or one of its directories does not exist (ENOENT, ENOTDIR). */
  NOT_FOUND: 'IO_NOT_FOUND',
  /** Reserved for callers that treat a short read as an error; DmaFile itself returns short counts. */
  EOF: 'IO_EOF',
  /**
   * An O_DIRECT transfer whose position, length or buffer address is not a multiple of the
   * file's alignment (4096), detected before submission or reported by the kernel (EINVAL).
   */
  MISALIGNED: 'IO_MISALIGNED',
  /** The file, writer or backend was closed before (or while) the operation was issued. */
  CLOSED: 'IO_CLOSED',
  /** `IoUringBackend.create()` where io_uring cannot be used; the message says why. */
  IO_URING_UNAVAILABLE: 'IO_URING_UNAVAILABLE',
  /** Aligned memory that cannot be provided without the native addon (alignment > 4096). */
  ALIGNMENT_UNAVAILABLE: 'IO_ALIGNMENT_UNAVAILABLE',
  /** Any other I/O failure; `cause` holds the errno error. */
  ERROR: 'IO_ERROR',
} as const;

/** One of the {@link IoErrorCodes} values. */
export type IoErrorCode = (typeof IoErrorCodes)[keyof typeof IoErrorCodes];
