import { CharybdisError } from '../errors';
import { ErrorCodes } from './error-codes';

/** Largest delay `setTimeout` honours; larger values fire after 1 ms (Node clamps them). */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Validates a timer delay: a finite number in [0, MAX_TIMER_DELAY_MS], or `Infinity`
 * where the caller documents that it means "no timer". Internal to core.
 */
export function checkTimeoutMs(timeoutMs: number, what: string, allowInfinity: boolean): void {
  if (allowInfinity && timeoutMs === Number.POSITIVE_INFINITY) return;
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0 && timeoutMs <= MAX_TIMER_DELAY_MS)) {
    throw new CharybdisError(
      ErrorCodes.INVALID_ARGUMENT,
      `${what}: timeoutMs must be a number in [0, ${MAX_TIMER_DELAY_MS}]${allowInfinity ? ' or Infinity' : ''}, got ${String(timeoutMs)}`,
    );
  }
}
