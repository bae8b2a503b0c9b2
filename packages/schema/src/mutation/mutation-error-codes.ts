/**
 * The stable error codes raised by the mutation model (`src/mutation/`). Test them with
 * `hasErrorCode(err, MutationErrorCodes.CORRUPT_MUTATION)`, never with `instanceof`.
 * Codes are part of the API: do not rename them.
 */
export const MutationErrorCodes = {
  /**
   * A mutation that does not fit its table or breaks the model's rules: an unknown column,
   * a counter cell in a regular column, merging updates of different partitions, a TTL
   * out of range. A caller bug or a schema mismatch.
   */
  INVALID_MUTATION: 'SCHEMA_INVALID_MUTATION',
  /**
   * Bytes given to `decodePartitionUpdate` that are not a valid encoding: truncated,
   * trailing garbage, unknown format version, out-of-order rows, bad lengths. The message
   * says what and at which offset.
   */
  CORRUPT_MUTATION: 'SCHEMA_CORRUPT_MUTATION',
} as const;

/** One of the {@link MutationErrorCodes} values. */
export type MutationErrorCode = (typeof MutationErrorCodes)[keyof typeof MutationErrorCodes];
