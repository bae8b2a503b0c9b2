import { CharybdisError } from '../errors';
import { ErrorCodes } from './error-codes';

/**
 * The error every core utility rejects with when its `AbortSignal` fires: code ABORTED,
 * the signal's reason attached as `cause` so the caller can tell a shutdown from a
 * client-side cancel. Internal to core.
 */
export function abortedError(signal: AbortSignal, what: string): CharybdisError {
  return new CharybdisError(ErrorCodes.ABORTED, `${what} aborted`, { cause: signal.reason });
}
