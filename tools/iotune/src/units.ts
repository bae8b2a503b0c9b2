/** Binary multipliers accepted by {@link parseSizeBytes}, as in Seastar's quantities. */
const SIZE_SUFFIXES: Readonly<Record<string, number>> = {
  '': 1,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
  p: 2 ** 50,
};

/**
 * Parses a size such as `1G`, `16M`, `512KiB`, `4096` or `1.5GiB` into bytes (binary
 * suffixes k/M/G/T/P, case-insensitive, optionally followed by `i`, `iB` or `B`).
 * Returns undefined for anything else, including zero, negative and non-integer results.
 */
export function parseSizeBytes(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b|i)?\s*$/i.exec(text);
  if (m === null) return undefined;
  const bytes = Number(m[1]) * SIZE_SUFFIXES[m[2]!.toLowerCase()]!;
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

/** `1073741824` → `1 GiB`, `16777216` → `16 MiB`, `1500` → `1.46 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let i = 0;
  while (Math.abs(value) >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${formatNumber(value)} ${units[i]!}`;
}

/** Bytes per second in decimal megabytes, the way disks are sold: `545 MB/s`. */
export function formatBandwidth(bytesPerSec: number): string {
  return `${formatNumber(bytesPerSec / 1e6)} MB/s`;
}

/** Up to three significant digits, no trailing zeros: 1, 1.5, 12.3, 456, 12345. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100 || Number.isInteger(value)) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
}

/** Requests per second: `850`, `12.3k`, `1.2M`. */
export function formatIops(iops: number): string {
  if (iops >= 1e6) return `${formatNumber(iops / 1e6)}M IOPS`;
  if (iops >= 1e4) return `${formatNumber(iops / 1e3)}k IOPS`;
  return `${Math.round(iops)} IOPS`;
}

/** A latency in µs shown in ms: `0.12 ms`, `3.4 ms`, `120 ms`. */
export function formatLatencyUs(us: number): string {
  return `${formatNumber(us / 1000)} ms`;
}
