import { abortedError } from './aborted-error';
import { checkTimeoutMs } from './check-timeout-ms';

/** Options of {@link sleep}. */
export interface SleepOptions {
  /** Cancels the sleep: it rejects with code ABORTED, `cause` = `signal.reason`. */
  signal?: AbortSignal;
  /**
   * When true, the timer does not keep the process (or worker) alive on its own, for
   * background pacing loops that must not delay exit.
   */
  unref?: boolean;
}

/**
 * Resolves after `ms` milliseconds. Abortable: when the signal fires, the timer is
 * cleared and the promise rejects with code ABORTED (`cause` = `signal.reason`); an
 * already-aborted signal rejects at once. The second argument is the signal itself or
 * {@link SleepOptions}.
 */
export async function sleep(ms: number, options?: AbortSignal | SleepOptions): Promise<void> {
  const { signal, unref } = isAbortSignal(options) ? { signal: options, unref: false } : (options ?? {});
  checkTimeoutMs(ms, 'sleep', false);
  if (signal?.aborted) throw abortedError(signal, `sleep(${ms})`);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError(signal as AbortSignal, `sleep(${ms})`));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (unref === true) timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function isAbortSignal(value: AbortSignal | SleepOptions | undefined): value is AbortSignal {
  return value !== undefined && typeof (value as AbortSignal).addEventListener === 'function';
}
