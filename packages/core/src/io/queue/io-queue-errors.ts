/**
 * Stable `code`s of the errors raised by the I/O scheduler: the generic fair queue, the
 * I/O queue on top of it, and io_properties validation. Callers test them with
 * `hasErrorCode(err, IoQueueErrorCode.queueFull)`, never `instanceof` (errors that cross a
 * worker boundary lose their prototype). Codes are part of the API: do not rename them.
 *
 * Errors thrown by the function that performs an I/O (the `dispatch` callback given to
 * `IoQueue.submit`) are never wrapped: the caller gets them unchanged.
 */
export const IoQueueErrorCode = {
  /** A class's queue is at its bound; callers shed load (CQL `Overloaded`), not retry in a loop. */
  queueFull: 'IO_QUEUE_FULL',
  /** `submit()` after `stop()`, or a queued request rejected by `stop({ abortQueued: true })`. */
  stopped: 'IO_QUEUE_STOPPED',
  /** Shares outside 1..1000 or not a number. */
  invalidShares: 'IO_INVALID_SHARES',
  /** A bad option of FairQueue, IoQueue or InFlightLimiter (a caller bug). */
  invalidOption: 'IO_INVALID_OPTION',
  /** A request that is not `{ kind: 'read' | 'write', sizeBytes: integer >= 0 }`, or an entry cost that is not > 0. */
  invalidRequest: 'IO_INVALID_REQUEST',
  /** `submit()`/`setShares()` naming a class that was never created. */
  unknownClass: 'IO_UNKNOWN_CLASS',
  /** A class created twice with the same name. */
  duplicateClass: 'IO_DUPLICATE_CLASS',
  /** More than the bound on classes per queue. */
  tooManyClasses: 'IO_TOO_MANY_CLASSES',
  /** `complete()` of an entry that is not in flight (completed twice, or never dispatched). */
  notInFlight: 'IO_NOT_IN_FLIGHT',
  /** io_properties content that does not validate; the message names the file and field. */
  invalidProperties: 'IO_INVALID_PROPERTIES',
} as const;

/** One of the {@link IoQueueErrorCode} values. */
export type IoQueueErrorCodeValue = (typeof IoQueueErrorCode)[keyof typeof IoQueueErrorCode];
