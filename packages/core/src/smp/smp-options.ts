import { CharybdisError } from '../errors';
import { SmpErrorCode, wireErrorCode, wireErrorMessage } from './smp-errors';

/** Default bound on encoded messages waiting to enter one full ring (per peer). */
export const DEFAULT_MAX_PENDING_MESSAGES = 1024;
/**
 * Default bound on the encoded bytes waiting to enter one full ring (per peer). A single
 * message larger than this is still admitted when nothing else waits, so the backlog never
 * holds more than max(this, maxMessageBytes).
 */
export const DEFAULT_MAX_PENDING_BYTES = 16 * 1024 * 1024;
/** Default of the largest encoded message (request, one-way, answer) smp carries: 64 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** Largest `maxMessageBytes` accepted (a fragment announces the total as a uint32). */
export const MAX_MESSAGE_BYTES_LIMIT = 2 ** 32 - 1;
/** Default bytes read from the rings per poll before yielding to the event loop. */
export const DEFAULT_POLL_BUDGET_BYTES = 64 * 1024;

/** A verb handler: runs on the target shard's thread; its result (or promise) is the answer. */
export type SmpHandler<P = unknown> = (payload: P, fromShard: number) => unknown;

/** Where a failure that has no caller to go back to happened (one-way messages). */
export interface SmpErrorContext {
  shard: number;
  fromShard: number;
  verb: string;
}

/** Options of `new Smp(shardId, buffers, options)`. */
export interface SmpOptions {
  /**
   * Runs every incoming request and one-way message (`fn` calls the handler and returns its
   * result); the CPU scheduler plugs in here. Default: `fn` is called directly.
   */
  runHandler?: (fn: () => unknown) => unknown;
  /** Bound on encoded messages waiting to enter one full ring; senders beyond it await. Default 1024. */
  maxPendingMessages?: number;
  /**
   * Bound on the encoded bytes waiting to enter one full ring; senders beyond it await. A
   * single larger message is admitted alone. Default 16 MiB.
   */
  maxPendingBytes?: number;
  /**
   * Largest encoded message this shard sends or reassembles; larger ones fail with
   * SMP_MESSAGE_TOO_LARGE. Messages above a quarter of the ring go as fragments. Use the
   * same value on every shard of a node. Default 64 MiB.
   */
  maxMessageBytes?: number;
  /** Timeout of every request that gives none (default: none). */
  defaultTimeoutMs?: number;
  /** Bytes read from the rings per poll before yielding to the event loop. Default 64 KiB. */
  pollBudgetBytes?: number;
  /**
   * Keep this thread's event loop alive while requests are in flight or senders are
   * blocked (a ref'd timer that never fires). `Atomics.waitAsync` alone does not. Default true.
   */
  keepAlive?: boolean;
  /**
   * Failures with no caller to answer: a one-way message's handler threw, its verb is
   * unknown, a record failed to decode. Default: `process.emitWarning`.
   */
  onError?: (err: unknown, context: SmpErrorContext) => void;
}

/** Per-call options of `Smp.invokeOn` (and invokeOnAll, mapReduce). */
export interface InvokeOptions {
  /** Fail with SMP_TIMEOUT if no answer arrives in time (the answer is then dropped). */
  timeoutMs?: number;
}

/** Options of `Smp.stop`. */
export interface SmpStopOptions {
  /** Wait up to this long for in-flight requests to be answered before failing them. Default 0. */
  drainTimeoutMs?: number;
}

/** Default of {@link SmpOptions.onError}: a process warning carrying the error's code. */
export function defaultOnError(err: unknown, context: SmpErrorContext): void {
  process.emitWarning(
    `smp: ${context.verb ? `one-way "${context.verb}"` : 'message'} from shard ${context.fromShard} on shard ${context.shard} failed: ${wireErrorMessage(err)}`,
    { code: wireErrorCode(err) },
  );
}

/** The size limits of {@link SmpOptions}, defaults applied. */
export interface SmpLimits {
  maxPending: number;
  maxPendingBytes: number;
  maxMessageBytes: number;
  pollBudgetBytes: number;
}

function checkLimit(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new CharybdisError(SmpErrorCode.BAD_ARGUMENT, `${name} must be an integer in [1, ${max}], got ${value}`);
  }
  return value;
}

/** The limits of `options` with their defaults; throws SMP_BAD_ARGUMENT for an invalid one. */
export function resolveSmpLimits(options: SmpOptions): SmpLimits {
  const pollBudgetBytes = options.pollBudgetBytes ?? DEFAULT_POLL_BUDGET_BYTES;
  if (!(pollBudgetBytes >= 1)) {
    throw new CharybdisError(SmpErrorCode.BAD_ARGUMENT, `pollBudgetBytes must be >= 1, got ${pollBudgetBytes}`);
  }
  return {
    maxPending: checkLimit('maxPendingMessages', options.maxPendingMessages ?? DEFAULT_MAX_PENDING_MESSAGES),
    maxPendingBytes: checkLimit('maxPendingBytes', options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES),
    maxMessageBytes: checkLimit('maxMessageBytes', options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES_LIMIT),
    pollBudgetBytes,
  };
}
