/** Exit status of nodetool: 0 success, 1 the operation failed (API error, connection), 2 bad command line. */
export const ExitCodes = { OK: 0, FAILED: 1, USAGE: 2 } as const;

/** Stable codes of nodetool's errors. */
export const NodetoolErrorCodes = {
  USAGE: 'NODETOOL_USAGE',
  CONNECT: 'NODETOOL_CONNECT',
  API: 'NODETOOL_API',
} as const;

/**
 * An error nodetool reports in one line (`nodetool: <message>`). `command` names the
 * command whose usage follows a usage error (null: the general usage).
 */
export class NodetoolError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly command: string | null = null,
  ) {
    super(message);
    this.name = 'NodetoolError';
  }
}

/** A usage error: bad arguments of `command` (or an unknown command when null). */
export function usageError(message: string, command: string | null): NodetoolError {
  return new NodetoolError(NodetoolErrorCodes.USAGE, message, command);
}
