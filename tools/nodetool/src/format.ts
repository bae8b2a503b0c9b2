/**
 * Output helpers that reproduce Cassandra nodetool's layouts: file sizes as
 * `FileUtils.stringifyFileSize` prints them, aligned tables as its `TableBuilder`.
 */

const KIB = 1024;
const UNITS: [number, string][] = [
  [KIB ** 4, 'TiB'],
  [KIB ** 3, 'GiB'],
  [KIB ** 2, 'MiB'],
  [KIB, 'KiB'],
];

/** Java's DecimalFormat("#.##"): at most two decimals, no trailing zeros, HALF_EVEN. */
export function decimal2(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return String(Number(rounded.toFixed(2)));
}

/** `5.03 KiB`, `512 bytes` (Cassandra's file size format). */
export function fileSize(bytes: number): string {
  for (const [size, unit] of UNITS) if (bytes >= size) return `${decimal2(bytes / size)} ${unit}`;
  return `${decimal2(bytes)} bytes`;
}

/** Rows of cells as columns left-aligned, separated by `gap` spaces (trailing spaces trimmed). */
export function alignColumns(rows: readonly (readonly string[])[], gap = 2): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]! + gap)))
      .join('')
      .trimEnd(),
  );
}

/** A fraction as Java's DecimalFormat("##0.0%") (`100.0%`); `digits` decimals. */
export function percent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** A latency in ms with three decimals as tablestats prints it; NaN when nothing was measured. */
export function latencyMs(sumUs: number, count: number): string {
  return count > 0 ? `${(sumUs / count / 1000).toFixed(3)} ms` : 'NaN ms';
}
