/**
 * Prints the rows of a result the way cqlsh does, fetching further pages with the driver's
 * paging state. On a terminal it pauses with `---MORE---` after each screenful (never more
 * than the page size, so `PAGING 10` pauses every 10 rows like cqlsh); elsewhere the pages
 * follow each other without pauses (one header; pages of BULK rows, so a result of up to
 * that many rows is one aligned table).
 */
import type { types as DriverTypes } from 'cassandra-driver';
import { renderTable, renderVertical } from './table-renderer';
import type { DriverType } from './value-formatter';
import { formatValue } from './value-formatter';

/** Terminal height assumed when the terminal does not say (cqlsh's classic 24 lines). */
export const DEFAULT_SCREEN_ROWS = 24;

/**
 * Rows shown before a `---MORE---`: what fits in `screenRows` lines next to the prompt,
 * the header or, in EXPAND mode, each row's `@ Row`, separator and blank lines; at most
 * `pageSize`; at least 1.
 */
export function rowsPerScreen(screenRows: number, columnCount: number, expand: boolean, pageSize: number): number {
  const available = screenRows - 2; // the ---MORE--- line and the blank line before the rows
  const fits = expand ? Math.floor(available / (columnCount + 3)) : available - 3; // header, separator, blank after
  return Math.max(1, Math.min(pageSize, fits));
}

/** What printing needs from the shell. */
export interface PrintContext {
  out(line: string): void;
  /** Asks to go on (terminal only); undefined prints everything without pausing. */
  more?: () => Promise<boolean>;
  /** Terminal height in lines (0 or undefined when unknown). */
  screenRows?: number;
  expand: boolean;
  pageSize: number;
  /** Fetches the page after `pageState`. */
  nextPage(pageState: string): Promise<DriverTypes.ResultSet>;
}

/** Prints the header and rows of `first` and the pages after it; returns the row count. */
export async function printRows(ctx: PrintContext, first: DriverTypes.ResultSet): Promise<number> {
  const columns = first.columns as unknown as { name: string; type: DriverType }[];
  const names = columns.map((c) => c.name);
  const format = (rs: DriverTypes.ResultSet): string[][] => rs.rows.map((row) => columns.map((c) => formatValue(row.get(c.name), c.type)));
  const print = (rows: string[][], firstIndex: number, withHeader = true, blankAfter = true): void => {
    const lines = ctx.expand && rows.length > 0 ? renderVertical(names, rows, firstIndex + 1) : renderTable(names, rows, withHeader);
    for (const l of lines) ctx.out(l);
    if (blankAfter && !(ctx.expand && rows.length > 0)) ctx.out('');
  };
  const pending = format(first);
  let pageState: string | null | undefined = first.pageState;
  if (ctx.more === undefined) {
    // As cqlsh without a terminal: page after page, the header once, each page's columns
    // as wide as that page needs (one page of rows held at a time).
    let count = 0;
    let rows = pending;
    for (;;) {
      if (rows.length > 0 || count === 0) print(rows, count, count === 0, false);
      count += rows.length;
      if (!pageState) break;
      const next = await ctx.nextPage(pageState);
      rows = format(next);
      pageState = next.pageState;
    }
    if (!ctx.expand || count === 0) ctx.out('');
    return count;
  }
  const perScreen = rowsPerScreen(ctx.screenRows || DEFAULT_SCREEN_ROWS, names.length, ctx.expand, ctx.pageSize);
  let count = 0;
  for (;;) {
    // Bounded memory: at most one screen plus one page of rows are held.
    while (pending.length < perScreen && pageState) {
      const next = await ctx.nextPage(pageState);
      pending.push(...format(next));
      pageState = next.pageState;
    }
    const screen = pending.splice(0, perScreen);
    if (screen.length > 0 || count === 0) print(screen, count);
    count += screen.length;
    if (pending.length === 0 && !pageState) return count;
    if (!(await ctx.more())) return count;
  }
}
