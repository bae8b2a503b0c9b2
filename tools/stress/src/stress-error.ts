import { inspect } from 'node:util';

/**
 * The stable error codes of `stress`. The CLI prints the message of any error as one line
 * on stderr and picks the exit status from the code: STRESS_USAGE exits 2 (with the usage
 * text), everything else 1. Codes are part of the tool's interface: do not rename them.
 */
export const StressErrorCode = {
  /** A bad option or option value; the message names it. */
  usage: 'STRESS_USAGE',
  /** No contact point accepted a connection. */
  unreachable: 'STRESS_UNREACHABLE',
  /** Creating the keyspace or table, or preparing the statements, failed. */
  schema: 'STRESS_SCHEMA',
  /** More errors than --max-errors happened; the run stopped early. */
  tooManyErrors: 'STRESS_TOO_MANY_ERRORS',
  /** The --json file cannot be written. */
  output: 'STRESS_OUTPUT',
} as const;

/** One of the {@link StressErrorCode} values. */
export type StressErrorCodeValue = (typeof StressErrorCode)[keyof typeof StressErrorCode];

/** An error of the stress tool, with a stable `code` (check it with {@link hasStressCode}, not instanceof). */
export class StressError extends Error {
  constructor(
    readonly code: StressErrorCodeValue,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StressError';
  }
}

/** True when `err` carries the given stress error code. */
export function hasStressCode(err: unknown, code: StressErrorCodeValue): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

/** The message of a thrown value, whatever it is. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : typeof err === 'string' ? err : inspect(err);
}
