import { CharybdisError } from '../errors';
import { checkTimeoutMs } from './check-timeout-ms';
import { ErrorCodes } from './error-codes';

/**
 * Settles like `promise`, unless it is still pending after `timeoutMs`: then rejects with
 * code TIMEOUT and the message "<what> timed out after <timeoutMs> ms". The timer is
 * cleared as soon as either side settles. `promise` keeps running after a timeout (a
 * promise cannot be cancelled; give the work an AbortSignal for that); its late rejection
 * never surfaces as an unhandled rejection, because `Promise.race` has already attached a
 * handler to it, and the caller has been told TIMEOUT. `timeoutMs` = Infinity: no timer.
 */
export async function withTimeout<T>(promise: PromiseLike<T>, timeoutMs: number, what: string): Promise<T> {
  checkTimeoutMs(timeoutMs, what, true);
  if (timeoutMs === Number.POSITIVE_INFINITY) return await promise;
  let timer: NodeJS.Timeout | undefined;
  // Stays pending forever if `promise` wins; with its timer cleared nothing references it.
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new CharybdisError(ErrorCodes.TIMEOUT, `${what} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
