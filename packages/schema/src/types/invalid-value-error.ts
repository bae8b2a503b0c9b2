import { CharybdisError } from '@charybdis/core';
import { TypeErrorCodes } from './type-error-codes';

/**
 * The error every codec throws for a value that does not fit its type: code
 * `SCHEMA_INVALID_VALUE`, message `Invalid <type> value: <what was wrong>`.
 */
export function invalidValueError(typeName: string, problem: string, cause?: unknown): CharybdisError {
  return new CharybdisError(
    TypeErrorCodes.INVALID_VALUE,
    `Invalid ${typeName} value: ${problem}`,
    cause === undefined ? undefined : { cause },
  );
}
