/**
 * The stable error codes of `iotune`. The CLI prints the message of any error as one line
 * on stderr and picks the exit status from the code (usage errors exit 2, interruption
 * 130, everything else 1). I/O failures from `@charybdis/core` keep their own `IO_*` codes
 * (IO_ENOSPC, IO_EIO, …). Codes are part of the tool's interface: do not rename them.
 */
export const IotuneErrorCode = {
  /** A bad flag or flag value; the message says which and points to --help. */
  usage: 'IOTUNE_USAGE',
  /** The evaluation directory is missing, not a directory, or not writable. */
  badDirectory: 'IOTUNE_BAD_DIRECTORY',
  /** Not enough free space for the test file while keeping the safety margin. */
  noSpace: 'IOTUNE_NO_SPACE',
  /** The properties file cannot be written (missing or unwritable folder, rename failed). */
  output: 'IOTUNE_OUTPUT',
  /** The measurement gave a number the io_properties format cannot hold (zero, not finite). */
  measurement: 'IOTUNE_MEASUREMENT',
  /** SIGINT or SIGTERM arrived; the run was stopped and the test file removed. */
  interrupted: 'IOTUNE_INTERRUPTED',
} as const;

/** One of the {@link IotuneErrorCode} values. */
export type IotuneErrorCodeValue = (typeof IotuneErrorCode)[keyof typeof IotuneErrorCode];
