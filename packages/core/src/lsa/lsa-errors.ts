/**
 * Stable `code`s of the LSA's CharybdisErrors. Callers test `hasErrorCode(err, code)`,
 * never `instanceof`. Codes are part of the API: do not rename them.
 */
export const LsaErrorCode = {
  /**
   * An allocation could not be satisfied within the pool's budget even after compaction
   * and eviction. The caller sheds load (the write path turns it into `Overloaded`); a
   * non-evictable region's owner has also been told to flush (`onPressure`, `hard`).
   */
  OUT_OF_MEMORY: 'LSA_OUT_OF_MEMORY',
  /** A handle that is not live in this region: never allocated, freed, or out of range. */
  INVALID_HANDLE: 'LSA_INVALID_HANDLE',
  /** An object larger than the region's `maxObjectBytes` (segment size minus its header). */
  OBJECT_TOO_LARGE: 'LSA_OBJECT_TOO_LARGE',
  /** A pool, region, index or compactor option out of its documented domain. */
  INVALID_OPTION: 'LSA_INVALID_OPTION',
  /**
   * A call that is wrong in the current state (a caller bug): allocating from an eviction
   * callback, using a destroyed region, unpinning an object that is not pinned,
   * destroying a region with pinned objects, starting a compactor twice.
   */
  INVALID_STATE: 'LSA_INVALID_STATE',
  /** An `onEvict` callback threw; `cause` is what it threw. The object was not freed. */
  EVICTION_FAILED: 'LSA_EVICTION_FAILED',
  /** A B-tree cursor was used after the tree changed; seek again. */
  INDEX_MODIFIED: 'LSA_INDEX_MODIFIED',
  /** A fixed structural bound was reached (regions per pool, handles per region, index depth). */
  LIMIT_EXCEEDED: 'LSA_LIMIT_EXCEEDED',
} as const;

/** One of the {@link LsaErrorCode} values. */
export type LsaErrorCodeValue = (typeof LsaErrorCode)[keyof typeof LsaErrorCode];
