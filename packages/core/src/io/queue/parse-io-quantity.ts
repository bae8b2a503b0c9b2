/**
 * Reads one quantity of an io_properties entry the way Seastar does (`parse_memory_size`):
 * a number, or a string of digits with an optional binary suffix k/K (2^10), M (2^20),
 * G (2^30), T (2^40), itself optionally followed by `i`, `iB` or `B` ("545M", "64k",
 * "1GiB"). Returns the value, or undefined when `value` has neither form, is not finite,
 * or is not > 0 — the caller names the field in its error.
 */
export function parseIoQuantity(value: unknown): number | undefined {
  let n: number;
  if (typeof value === 'number') {
    n = value;
  } else if (typeof value === 'string') {
    const match = QUANTITY.exec(value.trim());
    if (match === null) return undefined;
    const power = SUFFIX_POWERS[match[2] ?? ''] ?? 0;
    n = Number(match[1]) * 2 ** power;
  } else {
    return undefined;
  }
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Digits, an optional k/K/M/G/T multiplier, an optional i/iB/B unit. */
const QUANTITY = /^(\d+)([kKMGT])?(?:i|iB|B)?$/;

const SUFFIX_POWERS: Readonly<Record<string, number>> = { k: 10, K: 10, M: 20, G: 30, T: 40 };
