/**
 * The stable error codes raised by the CQL type layer (`src/types/`). Callers test them
 * with `hasErrorCode(err, TypeErrorCodes.INVALID_VALUE)`, never with `instanceof`.
 * Codes are part of the API: do not rename them.
 */
export const TypeErrorCodes = {
  /**
   * A value (JS value to serialize, or bytes to validate/deserialize/compare) does not fit
   * its CQL type. The message names the type and what was wrong.
   */
  INVALID_VALUE: 'SCHEMA_INVALID_VALUE',
  /** A CQL type string could not be parsed, or names a type combination CQL forbids. */
  INVALID_TYPE: 'SCHEMA_INVALID_TYPE',
} as const;

/** One of the {@link TypeErrorCodes} values. */
export type TypeErrorCode = (typeof TypeErrorCodes)[keyof typeof TypeErrorCodes];
