/**
 * The stable error codes raised by core's concurrency utilities (`util/`), the metrics
 * registry (`metrics/`) and token→shard mapping (`sharding/`). Callers test them with
 * `hasErrorCode(err, ErrorCodes.TIMEOUT)`; never `instanceof`, because errors that cross
 * a worker boundary lose their prototype. Codes are part of the API: do not rename them.
 */
export const ErrorCodes = {
  /** An operation did not finish within its time budget; the message names the operation. */
  TIMEOUT: 'TIMEOUT',
  /** An operation was cancelled through its `AbortSignal`; `cause` is `signal.reason`. */
  ABORTED: 'ABORTED',
  /** A bounded queue is full; the caller should shed load, not retry in a tight loop. */
  OVERLOADED: 'OVERLOADED',
  /** `Gate.enter()` after `Gate.close()`: the owner is stopping. */
  GATE_CLOSED: 'GATE_CLOSED',
  /** Default reason of `Semaphore.broken()` when the owner gives none. */
  SEMAPHORE_BROKEN: 'SEMAPHORE_BROKEN',
  /** An argument is out of its documented domain (a caller bug). */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** A call that is wrong in the object's current state (a caller bug), e.g. leaving a gate never entered. */
  INVALID_STATE: 'INVALID_STATE',
  /** A metric name registered twice with a different definition, or exposed with two types. */
  METRIC_CONFLICT: 'METRIC_CONFLICT',
  /** A metric family reached its bound on label sets (or a registry its bound on families). */
  METRIC_CARDINALITY_EXCEEDED: 'METRIC_CARDINALITY_EXCEEDED',
  /** A callback gauge threw while the registry was being collected; `cause` is what it threw. */
  METRIC_COLLECT_FAILED: 'METRIC_COLLECT_FAILED',
} as const;

/** One of the {@link ErrorCodes} values. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
