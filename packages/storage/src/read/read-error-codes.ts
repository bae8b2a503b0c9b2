/**
 * Stable `code`s of the read path's CharybdisErrors. Callers test `hasErrorCode(err, code)`,
 * never `instanceof`; the CQL layer maps them to protocol errors in one place
 * (READ_INVALID_PAGING_STATE and READ_INVALID_COMMAND are the client's fault: Invalid).
 */
export const ReadErrorCodes = {
  /** A paging state that does not decode (corrupt, truncated, unknown version, wrong table shape). */
  INVALID_PAGING_STATE: 'READ_INVALID_PAGING_STATE',
  /** A read command out of its domain: unsorted or overlapping slices, a limit < 1, an unknown column. */
  INVALID_COMMAND: 'READ_INVALID_COMMAND',
} as const;

/** One of the {@link ReadErrorCodes} values. */
export type ReadErrorCode = (typeof ReadErrorCodes)[keyof typeof ReadErrorCodes];
