import { CharybdisError } from '@charybdis/core';
import { ExecutionErrorCodes } from '../execution/execution-types';

/**
 * Errors of SELECT preparation and execution, in Cassandra's words (drivers and tests
 * match the messages).
 */

/** Cassandra's message for a query that needs ALLOW FILTERING (StatementRestrictions.REQUIRES_ALLOW_FILTERING_MESSAGE). */
export const REQUIRES_ALLOW_FILTERING_MESSAGE =
  'Cannot execute this query as it might involve data filtering and thus may have unpredictable performance. ' +
  'If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING';

/** A CQL_INVALID error (protocol 0x2200 Invalid). */
export function invalidRequest(message: string): CharybdisError {
  return new CharybdisError(ExecutionErrorCodes.INVALID, message);
}

/** A CQL_NOT_SUPPORTED error: valid CQL that this node cannot run yet. */
export function notSupported(what: string): CharybdisError {
  return new CharybdisError(ExecutionErrorCodes.NOT_SUPPORTED, `${what} is not supported yet`);
}
