/**
 * Stable `code`s of the memtable's CharybdisErrors. Callers test `hasErrorCode(err, code)`,
 * never `instanceof`. Allocation failures keep the LSA's own codes (`LSA_OUT_OF_MEMORY`,
 * `LSA_OBJECT_TOO_LARGE`) so the write path maps them to `Overloaded` in one place.
 */
export const MemtableErrorCodes = {
  /** The memtable was destroyed (flushed); it cannot be read or written any more. */
  DESTROYED: 'MEMTABLE_DESTROYED',
  /** An update for another table than the memtable's. */
  WRONG_TABLE: 'MEMTABLE_WRONG_TABLE',
  /** A constructor argument out of its domain (e.g. an evictable region). */
  INVALID_OPTION: 'MEMTABLE_INVALID_OPTION',
} as const;

/** One of the {@link MemtableErrorCodes} values. */
export type MemtableErrorCode = (typeof MemtableErrorCodes)[keyof typeof MemtableErrorCodes];
