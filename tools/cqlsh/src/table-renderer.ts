/**
 * Lays out formatted rows as cqlsh does: a header of left-aligned names, a separator of `-`
 * and `+`, values right-aligned, each line starting with a space; or, in EXPAND ON mode,
 * one `@ Row N` block per row. Pure: strings in, lines out.
 */
import { displayWidth } from './value-formatter';

function padEnd(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

function padStart(s: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(s))) + s;
}

/**
 * The lines of a table: header and separator (when `withHeader`), then one line per row.
 * Column widths are the widest of the name and the values.
 */
export function renderTable(names: readonly string[], rows: readonly (readonly string[])[], withHeader = true): string[] {
  const widths = names.map((n) => displayWidth(n));
  for (const row of rows) row.forEach((v, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(v))));
  const lines: string[] = [];
  if (withHeader) {
    lines.push((' ' + names.map((n, i) => padEnd(n, widths[i]!)).join(' | ')).trimEnd());
    lines.push(`-${widths.map((w) => '-'.repeat(w)).join('-+-')}-`);
  }
  for (const row of rows) lines.push(' ' + row.map((v, i) => padStart(v, widths[i]!)).join(' | '));
  return lines;
}

/**
 * EXPAND ON output: for each row `@ Row N` (numbered from `firstRowNumber`), a separator,
 * `name | value` lines with names left-aligned, and a blank line.
 */
export function renderVertical(names: readonly string[], rows: readonly (readonly string[])[], firstRowNumber = 1): string[] {
  const nameWidth = Math.max(0, ...names.map((n) => displayWidth(n)));
  const valueWidth = Math.max(0, ...rows.flatMap((r) => r.map((v) => displayWidth(v))));
  const lines: string[] = [];
  rows.forEach((row, r) => {
    lines.push(`@ Row ${firstRowNumber + r}`);
    lines.push(`-${'-'.repeat(nameWidth)}-+-${'-'.repeat(valueWidth)}-`);
    row.forEach((v, i) => lines.push(` ${padEnd(names[i]!, nameWidth)} | ${v}`));
    lines.push('');
  });
  return lines;
}
