import { CharybdisError } from '@charybdis/core';
import { MutationErrorCodes } from './mutation-error-codes';

/** A `SCHEMA_INVALID_MUTATION` error: `Invalid mutation: <problem>`. */
export function invalidMutationError(problem: string, cause?: unknown): CharybdisError {
  return new CharybdisError(
    MutationErrorCodes.INVALID_MUTATION,
    `Invalid mutation: ${problem}`,
    cause === undefined ? undefined : { cause },
  );
}
