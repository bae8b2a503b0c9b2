/**
 * Stable error codes of the smp layer. Callers test `err.code` (errors built from a remote
 * shard's answer are fresh `CharybdisError`s, never the handler's own object).
 */
export const SmpErrorCode = {
  /** A remote handler threw an error without a string `code`. */
  REMOTE_ERROR: 'SMP_REMOTE_ERROR',
  /** No handler is registered for the verb on the target shard. */
  UNKNOWN_VERB: 'SMP_UNKNOWN_VERB',
  /** No answer within `timeoutMs`; a late answer is dropped and counted. */
  TIMEOUT: 'SMP_TIMEOUT',
  /** This shard's `Smp` was stopped (before the call, or while it was in flight). */
  STOPPED: 'SMP_STOPPED',
  /** The target shard's `Smp` was stopped; it will not answer. */
  PEER_STOPPED: 'SMP_PEER_STOPPED',
  /** An encoded message (or answer) is larger than `maxMessageBytes` (the sender's or the receiver's). */
  MESSAGE_TOO_LARGE: 'SMP_MESSAGE_TOO_LARGE',
  /** A peer's fragments arrived out of sequence (a sender bug); the partial message is dropped. */
  FRAGMENT_ERROR: 'SMP_FRAGMENT_ERROR',
  /** msgpackr could not encode a payload or a result. */
  ENCODE_ERROR: 'SMP_ENCODE_ERROR',
  /** Bad shard id, verb name, option or buffer set. */
  BAD_ARGUMENT: 'SMP_BAD_ARGUMENT',
  /** A verb is registered twice. */
  VERB_EXISTS: 'SMP_VERB_EXISTS',
  /** Ring or buffer configuration is invalid. */
  BAD_CONFIG: 'SMP_BAD_CONFIG',
} as const;

export type SmpErrorCodeValue = (typeof SmpErrorCode)[keyof typeof SmpErrorCode];

/** The `code` an error travels with: its own string `code`, else SMP_REMOTE_ERROR. */
export function wireErrorCode(err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.length > 0 ? code : SmpErrorCode.REMOTE_ERROR;
}

/** The message an error travels with. */
export function wireErrorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return String(err);
}
