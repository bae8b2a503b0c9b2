import { CharybdisError } from '../errors';
import { ErrorCodes } from '../util/error-codes';

/**
 * Histogram bucket bounds `start, start·factor, start·factor², …` (`count` of them), as
 * Prometheus client libraries define it. `start` > 0, `factor` > 1, `count` ≥ 1.
 * Example: `exponentialBuckets(1, 2, 4)` → `[1, 2, 4, 8]`.
 */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  if (!(start > 0 && Number.isFinite(start)) || !(factor > 1 && Number.isFinite(factor)) || !Number.isSafeInteger(count) || count < 1) {
    throw new CharybdisError(
      ErrorCodes.INVALID_ARGUMENT,
      `exponentialBuckets: need start > 0, factor > 1, integer count >= 1; got ${start}, ${factor}, ${count}`,
    );
  }
  const bounds: number[] = [];
  let bound = start;
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(bound)) {
      throw new CharybdisError(ErrorCodes.INVALID_ARGUMENT, `exponentialBuckets: bound ${i} overflows to Infinity`);
    }
    bounds.push(bound);
    bound *= factor;
  }
  return bounds;
}
