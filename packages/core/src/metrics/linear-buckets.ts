import { CharybdisError } from '../errors';
import { ErrorCodes } from '../util/error-codes';

/**
 * Histogram bucket bounds `start, start + width, start + 2·width, …` (`count` of them).
 * `width` > 0, `count` ≥ 1. Example: `linearBuckets(0, 10, 3)` → `[0, 10, 20]`.
 */
export function linearBuckets(start: number, width: number, count: number): number[] {
  if (!Number.isFinite(start) || !(width > 0 && Number.isFinite(width)) || !Number.isSafeInteger(count) || count < 1) {
    throw new CharybdisError(
      ErrorCodes.INVALID_ARGUMENT,
      `linearBuckets: need finite start, width > 0, integer count >= 1; got ${start}, ${width}, ${count}`,
    );
  }
  const bounds: number[] = [];
  for (let i = 0; i < count; i++) bounds.push(start + i * width);
  return bounds;
}
