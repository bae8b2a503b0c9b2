import { CharybdisError } from '../../errors';
import { ErrorCodes } from '../../util/error-codes';

/**
 * Throws INVALID_ARGUMENT unless `fd` is a non-negative integer and `position` a
 * non-negative safe integer. Cheap enough for every request; keeps a fractional or
 * negative position from being truncated silently by the addon.
 */
export function checkIoArgs(fd: number, position: number, what = 'position'): void {
  if (!(fd >= 0 && Number.isInteger(fd))) {
    throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `fd must be a non-negative integer, got ${fd}`);
  }
  if (!(position >= 0 && Number.isSafeInteger(position))) {
    throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `${what} must be a non-negative safe integer, got ${position}`);
  }
}
