const MULTIPLIERS: Readonly<Record<string, number>> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

// A number, an optional binary prefix, an optional 'i' (only after a prefix), an optional
// 'B': 1073741824, 512M, 512MB, 512Mi, 2G, 1.5GiB, 4096B.
const SIZE_PATTERN = /^(\d+(?:\.\d+)?|\.\d+)\s*(?:([kmgt])(i?))?(b?)$/i;

/**
 * Parses a size as users write it in scylla.yaml or on `--memory`. Prefixes are binary
 * whatever the spelling (`512M` = `512MB` = `512MiB` = 512 × 2^20 bytes), as in Seastar;
 * fractions are rounded down to a whole byte. Returns undefined when `text` is not a size
 * or is too large to be an exact JS integer.
 */
export function parseSizeBytes(text: string): number | undefined {
  const match = SIZE_PATTERN.exec(text.trim());
  if (match === null) return undefined;
  const [, amount = '', prefix = ''] = match;
  const multiplier = MULTIPLIERS[prefix.toLowerCase()] ?? 1;
  const bytes = Math.floor(Number(amount) * multiplier);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
