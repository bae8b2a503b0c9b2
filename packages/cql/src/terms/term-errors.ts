import { CharybdisError } from '@charybdis/core';
import { ExecutionErrorCodes } from '../execution/execution-types';

/**
 * The errors terms and modifications raise. Messages follow Cassandra's (cql3/*), which
 * drivers and ScyllaDB's cqlpy tests show to users; the query processor maps the codes to
 * protocol errors.
 */

/** An Invalid (0x2200) error: the statement or a bound value cannot run as written. */
export function invalidRequest(message: string, cause?: unknown): CharybdisError {
  return new CharybdisError(ExecutionErrorCodes.INVALID, message, cause === undefined ? undefined : { cause });
}

/** A feature we do not have yet (0x2200 with "not supported yet" wording). */
export function notSupported(message: string): CharybdisError {
  return new CharybdisError(ExecutionErrorCodes.NOT_SUPPORTED, message);
}
