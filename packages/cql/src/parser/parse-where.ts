/**
 * WHERE relations (SELECT, UPDATE, DELETE, materialized views) and IF conditions
 * (lightweight transactions).
 */
import type { Term } from './ast-common';
import type { ColumnTarget, CompareOperator, Condition, InValues, Relation } from './ast-dml';
import { parseIdentifierTuple } from './parse-names';
import { atBindMarker, parseBindMarker, parseTerm, parseTermList } from './parse-term';
import { TokenKind } from './token';
import type { TokenCursor } from './token-cursor';

const COMPARE_OPERATORS: ReadonlySet<string> = new Set(['=', '<', '<=', '>', '>=', '!=']);

/** The comparison operator at the cursor, consumed, or undefined. */
function acceptCompareOperator(c: TokenCursor): CompareOperator | undefined {
  const t = c.peek();
  if (t.kind !== TokenKind.Punct || !COMPARE_OPERATORS.has(t.text)) return undefined;
  c.next();
  return t.text as CompareOperator;
}

function expectCompareOperator(c: TokenCursor): CompareOperator {
  const op = acceptCompareOperator(c);
  if (op === undefined) throw c.noViable();
  return op;
}

/** `relation (AND relation)*`. */
export function parseWhereClause(c: TokenCursor): Relation[] {
  const relations: Relation[] = [];
  do parseRelation(c, relations);
  while (c.acceptWord('and'));
  return relations;
}

/** One relation; `( relation )` is allowed, as in Cassandra. */
function parseRelation(c: TokenCursor, out: Relation[]): void {
  if (c.atPunct('(')) {
    if (c.isIdentifier(1) && (c.atPunct(',', 2) || c.atPunct(')', 2))) {
      out.push(parseMultiColumnRelation(c));
      return;
    }
    c.enter();
    c.next();
    parseRelation(c, out);
    c.expectPunct(')');
    c.leave();
    return;
  }
  if (c.atWord('token') && c.atPunct('(', 1)) {
    c.next();
    const columns = parseIdentifierTuple(c);
    const operator = expectCompareOperator(c);
    out.push({ kind: 'token', columns, operator, value: parseTerm(c) });
    return;
  }
  out.push(parseSingleColumnRelation(c, c.identifier()));
}

function parseSingleColumnRelation(c: TokenCursor, column: string): Relation {
  if (c.acceptPunct('[')) {
    const key = parseTerm(c);
    c.expectPunct(']');
    const operator = expectCompareOperator(c);
    return { kind: 'mapElement', column, key, operator, value: parseTerm(c) };
  }
  const operator = acceptCompareOperator(c);
  if (operator !== undefined) return { kind: 'compare', column, operator, value: parseTerm(c) };
  if (c.acceptWord('in')) return { kind: 'in', column, values: parseInValues(c) };
  if (c.acceptWord('contains')) {
    const op = c.acceptWord('key') ? 'CONTAINS KEY' : 'CONTAINS';
    return { kind: 'compare', column, operator: op, value: parseTerm(c) };
  }
  if (c.acceptWord('like')) return { kind: 'compare', column, operator: 'LIKE', value: parseTerm(c) };
  if (c.acceptWord('is')) {
    c.expectWord('not');
    c.expectWord('null');
    return { kind: 'isNotNull', column };
  }
  throw c.noViable();
}

/** `(a, b) op (1, 2) | ?`, `(a, b) IN ((1, 2), …) | (?, …) | ?`. */
function parseMultiColumnRelation(c: TokenCursor): Relation {
  const columns = parseIdentifierTuple(c);
  if (c.acceptWord('in')) {
    if (atBindMarker(c)) return { kind: 'multiColumnIn', columns, values: { kind: 'inMarker', marker: parseBindMarker(c) } };
    return { kind: 'multiColumnIn', columns, values: { kind: 'inList', terms: parseTermList(c, '(', ')') } };
  }
  const operator = expectCompareOperator(c);
  const at = c.peek();
  const value = parseTerm(c);
  if (value.kind !== 'tuple' && value.kind !== 'bindMarker') {
    throw c.errorAt(at, `a multi-column relation compares with a tuple literal or a bind marker`);
  }
  return { kind: 'multiColumn', columns, operator, value };
}

/** After IN: `(t, …)` or one marker bound to the whole list. */
export function parseInValues(c: TokenCursor): InValues {
  if (atBindMarker(c)) return { kind: 'inMarker', marker: parseBindMarker(c) };
  return { kind: 'inList', terms: parseTermList(c, '(', ')') };
}

/** `IF EXISTS` or `IF condition (AND condition)*`; the cursor is after IF. */
export function parseConditions(c: TokenCursor): Condition[] {
  const conditions: Condition[] = [];
  do conditions.push(parseCondition(c));
  while (c.acceptWord('and'));
  return conditions;
}

function parseCondition(c: TokenCursor): Condition {
  const target = parseColumnTarget(c);
  if (c.acceptWord('in')) return { kind: 'in', target, values: parseInValues(c) };
  const operator = expectCompareOperator(c);
  const value: Term = parseTerm(c);
  return { kind: 'compare', target, operator, value };
}

/** `c`, `c[key]` or `c.field`. */
export function parseColumnTarget(c: TokenCursor): ColumnTarget {
  const column = c.identifier();
  if (c.acceptPunct('[')) {
    const key = parseTerm(c);
    c.expectPunct(']');
    return { kind: 'element', column, key };
  }
  if (c.acceptPunct('.')) return { kind: 'field', column, field: c.identifier() };
  return { kind: 'column', column };
}
