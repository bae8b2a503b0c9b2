/**
 * An error of the shell itself (bad shell command, unknown keyspace in DESCRIBE…): printed
 * as its bare message, like cqlsh's own exceptions, and it marks the run as failed.
 */
export class ShellError extends Error {
  readonly code = 'CQLSH_SHELL_ERROR';
}
