/** SELECT. */
import type { Term } from './ast-common';
import type { Ordering, SelectStatement } from './ast-dml';
import { parseQualifiedName } from './parse-names';
import { parseSelection } from './parse-selectors';
import { atBindMarker, parseBindMarker, parseTerm } from './parse-term';
import { parseWhereClause } from './parse-where';
import { TokenKind } from './token';
import type { TokenCursor } from './token-cursor';

/**
 * `SELECT [JSON] [DISTINCT] selection FROM t [WHERE …] [GROUP BY …] [ORDER BY …]
 * [PER PARTITION LIMIT n] [LIMIT n] [ALLOW FILTERING] [BYPASS CACHE] [USING TIMEOUT d]`;
 * the cursor is after SELECT.
 */
export function parseSelect(c: TokenCursor): SelectStatement {
  const json = acceptModifierKeyword(c, 'json');
  const distinct = acceptModifierKeyword(c, 'distinct');
  const { wildcard, selectors } = parseSelection(c);
  c.expectWord('from');
  const table = parseQualifiedName(c, 'table');
  const where = c.acceptWord('where') ? parseWhereClause(c) : [];
  const groupBy: string[] = [];
  if (c.acceptWord('group')) {
    c.expectWord('by');
    do groupBy.push(c.identifier());
    while (c.acceptPunct(','));
  }
  const orderBy = c.acceptWord('order') ? parseOrderBy(c) : [];
  let perPartitionLimit: Term | undefined;
  if (c.acceptWord('per')) {
    c.expectWord('partition');
    c.expectWord('limit');
    perPartitionLimit = parseIntValue(c);
  }
  const limit = c.acceptWord('limit') ? parseIntValue(c) : undefined;
  let allowFiltering = false;
  if (c.acceptWord('allow')) {
    c.expectWord('filtering');
    allowFiltering = true;
  }
  let bypassCache = false;
  if (c.acceptWord('bypass')) {
    c.expectWord('cache');
    bypassCache = true;
  }
  let timeout: Term | undefined;
  if (c.acceptWord('using')) {
    c.expectWord('timeout');
    timeout = parseTerm(c);
  }
  return { kind: 'select', table, json, distinct, wildcard, selectors, where, groupBy, orderBy, perPartitionLimit, limit, allowFiltering, bypassCache, timeout };
}

/** Tokens after which `json`/`distinct` is a column (`json, v`, `json[0]`, `json + 1`) or a call. */
const NOT_AFTER_MODIFIER: ReadonlySet<string> = new Set([',', '(', '.', '[', '+', '-', '/', '%']);

/**
 * JSON and DISTINCT are also valid column names (`SELECT json FROM t`, `SELECT distinct,
 * v FROM t`): they are modifiers only when a selection follows them.
 */
function acceptModifierKeyword(c: TokenCursor, word: string): boolean {
  if (!c.atWord(word)) return false;
  const next = c.peek(1);
  if (next.kind === TokenKind.Eof || c.atWord('from', 1) || c.atWord('as', 1)) return false;
  if (next.kind === TokenKind.Punct && NOT_AFTER_MODIFIER.has(next.text)) return false;
  c.next();
  return true;
}

/** `BY column [ASC|DESC] (, …)*` (after ORDER). */
function parseOrderBy(c: TokenCursor): Ordering[] {
  c.expectWord('by');
  return parseOrderingList(c);
}

/** `column [ASC|DESC] (, …)*`, shared with CLUSTERING ORDER BY. */
export function parseOrderingList(c: TokenCursor): Ordering[] {
  const orderings: Ordering[] = [];
  do {
    const column = c.identifier();
    let order: 'asc' | 'desc' = 'asc';
    if (c.acceptWord('desc')) order = 'desc';
    else c.acceptWord('asc');
    orderings.push({ column, order });
  } while (c.acceptPunct(','));
  return orderings;
}

/** LIMIT-style values: an integer or a bind marker. */
export function parseIntValue(c: TokenCursor): Term {
  if (atBindMarker(c)) return parseBindMarker(c);
  const t = c.peek();
  if (t.kind !== TokenKind.Integer) throw c.noViable();
  c.next();
  return { kind: 'constant', type: 'integer', text: t.text };
}
