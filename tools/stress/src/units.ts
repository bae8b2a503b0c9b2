// Parsing and printing of the quantities on stress's command line and in its output.

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const DURATION_UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const COUNT = /^(\d+(?:\.\d+)?)([kKmM])?$/;
const COUNT_UNIT: Record<string, number> = { k: 1e3, K: 1e3, m: 1e6, M: 1e6 };
const SIZE = /^(\d+)([kKmM]i?[bB]?|[bB])?$/;

/** "30s", "500ms", "2m", "1h" or a bare number of seconds, in ms; undefined when malformed. */
export function parseDurationMs(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (m === null) return undefined;
  return Number(m[1]) * DURATION_UNIT_MS[m[2] ?? 's']!;
}

/** "100000", "100k", "1.5M": a whole count; undefined when malformed or not whole. */
export function parseCount(text: string): number | undefined {
  const m = COUNT.exec(text.trim());
  if (m === null) return undefined;
  const n = Number(m[1]) * (m[2] === undefined ? 1 : COUNT_UNIT[m[2]]!);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** "100", "100b", "4k", "1MiB": bytes (k and M are powers of 1024); undefined when malformed. */
export function parseSizeBytes(text: string): number | undefined {
  const m = SIZE.exec(text.trim());
  if (m === null) return undefined;
  const unit = (m[2] ?? 'b').charAt(0).toLowerCase();
  return Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : 1);
}

/** A rate: "5000", "5000/s", "5k/s": operations per second; undefined when malformed. */
export function parseRatePerSec(text: string): number | undefined {
  const t = text.trim();
  return parseCount(t.endsWith('/s') ? t.slice(0, -2) : t);
}

/** Nanoseconds as milliseconds rounded to the microsecond (what every figure of the summary uses). */
export function nsToMs(ns: number): number {
  return Math.round(ns / 1000) / 1000;
}

/** A number with thousands separators ("12,345"). */
export function formatCount(n: number): string {
  // Not toLocaleString: its first call loads ICU data, tens of ms of CPU in the summary.
  const digits = String(Math.abs(Math.round(n)));
  return `${n < 0 ? '-' : ''}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}
